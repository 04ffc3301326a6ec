"""A recording push endpoint and throwaway topics for probing the Pub/Sub emulator."""

from __future__ import annotations

import base64
import collections
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from liveclips_dev.localcloud import clients


@dataclass(frozen=True)
class Delivery:
    data: str
    key: str
    status: int
    at: float


@dataclass
class PushEndpoint:
    """Answers each push with `decide(data, attempt)`; records every delivery."""

    decide: Callable[[str, int], int]
    deliveries: list[Delivery] = field(default_factory=list)
    max_in_flight: collections.Counter[str] = field(default_factory=collections.Counter)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _in_flight: collections.Counter[str] = field(default_factory=collections.Counter)

    def handle(self, body: bytes) -> int:
        message = json.loads(body)["message"]
        data = base64.b64decode(message["data"]).decode()
        # The emulator's push body has no orderingKey field: tests carry it in an attribute.
        key = message.get("attributes", {}).get("key", "")
        with self._lock:
            self._in_flight[key] += 1
            self.max_in_flight[key] = max(self.max_in_flight[key], self._in_flight[key])
            attempt = 1 + sum(1 for d in self.deliveries if d.data == data)
        time.sleep(0.01)  # long enough for a second concurrent push to overlap
        status = self.decide(data, attempt)
        with self._lock:
            self._in_flight[key] -= 1
            self.deliveries.append(Delivery(data, key, status, time.monotonic()))
        return status

    def of(self, key: str) -> list[Delivery]:
        with self._lock:
            return [d for d in self.deliveries if d.key == key]


@contextmanager
def push_endpoint(decide: Callable[[str, int], int]) -> Iterator[PushEndpoint]:
    endpoint = PushEndpoint(decide)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status = endpoint.handle(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_port}/push"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def fresh_topic(env: Mapping[str, str]) -> Iterator[str]:
    publisher = clients.publisher(env)
    path = publisher.topic_path(clients.project(env), f"test-{uuid.uuid4().hex[:10]}")
    publisher.create_topic(name=path)
    try:
        yield path
    finally:
        publisher.delete_topic(topic=path)


def wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
