"""Proxies that stand between our services and a cloud stand-in and misbehave on purpose,
as the real service does on a bad day: answers lost after the work was done, deliveries
repeated, transient 5xx, transactions aborted.

The services are pointed at a proxy through LocalCloud.restart_services(overrides=...);
the tests keep talking to the stand-ins directly.
"""

from __future__ import annotations

import contextlib
import json
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

import grpc
import httpx
from google.cloud.spanner_v1.types import CommitRequest, RollbackRequest

from liveclips_dev.localcloud.procs import LOCALHOST

# Headers that belong to one connection, not to the request.
_HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


Forward = Callable[[Exchange], Reply]


class Misbehaviour(Protocol):
    def __call__(self, exchange: Exchange, forward: Forward, counts: Counter[str]) -> Reply: ...


def selected(key: str, one_in: int) -> bool:
    """A stable choice of one key in `one_in`: the same message is picked on every run."""
    return zlib.crc32(key.encode()) % one_in == 0


class FailEvery:
    """Every n-th request is answered `status` without reaching the service (a 5xx the
    client's retries must absorb)."""

    def __init__(self, n: int, status: int, body: bytes = b"", content_type: str = "") -> None:
        self.n, self.status, self.body = n, status, body
        self.headers = [("Content-Type", content_type)] if content_type else []
        self._seen = 0
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange, forward: Forward, counts: Counter[str]) -> Reply:
        with self._lock:
            self._seen += 1
            fail = self._seen % self.n == 0
        if fail:
            counts["injected"] += 1
            return Reply(self.status, self.headers, self.body)
        return forward(exchange)


class LoseAcks:
    """Pub/Sub push: the function runs, but for one message in `one_in` its first answer
    is lost (turned into a 503), so Pub/Sub delivers it again."""

    def __init__(self, one_in: int) -> None:
        self.one_in = one_in
        self._lost: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange, forward: Forward, counts: Counter[str]) -> Reply:
        reply = forward(exchange)
        message_id = _push_message_id(exchange.body)
        if not reply.ok or message_id is None or not selected(message_id, self.one_in):
            return reply
        with self._lock:
            if message_id in self._lost:
                counts["redelivered"] += 1
                return reply
            self._lost.add(message_id)
        counts["injected"] += 1
        return Reply(503, [], b"ack lost (fault proxy)")


class DeliverTwice:
    """Cloud Tasks: every task is delivered twice, at the same time (two instances race)."""

    def __call__(self, exchange: Exchange, forward: Forward, counts: Counter[str]) -> Reply:
        counts["injected"] += 1
        with futures.ThreadPoolExecutor(max_workers=1) as twin:
            second = twin.submit(forward, exchange)
            first = forward(exchange)
            second.result()
        return first


def _push_message_id(body: bytes) -> str | None:
    try:
        message = json.loads(body).get("message") or {}
        found = message.get("messageId") or message.get("message_id")
    except (ValueError, AttributeError):
        return None
    return str(found) if found else None


class HttpFaultProxy:
    """A reverse proxy to `target` (http://host:port) on a free local port, applying one
    misbehaviour to every request. `counts` says what it did."""

    def __init__(self, target: str, misbehave: Misbehaviour) -> None:
        self.target = target.rstrip("/")
        self.misbehave = misbehave
        self.counts: Counter[str] = Counter()
        # Renders answer after many seconds; the proxy must wait as long as its caller.
        self._client = httpx.Client(timeout=600, limits=httpx.Limits(max_connections=64))
        self._server = ThreadingHTTPServer((LOCALHOST, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self._server.server_address[1]}"

    def __enter__(self) -> HttpFaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def _forward(self, exchange: Exchange) -> Reply:
        self.counts["forwarded"] += 1
        try:
            response = self._client.request(
                exchange.method,
                self.target + exchange.path,
                headers=exchange.headers,
                content=exchange.body,
            )
        except httpx.HTTPError as exc:
            return Reply(502, [], f"fault proxy: {exc!r}".encode())
        headers = [(k, v) for k, v in response.headers.multi_items() if k not in _HOP_BY_HOP]
        return Reply(response.status_code, headers, response.content)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                exchange = Exchange(
                    self.command,
                    self.path,
                    [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP],
                    self._body(),
                )
                reply = proxy.misbehave(exchange, proxy._forward, proxy.counts)
                self.send_response(reply.status)
                for name, value in reply.headers:
                    if name.lower() != "content-encoding":  # httpx already decoded it
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


COMMIT = "/google.spanner.v1.Spanner/Commit"
_ROLLBACK = "/google.spanner.v1.Spanner/Rollback"
_SERVER_STREAMING = {
    "/google.spanner.v1.Spanner/ExecuteStreamingSql",
    "/google.spanner.v1.Spanner/StreamingRead",
    "/google.spanner.v1.Spanner/BatchWrite",
}


class SpannerAborts(grpc.GenericRpcHandler):
    """A gRPC proxy in front of the Spanner emulator that answers every n-th Commit
    ABORTED, as Spanner does under contention, after rolling the transaction back on the
    emulator (which runs one read-write transaction at a time). Every other call passes
    through as bytes."""

    def __init__(self, target: str, every: int) -> None:
        self.every = every
        self.counts: Counter[str] = Counter()
        self._commits = 0
        self._lock = threading.Lock()
        self._channel = grpc.insecure_channel(target)
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
        self._server.add_generic_rpc_handlers((self,))
        self.port = self._server.add_insecure_port(f"{LOCALHOST}:0")

    @property
    def host(self) -> str:
        """For SPANNER_EMULATOR_HOST."""
        return f"{LOCALHOST}:{self.port}"

    def __enter__(self) -> SpannerAborts:
        self._server.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop(grace=None)
        self._channel.close()

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        method: str = details.method
        if method in _SERVER_STREAMING:
            return grpc.unary_stream_rpc_method_handler(self._streaming(method))
        return grpc.unary_unary_rpc_method_handler(self._unary(method))

    def _unary(self, method: str) -> Callable[[bytes, grpc.ServicerContext], bytes]:
        upstream = self._channel.unary_unary(method)

        def call(request: bytes, context: grpc.ServicerContext) -> bytes:
            metadata = _forwardable(context.invocation_metadata())
            if method == COMMIT and self._abort_this_commit():
                self._roll_back(request, metadata)
                context.abort(grpc.StatusCode.ABORTED, "Transaction was aborted (fault proxy).")
            try:
                reply: bytes = upstream(request, metadata=metadata)
            except grpc.RpcError as error:
                context.abort(error.code(), error.details() or "")
            return reply

        return call

    def _streaming(self, method: str) -> Callable[[bytes, grpc.ServicerContext], Iterator[bytes]]:
        upstream = self._channel.unary_stream(method)

        def call(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
            try:
                yield from upstream(request, metadata=_forwardable(context.invocation_metadata()))
            except grpc.RpcError as error:
                context.abort(error.code(), error.details() or "")

        return call

    def _abort_this_commit(self) -> bool:
        with self._lock:
            self._commits += 1
            abort = self._commits % self.every == 0
        self.counts["commits"] += 1
        if abort:
            self.counts["aborted"] += 1
        return abort

    def _roll_back(self, request: bytes, metadata: list[tuple[str, str]]) -> None:
        commit = CommitRequest.deserialize(request)
        if not commit.transaction_id:  # a single-use commit holds nothing to release
            return
        rollback = RollbackRequest(session=commit.session, transaction_id=commit.transaction_id)
        with contextlib.suppress(grpc.RpcError):  # already gone: the emulator gave it up
            self._channel.unary_unary(_ROLLBACK)(
                RollbackRequest.serialize(rollback), metadata=metadata
            )


def _forwardable(metadata: Any) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key, value in metadata or ()
        if not key.startswith((":", "grpc-")) and key not in ("user-agent", "content-type", "te")
    ]
