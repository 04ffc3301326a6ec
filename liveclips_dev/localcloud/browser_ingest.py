"""The web studio's local server: the page, the browser's live ingest, and clip events.

    python -m liveclips_dev.localcloud.browser_ingest --host 127.0.0.1 --port 8091

- `GET /` the studio page (web/studio/, static files; deployable to a bucket + CDN);
- `/api/...` and `POST /auth/token` passed on to the API and the local dev issuer, so the
  page has one origin (the API needs no CORS locally);
- `WS /ingest?key=<stream key>` the browser's MediaRecorder WebM chunks, piped into the
  same IVS auto-record layout and events as the file studio
  (liveclips_dev/localcloud/live_ingest.py);
  a wrong or revoked key is refused with close code 4403 before anything is recorded,
  and a second encoder on a channel that is live (browser or RTMP) with 4409;
- `rtmp://127.0.0.1:<port>/app/<stream key>` (LIVECLIPS_RTMP_URL) for OBS, and
  `rtmps://...` (LIVECLIPS_RTMPS_URL, a self-signed certificate) in front of it, into the
  same recording path (liveclips_dev/localcloud/rtmp_ingest.py);
- `/shared/` and `/viewer/shared/`: web/shared/, the modules both pages import;
- `GET /events?channel_id=..&token=..` server-sent events: the channel's highlights and
  clips as the pipeline publishes them, and its chat with the AI moderation's verdicts,
  passed through from the studio-events service (liveclips/studio_events/, Cloud Run in
  production, where the load balancer routes /events to it).

Dev only, never deployed: in production the page broadcasts to IVS with the IVS Web
Broadcast SDK and takes its events from the studio-events service (docs/studio-web.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import logging
import os
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from liveclips.adapters import ivs, s3, spanner_channels
from liveclips.adapters.config import settings
from liveclips_dev.localcloud import console_data, ivschat_ws
from liveclips_dev.localcloud.emulators import REPO_ROOT
from liveclips_dev.localcloud.live_ingest import LiveIngest, LivePlaylists, input_args, live_root
from liveclips_dev.localcloud.rtmp_ingest import (
    KEY_RECHECK_S,
    RtmpIngest,
    self_signed_tls,
    serve_in_thread,
)

log = logging.getLogger("liveclips.browser_ingest")
WEB_ROOT = REPO_ROOT / "web" / "studio"
VIEWER_ROOT = REPO_ROOT / "web" / "viewer"  # the viewers' app (docs/viewer-app.md)
CONSOLE_ROOT = REPO_ROOT / "web" / "console"  # the content team's dashboards
SHARED_ROOT = REPO_ROOT / "web" / "shared"  # modules both pages import, as their ./shared/
NODE_MODULES = REPO_ROOT / "web" / "node_modules"  # npm ci --prefix web (web/package-lock.json)
# The pinned front-end packages the pages load, each as its package's own dist folder.
VENDORED = {
    "uplot": NODE_MODULES / "uplot" / "dist",
    "hls": NODE_MODULES / "hls.js" / "dist",
    "ivs-player": NODE_MODULES / "amazon-ivs-player" / "dist",
    "ivs-broadcast": NODE_MODULES / "amazon-ivs-web-broadcast" / "dist",
    # The IVS Player bundled by `npm run --prefix web build` (web/ivs-player.js, ADR 0018).
    "ivs-player-build": REPO_ROOT / "web" / "build" / "ivs-player",
}
IVS_PLAYER_SCRIPT = "/vendor/ivs-player-build/ivs-player.min.js"
WRONG_KEY = 4403  # WebSocket close codes 4000-4999 are the application's
ALREADY_LIVE = 4409
KEY_ROTATED = 4401  # the key was rotated while live (IVS cuts the encoder off too)
INGEST_FAILED = 4500
_stop = threading.Event()


# --- the browser's live ingest ---------------------------------------------------------


# Channels with an encoder connected: IVS takes one broadcast per channel at a time.
_on_air: set[str] = set()
_on_air_lock = threading.Lock()


def claim(channel_arn: str) -> bool:
    with _on_air_lock:
        if channel_arn in _on_air:
            return False
        _on_air.add(channel_arn)
        return True


def release(channel_arn: str) -> None:
    with _on_air_lock:
        _on_air.discard(channel_arn)


def claimed_channel_of_key(stream_key: str) -> str | None:
    """The key's channel, if no other encoder is broadcasting on it (then ``release``)."""
    arn = channel_of_key(stream_key)
    return arn if arn is not None and claim(arn) else None


def channel_of_key(stream_key: str) -> str | None:
    """The ARN of the channel whose current stream key this is (IVS's ingest knows)."""
    if not stream_key:
        return None
    for channel in spanner_channels.owned_by(None, 1000):
        for arn in ivs.stream_key_arns(channel.channel_arn):
            value = ivs.client().get_stream_key(arn=arn)["streamKey"].get("value", "")
            if hmac.compare_digest(value.encode(), stream_key.encode()):
                return channel.channel_arn
    return None


def key_is_current(stream_key: str, channel_arn: str) -> bool:
    """Whether the key is still one of the channel's (a rotation deletes the old one)."""
    for arn in ivs.stream_key_arns(channel_arn):
        value = ivs.client().get_stream_key(arn=arn)["streamKey"].get("value", "")
        if hmac.compare_digest(value.encode(), stream_key.encode()):
            return True
    return False


def vod_title_id(recording_prefix: str) -> str | None:
    from liveclips.services.vod import title_id_for_recording  # noqa: PLC0415

    recording_id = recording_prefix.rsplit("/", 1)[-1]
    return title_id_for_recording(recording_id) if recording_id else None


def _event_sink() -> Any:
    from liveclips_dev.cli.broadcast import ingest_sink  # noqa: PLC0415  # the bridge Lambda, in-process

    return ingest_sink()


def _rtmp(workdir: Path, source_args: list[str]) -> LiveIngest:
    """An RTMP publish's recording; its channel is set once its key has been checked."""
    return LiveIngest(
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn=None,
        event_sink=_event_sink(),
        workdir=workdir,
        source_args=source_args,
        live_root=live_root(),
    )


async def ingest(socket: WebSocket) -> None:
    await socket.accept()
    key = socket.query_params.get("key", "")
    channel_arn = await run_in_threadpool(channel_of_key, key)
    if channel_arn is None:
        await socket.close(WRONG_KEY, "wrong or revoked stream key")
        return
    if not claim(channel_arn):
        await socket.close(ALREADY_LIVE, "another encoder is live on this channel")
        return
    try:
        await _broadcast(socket, channel_arn, key)
    finally:
        release(channel_arn)


async def _cut_off_when_rotated(socket: WebSocket, channel_arn: str, key: str) -> None:
    """As IVS: once the key is no longer the channel's, the encoder is cut off (close
    4401); the ingest then ends the recording with what was sent."""
    while True:
        await asyncio.sleep(KEY_RECHECK_S)
        if not await run_in_threadpool(key_is_current, key, channel_arn):
            log.warning("browser ingest: the stream key was rotated; encoder cut off")
            with contextlib.suppress(Exception):
                await socket.close(KEY_ROTATED, "the stream key was rotated while live")
            return


async def _broadcast(socket: WebSocket, channel_arn: str, key: str) -> None:
    loop = asyncio.get_running_loop()
    statuses: asyncio.Queue[str] = asyncio.Queue()

    def on_status(text: str) -> None:
        loop.call_soon_threadsafe(statuses.put_nowait, text)

    workdir = Path(tempfile.mkdtemp(prefix="liveclips-browser-"))
    live = LiveIngest(
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn=channel_arn,
        event_sink=_event_sink(),
        workdir=workdir,
        source_args=input_args("webm"),
        live_root=live_root(),
        on_status=on_status,
    )
    live.start()

    async def relay() -> None:
        while True:
            text = await statuses.get()
            with contextlib.suppress(Exception):
                await socket.send_json(
                    {"status": text, "stream_id": live.stream_id, "channel_arn": channel_arn}
                )

    relaying = asyncio.create_task(relay())
    watching = asyncio.create_task(_cut_off_when_rotated(socket, channel_arn, key))
    clean = False
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes"):
                await run_in_threadpool(live.write, message["bytes"])
            elif message.get("text") == "end":
                clean = True
                break
    except (WebSocketDisconnect, BrokenPipeError) as exc:
        log.warning("browser ingest: the connection dropped (%r)", exc)
    finally:
        result = await run_in_threadpool(live.finish)
        await asyncio.sleep(0.1)  # let the last statuses go out
        relaying.cancel()
        watching.cancel()
        log.info("browser ingest ended: %s (clean=%s)", result, clean)
        with contextlib.suppress(Exception):
            await socket.send_json(
                {
                    "status": f"ended after {result.duration_s:.1f} s",
                    "ended": True,
                    "stream_id": result.stream_id,
                    "recording_prefix": result.recording_prefix,
                    # The show's on-demand title, made after Recording End
                    # (liveclips/services/vod.py).
                    "vod_title_id": vod_title_id(result.recording_prefix),
                }
            )
            await socket.close(1000 if live.error is None else INGEST_FAILED)


# --- the page and the API behind it ----------------------------------------------------

_HOP_HEADERS = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}


async def _forward(request: Request, url: str) -> Response:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.request(
            request.method,
            url,
            params=request.query_params,
            headers=headers,
            content=await request.body(),
        )
    dropped = {*_HOP_HEADERS, "content-encoding"}
    kept = {k: v for k, v in answer.headers.items() if k.lower() not in dropped}
    return Response(answer.content, status_code=answer.status_code, headers=kept)


async def events(request: Request) -> Response:
    """The studio-events service's stream for this page, passed through as it comes."""
    client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=None))
    upstream = await client.send(
        client.build_request(
            "GET",
            f"{os.environ['LIVECLIPS_STUDIO_EVENTS_URL']}/events",
            params=request.query_params,
        ),
        stream=True,
    )
    if upstream.status_code != 200:
        body = await upstream.aread()
        await upstream.aclose()
        await client.aclose()
        kind = upstream.headers.get("content-type", "application/json")
        return Response(body, status_code=upstream.status_code, media_type=kind)

    async def relay() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        finally:
            await upstream.aclose()
            await client.aclose()

    return StreamingResponse(
        relay(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


async def api_proxy(request: Request) -> Response:
    return await _forward(request, f"{_api_url()}/{request.path_params['path']}")


async def token(request: Request) -> Response:
    return await _forward(request, f"{settings().jwt_issuer}/token")


async def config(request: Request) -> Response:
    """What the page needs to know of this deployment (a static file in production).

    Dev only: `?broadcaster=ivs` (the page passes its own query on) picks the IVS Web
    Broadcast SDK, as production's config.json does, to try it here."""
    host = request.url.netloc
    ivs_wanted = request.query_params.get("broadcaster") == "ivs"
    return JSONResponse(
        {
            "broadcaster": "ivs" if ivs_wanted else "local",
            "ingestUrl": f"ws://{host}/ingest",
            "rtmpServer": os.environ.get("LIVECLIPS_RTMPS_URL", ""),
            "rtmpPlainServer": os.environ.get("LIVECLIPS_RTMP_URL", ""),
            # IVS Chat's messaging endpoint (wss://edge.ivschat.<region>.amazonaws.com)
            "chatUrl": f"ws://{host}/chat",
            # The viewer's player: "hls" (native HLS or hls.js) here, "ivs" in production.
            "player": "hls",
            "ivsPlayerScript": IVS_PLAYER_SCRIPT,
        }
    )


def _api_url() -> str:
    return os.environ["LIVECLIPS_API_URL"]


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


@contextlib.asynccontextmanager
async def _lifespan(_app: Starlette) -> AsyncIterator[None]:
    endpoint = settings().ivschat_endpoint_url
    relay = (
        asyncio.create_task(ivschat_ws.relay_control_plane(endpoint, _stop)) if endpoint else None
    )
    yield
    if relay is not None:
        relay.cancel()


def build_app(web_root: Path = WEB_ROOT) -> Starlette:
    return Starlette(
        lifespan=_lifespan,
        routes=[
            Route("/healthz", healthz),
            Route("/events", events),
            Route("/config.json", config),
            Route("/auth/token", token, methods=["POST"]),
            Route("/api/{path:path}", api_proxy, methods=["GET", "POST", "PUT", "DELETE"]),
            WebSocketRoute("/ingest", ingest),
            WebSocketRoute("/chat", ivschat_ws.chat_socket),
            # Each page reaches the shared modules as its own ./shared/, as each page's
            # bucket holds a copy in production.
            Mount("/viewer/shared", StaticFiles(directory=SHARED_ROOT)),
            Mount("/shared", StaticFiles(directory=SHARED_ROOT)),
            Mount("/viewer", StaticFiles(directory=VIEWER_ROOT, html=True)),
            # IVS's playback edge: each channel's live playlist (its playbackUrl locally).
            Mount("/live", LivePlaylists(live_root())),
            Route("/console/boards", console_data.list_boards),
            Route("/console/boards/{uid}", console_data.board_data),
            Mount("/console", StaticFiles(directory=CONSOLE_ROOT, html=True)),
            *(
                Mount(f"/vendor/{name}", StaticFiles(directory=folder, check_dir=False))
                for name, folder in VENDORED.items()
            ),
            Mount("/", StaticFiles(directory=web_root, html=True)),
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="the web studio's local server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    rtmp = urlsplit(os.environ.get("LIVECLIPS_RTMP_URL", ""))
    if rtmp.scheme == "rtmp" and rtmp.port:
        rtmp_ingest = RtmpIngest(
            claimed_channel_of_key, _rtmp, on_end=release, key_is_current=key_is_current
        )
        serve_in_thread(rtmp.hostname or args.host, rtmp.port, rtmp_ingest)
        rtmps = urlsplit(os.environ.get("LIVECLIPS_RTMPS_URL", ""))
        if rtmps.scheme == "rtmps" and rtmps.port:  # TLS in front of the same ingest
            host = rtmps.hostname or args.host
            serve_in_thread(host, rtmps.port, rtmp_ingest, tls=self_signed_tls(host))
    try:
        uvicorn.run(
            build_app(), host=args.host, port=args.port, log_level="warning", ws="websockets-sansio"
        )
    finally:
        _stop.set()


if __name__ == "__main__":
    main()
