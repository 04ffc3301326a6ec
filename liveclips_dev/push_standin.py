"""A local stand-in of the two push providers' documented HTTP APIs (dev only).

- FCM HTTP v1: `POST /v1/projects/<project>/messages:send` with `Authorization: Bearer`,
  body `{"message": {"token": ..., ...}}`; 200 `{"name": "projects/<p>/messages/<id>"}`.
- APNs: `POST /3/device/<token>` with `authorization: bearer <ES256 JWT with kid>`,
  `apns-topic` and `apns-push-type`; 200 with an `apns-id` header, or
  `{"reason": ...}` with 400 / 403 / 410.

A token starting with `gone-` is an unregistered one (FCM 404 UNREGISTERED, APNs 410
Unregistered). Every request is kept (`received`) for tests to read; it speaks HTTP/1.1
on plain http. liveclips/adapters/fcm.py and apns.py are pointed at it by their URLs.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

_FCM = re.compile(r"^/v1/projects/([^/]+)/messages:send$")
_APNS = re.compile(r"^/3/device/([0-9A-Za-z_:.\-]+)$")


@dataclass
class Received:
    provider: str  # fcm | apns
    token: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class PushStandIn:
    apns_public_key: str | None = None  # PEM; when set, provider tokens are verified
    received: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None  # noqa: S101
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> PushStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._answer(400, {"reason": "BadPayload"})
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                if match := _FCM.match(self.path):
                    self._fcm(match.group(1), body, headers)
                elif match := _APNS.match(self.path):
                    self._apns(match.group(1), body, headers)
                else:
                    self._answer(404, {"error": {"code": 404, "status": "NOT_FOUND"}})

            def _fcm(self, project: str, body: dict[str, Any], headers: dict[str, str]) -> None:
                if not headers.get("authorization", "").startswith("Bearer "):
                    self._answer(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
                    return
                message = body.get("message")
                if not isinstance(message, dict) or not isinstance(message.get("token"), str):
                    error = {"code": 400, "status": "INVALID_ARGUMENT",
                             "message": "message.token is required"}  # fmt: skip
                    self._answer(400, {"error": error})
                    return
                token = message["token"]
                standin.received.append(Received("fcm", token, body, headers))
                if token.startswith("gone-"):
                    detail = {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                              "errorCode": "UNREGISTERED"}  # fmt: skip
                    self._answer(404, {"error": {"code": 404, "status": "NOT_FOUND",
                                                 "details": [detail]}})  # fmt: skip
                    return
                self._answer(200, {"name": f"projects/{project}/messages/{uuid.uuid4().hex}"})

            def _apns(self, token: str, body: dict[str, Any], headers: dict[str, str]) -> None:
                auth = headers.get("authorization", "")
                if not auth.startswith("bearer "):
                    self._answer(403, {"reason": "MissingProviderToken"})
                    return
                try:
                    header = jwt.get_unverified_header(auth.removeprefix("bearer "))
                    if header.get("alg") != "ES256" or not header.get("kid"):
                        raise jwt.InvalidTokenError("ES256 with a kid")
                    if standin.apns_public_key is not None:
                        jwt.decode(
                            auth.removeprefix("bearer "), standin.apns_public_key,
                            algorithms=["ES256"], options={"require": ["iss", "iat"]},
                        )  # fmt: skip
                except jwt.PyJWTError:
                    self._answer(403, {"reason": "InvalidProviderToken"})
                    return
                if not headers.get("apns-topic"):
                    self._answer(400, {"reason": "MissingTopic"})
                    return
                if not isinstance(body.get("aps"), dict):
                    self._answer(400, {"reason": "PayloadEmpty"})
                    return
                standin.received.append(Received("apns", token, body, headers))
                if token.startswith("gone-"):
                    self._answer(410, {"reason": "Unregistered", "timestamp": 0})
                    return
                self._answer(200, None, {"apns-id": str(uuid.uuid4())})

            def _answer(self, status: int, body: Any, extra: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                if data:
                    self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True, name="push").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
