"""IVS's local stand-in: the operations moto's IVS lacks, in front of moto for the rest.

    python -m liveclips_dev.localcloud.ivs_standin --host 127.0.0.1 --port 8089

moto serves channels (CreateChannel, GetChannel, ListChannels, DeleteChannel, ...) but
no stream keys beyond the one CreateChannel returns, no streams and no timed metadata.
This serves PutMetadata, CreateStreamKey, DeleteStreamKey, GetStreamKey, ListStreamKeys
and GetStream to a real boto3 client (AWS_ENDPOINT_URL_IVS), refused where AWS refuses
them: the botocore model (400 ValidationException), unknown channels and keys (404
ResourceNotFoundException), one stream key per channel (402 ServiceQuotaExceeded, IVS's
quota), metadata over 1 KB, PutMetadata on an offline channel (404 ChannelNotBroadcasting)
or more than 5 times a second per channel (429 ThrottlingException). Every other operation
is forwarded to moto (AWS_ENDPOINT_URL) as it came, and its answer returned as it went.

Two things only IVS's data plane knows are told to it locally:
- the stream key CreateChannel made (moto forgets it): noted from moto's answer;
- whether a channel is live: the local studio posts each IVS Stream State Change event
  it emits to `POST /_stream-events`, as the ingest would tell IVS.
Accepted PutMetadata calls are kept, newest last, at `GET /_metadata` (tests, the demo).

A channel's playbackUrl is where the local ingest's live playlist is served, when the
local cloud says where that is (LIVECLIPS_STUDIO_URL: the studio server serves
`/live/<channel id>/playlist.m3u8`); moto's own URL names an IVS edge that does not exist
here. Every answer naming a channel (CreateChannel, GetChannel, BatchGetChannel,
UpdateChannel, GetStream) says so.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import botocore.session
import httpx

from liveclips_dev.localcloud.aws_wire import from_wire, problems
from liveclips_dev.localcloud.http_json import reply_json

_MODEL = botocore.session.get_session().get_service_model("ivs")
SERVED = ("PutMetadata", "CreateStreamKey", "DeleteStreamKey", "GetStreamKey",
          "ListStreamKeys", "GetStream")  # fmt: skip
# IVS's documented quotas: timed metadata payload and rate per channel.
METADATA_MAX_BYTES = 1024
METADATA_PER_S = 5
# moto's answer headers worth passing on; the rest describe moto's own connection.
_RELAYED = ("content-type", "x-amzn-errortype", "x-amzn-requestid")
LIVE_PLAYLIST_PATH = "live/{channel_id}/playlist.m3u8"  # as browser_ingest serves it


class Refused(Exception):
    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_type = status, error_type


class Ivs:
    """Stream keys, live streams and accepted metadata; moto answers for channels."""

    def __init__(self, moto_url: str, playback_base: str | None = None) -> None:
        self.moto_url = moto_url
        self.playback_base = playback_base.rstrip("/") if playback_base else None
        self._lock = threading.Lock()
        self.keys: dict[str, dict[str, Any]] = {}  # stream-key ARN -> StreamKey
        self.live: dict[str, dict[str, Any]] = {}  # channel ARN -> Stream
        self.metadata: list[dict[str, Any]] = []
        self._sent: dict[str, deque[float]] = defaultdict(deque)

    def channel(self, arn: str) -> dict[str, Any]:
        # Signed like any client call: moto picks the service from the credential scope.
        answer = _moto_client(self.moto_url).post(f"{self.moto_url}/GetChannel", json={"arn": arn})
        if answer.status_code == 404:
            raise Refused(404, "ResourceNotFoundException", f"Resource: {arn} not found")
        answer.raise_for_status()
        channel: dict[str, Any] = answer.json()["channel"]
        return self.played_here(channel)

    def played_here(self, channel: dict[str, Any]) -> dict[str, Any]:
        """The channel with its playbackUrl on the local live server (if there is one)."""
        if self.playback_base is None or "arn" not in channel:
            return channel
        channel_id = channel["arn"].rsplit("/", 1)[-1]
        path = LIVE_PLAYLIST_PATH.format(channel_id=channel_id)
        return {**channel, "playbackUrl": f"{self.playback_base}/{path}"}

    def rewritten(self, body: bytes) -> bytes:
        """moto's answer, each channel in it played here."""
        try:
            answer = json.loads(body)
        except ValueError:
            return body
        if not isinstance(answer, dict):
            return body
        if isinstance(answer.get("channel"), dict):
            answer["channel"] = self.played_here(answer["channel"])
        if isinstance(answer.get("channels"), list):
            answer["channels"] = [self.played_here(c) for c in answer["channels"]]
        return json.dumps(answer).encode()

    def noted_channel(self, created: dict[str, Any]) -> None:
        key = created.get("streamKey")
        if key:
            with self._lock:
                self.keys[key["arn"]] = key

    def forgot_channel(self, arn: str) -> None:
        with self._lock:
            self.keys = {k: v for k, v in self.keys.items() if v["channelArn"] != arn}
            self.live.pop(arn, None)

    def stream_event(self, event: dict[str, Any]) -> None:
        if event.get("detail-type") != "IVS Stream State Change" or not event.get("resources"):
            raise Refused(400, "ValidationException", "not an IVS Stream State Change event")
        arn, detail = event["resources"][0], event.get("detail", {})
        with self._lock:
            if detail.get("event_name") == "Stream Start":
                self.live[arn] = {
                    "channelArn": arn, "streamId": detail.get("stream_id"),
                    "startTime": event.get("time"), "state": "LIVE", "health": "HEALTHY",
                    "viewerCount": 0,
                }  # fmt: skip
            elif detail.get("event_name") == "Stream End":
                self.live.pop(arn, None)

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any] | None:
        return getattr(self, f"_{operation}")(request)

    def _PutMetadata(self, request: dict[str, Any]) -> None:  # noqa: N802  # the AWS names
        arn, metadata = request["channelArn"], request["metadata"]
        if len(metadata.encode()) > METADATA_MAX_BYTES:
            raise Refused(400, "ValidationException", f"metadata is over {METADATA_MAX_BYTES} B")
        self.channel(arn)
        now = time.monotonic()
        with self._lock:
            if arn not in self.live:
                raise Refused(404, "ChannelNotBroadcasting", f"{arn} is not broadcasting")
            sent = self._sent[arn]
            while sent and sent[0] <= now - 1.0:
                sent.popleft()
            if len(sent) >= METADATA_PER_S:
                raise Refused(429, "ThrottlingException", f"over {METADATA_PER_S} TPS on {arn}")
            sent.append(now)
            self.metadata.append({"channelArn": arn, "metadata": metadata, "at": _now()})

    def _CreateStreamKey(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        arn = request["channelArn"]
        self.channel(arn)
        region, account = arn.split(":")[3:5]
        key = {
            "arn": f"arn:aws:ivs:{region}:{account}:stream-key/{secrets.token_hex(6)}",
            "channelArn": arn,
            "tags": request.get("tags", {}),
            "value": f"sk_{region}_{secrets.token_urlsafe(24)}",
        }
        with self._lock:
            if any(k["channelArn"] == arn for k in self.keys.values()):
                raise Refused(402, "ServiceQuotaExceededException", "1 stream key per channel")
            self.keys[key["arn"]] = key
        return {"streamKey": key}

    def _DeleteStreamKey(self, request: dict[str, Any]) -> None:  # noqa: N802
        with self._lock:
            if self.keys.pop(request["arn"], None) is None:
                raise Refused(404, "ResourceNotFoundException", f"{request['arn']} not found")

    def _GetStreamKey(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        with self._lock:
            key = self.keys.get(request["arn"])
        if key is None:
            raise Refused(404, "ResourceNotFoundException", f"{request['arn']} not found")
        return {"streamKey": key}

    def _ListStreamKeys(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        arn = request["channelArn"]
        self.channel(arn)
        with self._lock:
            found = [k for k in self.keys.values() if k["channelArn"] == arn]
        return {"streamKeys": [{n: k[n] for n in ("arn", "channelArn", "tags")} for k in found]}

    def _GetStream(self, request: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        channel = self.channel(request["channelArn"])
        with self._lock:
            stream = self.live.get(channel["arn"])
        if stream is None:
            raise Refused(404, "ChannelNotBroadcasting", f"{channel['arn']} is not broadcasting")
        return {"stream": {**stream, "playbackUrl": channel["playbackUrl"]}}


def _now() -> str:
    return datetime.now(UTC).isoformat()


_clients: dict[str, httpx.Client] = {}


def _moto_client(moto_url: str) -> httpx.Client:
    # A fixed SigV4-shaped header is enough: moto reads the service name, not the signature.
    if moto_url not in _clients:
        scope = "Credential=testing/20200101/us-east-1/ivs/aws4_request"
        _clients[moto_url] = httpx.Client(
            timeout=10,
            trust_env=False,
            headers={"Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, "
                     "Signature=0"},
        )  # fmt: skip
    return _clients[moto_url]


def handler_for(ivs: Ivs) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/healthz":
                reply_json(self, 200, {"status": "ok"})
            elif self.path == "/_metadata":
                reply_json(self, 200, {"metadata": list(ivs.metadata)})
            else:
                reply_json(
                    self, 404, {"message": self.path}, error_type="ResourceNotFoundException"
                )

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            operation = self.path.split("?", 1)[0].lstrip("/")
            try:
                if operation == "_stream-events":
                    ivs.stream_event(json.loads(raw))
                    reply_json(self, 200, {})
                elif operation in SERVED:
                    self._serve(operation, raw)
                else:
                    self._forward(raw)
            except Refused as refused:
                message = str(refused)
                reply_json(self, refused.status, {"message": message, "exceptionMessage": message},
                           error_type=refused.error_type)  # fmt: skip
            except ValueError as error:
                reply_json(self, 400, {"message": f"body is not JSON: {error}"},
                           error_type="ValidationException")  # fmt: skip

        def _serve(self, operation: str, raw: bytes) -> None:
            shape = _MODEL.shape_for(f"{operation}Request")
            request = from_wire(shape, json.loads(raw or b"{}"))
            found = problems(shape, request)
            if found:
                raise Refused(400, "ValidationException", "; ".join(found))
            answer = ivs.call(operation, request)
            if answer is None:  # PutMetadata, DeleteStreamKey: 204 No Content
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                reply_json(self, 200, answer)

        def _forward(self, raw: bytes) -> None:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = httpx.post(f"{ivs.moto_url}{self.path}", content=raw, headers=headers,
                                timeout=30, trust_env=False)  # fmt: skip
            if answer.status_code == 200 and self.path == "/CreateChannel":
                ivs.noted_channel(answer.json())
            if answer.status_code < 300 and self.path == "/DeleteChannel":
                ivs.forgot_channel(json.loads(raw)["arn"])
            content = answer.content
            if answer.status_code == 200:
                content = ivs.rewritten(content)
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() in _RELAYED:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="IVS stand-in (in front of moto)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # Empty outside the local cloud's studio: moto's playback URLs are kept.
    playback_base = os.environ.get("LIVECLIPS_STUDIO_URL") or None
    ivs = Ivs(os.environ["AWS_ENDPOINT_URL"].rstrip("/"), playback_base)
    ThreadingHTTPServer((args.host, args.port), handler_for(ivs)).serve_forever()


if __name__ == "__main__":
    main()
