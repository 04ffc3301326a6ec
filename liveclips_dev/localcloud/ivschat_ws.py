"""IVS Chat's messaging side, locally: chat tokens and the room WebSocket.

- `issue_token` / `read_token`: what the stand-in's CreateChatToken answers
  (liveclips_dev/localcloud/ivschat.py) and what the socket checks. A dev-only HMAC over the token's
  room, user, capabilities and expiry times; never deployed.
- `chat_socket` (served by the studio-web process at `WS /chat`): IVS Chat's messaging
  WebSocket protocol, the token as the WebSocket subprotocol. Requests
  `{"Action": "SEND_MESSAGE" | "DELETE_MESSAGE" | "DISCONNECT_USER", "RequestId": ..}`;
  answers `{"Type": "MESSAGE"}`, `{"Type": "EVENT", "EventName": "aws:DELETE_MESSAGE" |
  "aws:DISCONNECT_USER"}` and `{"Type": "ERROR", "ErrorCode": 400 | 401 | 403 | 406 | 413}`
  (https://docs.aws.amazon.com/ivs/latest/chatmsgapireference/). Every SEND_MESSAGE goes
  through the review handler (functions/aws/chat_review.py) first: a DENY is answered
  406 to its sender only and delivered to nobody; an ALLOW is delivered to everyone in
  the room with the content the handler returned.
- The moderation's DeleteMessage / DisconnectUser calls on the control plane (kept by the
  stand-in at `GET /_actions`) are delivered to the room as the same events.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

log = logging.getLogger("liveclips.ivschat_ws")
_SECRET = b"liveclips-local-ivschat-dev-only"
TOKEN_TTL_S = 60 * 60  # a token must be used to connect within this
MAX_MESSAGE_LENGTH = 500  # IVS's default maximumMessageLength
CAPABILITIES = ("SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER")
# Close codes (the application's range): IVS closes an expired session's socket.
EXPIRED = 4401
DISCONNECTED = 4403


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(
    room_arn: str,
    *,
    user_id: str,
    capabilities: list[str],
    session_minutes: int,
    attributes: dict[str, str],
    now: float | None = None,
) -> dict[str, str]:
    """CreateChatToken's answer: the token and its two expiry times."""
    at = time.time() if now is None else now
    claims: dict[str, Any] = {
        "room": room_arn,
        "user": user_id,
        "caps": sorted(set(capabilities)),
        "attrs": attributes,
        "token_exp": at + TOKEN_TTL_S,
        "session_exp": at + session_minutes * 60,
    }
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hmac.new(_SECRET, body.encode(), hashlib.sha256).digest())
    # The subprotocol header takes RFC 7230 tokens: base64url and "." are fine.
    return {
        "token": f"{body}.{signature}",
        "tokenExpirationTime": _iso(claims["token_exp"]),
        "sessionExpirationTime": _iso(claims["session_exp"]),
    }


class BadToken(ValueError):
    pass


@dataclass(frozen=True)
class Claims:
    room_arn: str
    user_id: str
    capabilities: frozenset[str]
    attributes: dict[str, str]
    token_expires: float
    session_expires: float


def read_token(token: str, now: float | None = None) -> Claims:
    """The token's claims; BadToken when forged or past its connect-by time."""
    body, _, signature = token.partition(".")
    expected = _b64(hmac.new(_SECRET, body.encode(), hashlib.sha256).digest())
    if not signature or not hmac.compare_digest(signature, expected):
        raise BadToken("not a chat token of this room service")
    raw = json.loads(_unb64(body))
    claims = Claims(
        room_arn=raw["room"],
        user_id=raw["user"],
        capabilities=frozenset(raw["caps"]),
        attributes=dict(raw["attrs"]),
        token_expires=float(raw["token_exp"]),
        session_expires=float(raw["session_exp"]),
    )
    if (time.time() if now is None else now) >= claims.token_expires:
        raise BadToken("the chat token expired")
    return claims


def _new_id() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))


@dataclass
class _Connection:
    socket: WebSocket
    claims: Claims
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class Rooms:
    """The connections of each room (one event loop: the studio-web server's)."""

    def __init__(self) -> None:
        self._rooms: dict[str, list[_Connection]] = {}

    def join(self, connection: _Connection) -> None:
        self._rooms.setdefault(connection.claims.room_arn, []).append(connection)

    def leave(self, connection: _Connection) -> None:
        with contextlib.suppress(ValueError, KeyError):
            self._rooms[connection.claims.room_arn].remove(connection)

    def members(self, room_arn: str) -> list[_Connection]:
        return list(self._rooms.get(room_arn, ()))

    async def broadcast(self, room_arn: str, payload: dict[str, Any]) -> None:
        for member in self.members(room_arn):
            with contextlib.suppress(Exception):
                await member.socket.send_json(payload)

    async def disconnect(self, room_arn: str, user_id: str, reason: str) -> None:
        for member in self.members(room_arn):
            if member.claims.user_id == user_id:
                member.closed.set()
                with contextlib.suppress(Exception):
                    await member.socket.close(DISCONNECTED, reason[:120])


ROOMS = Rooms()


def _review(claims: Claims, message_id: str, content: str, attributes: dict[str, str]) -> Any:
    from functions.aws.chat_review import lambda_handler  # noqa: PLC0415
    from liveclips_dev.localcloud.lambda_context import LocalLambdaContext  # noqa: PLC0415

    event = {
        "Content": content,
        "MessageId": message_id,
        "RoomArn": claims.room_arn,
        "Attributes": attributes,
        "Sender": {"UserId": claims.user_id, "Attributes": claims.attributes, "Ip": "127.0.0.1"},
    }
    return lambda_handler(event, LocalLambdaContext("chat-review"))


def _error(request_id: str | None, code: int, message: str) -> dict[str, Any]:
    error: dict[str, Any] = {"Type": "ERROR", "Id": _new_id(), "ErrorCode": code}
    error["ErrorMessage"] = message
    if request_id:
        error["RequestId"] = request_id
    return error


def _event(name: str, attributes: dict[str, str], request_id: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {"Type": "EVENT", "Id": _new_id(), "EventName": name}
    event.update(Attributes=attributes, SendTime=_iso(time.time()))
    if request_id:
        event["RequestId"] = request_id
    return event


async def _handle(connection: _Connection, request: dict[str, Any]) -> None:
    claims, socket = connection.claims, connection.socket
    action = request.get("Action")
    request_id = request.get("RequestId") if isinstance(request.get("RequestId"), str) else None
    needed = {"SEND_MESSAGE": "SEND_MESSAGE"}.get(str(action), str(action))
    if action not in CAPABILITIES:
        await socket.send_json(_error(request_id, 400, f"unknown Action {action!r}"))
        return
    if needed not in claims.capabilities:
        await socket.send_json(_error(request_id, 403, f"this token may not {action}"))
        return
    if action == "SEND_MESSAGE":
        content = request.get("Content")
        attributes = request.get("Attributes") or {}
        if not isinstance(content, str) or not content or not isinstance(attributes, dict):
            await socket.send_json(_error(request_id, 400, "Content must be a non-empty string"))
            return
        if len(content) > MAX_MESSAGE_LENGTH:
            await socket.send_json(_error(request_id, 413, "Content is too long"))
            return
        message_id = _new_id()
        answer = await run_in_threadpool(_review, claims, message_id, content, attributes)
        if answer.get("ReviewResult") != "ALLOW":
            await socket.send_json(
                _error(request_id, 406, "The message was rejected by the review handler")
            )
            return
        message: dict[str, Any] = {
            "Type": "MESSAGE",
            "Id": message_id,
            "Content": answer.get("Content", content),
            "Attributes": answer.get("Attributes", attributes),
            "SendTime": _iso(time.time()),
            "Sender": {"UserId": claims.user_id, "Attributes": claims.attributes},
        }
        if request_id:
            message["RequestId"] = request_id
        await ROOMS.broadcast(claims.room_arn, message)
    elif action == "DELETE_MESSAGE":
        attributes = {
            "MessageID": str(request.get("Id", "")),
            "Reason": str(request.get("Reason", "")),
        }
        await ROOMS.broadcast(claims.room_arn, _event("aws:DELETE_MESSAGE", attributes, request_id))
    else:
        user_id, reason = str(request.get("UserId", "")), str(request.get("Reason", ""))
        event = _event("aws:DISCONNECT_USER", {"UserId": user_id, "Reason": reason}, request_id)
        await ROOMS.broadcast(claims.room_arn, event)
        await ROOMS.disconnect(claims.room_arn, user_id, reason)


async def chat_socket(socket: WebSocket) -> None:
    offered = socket.headers.get("sec-websocket-protocol", "")
    token = offered.split(",")[0].strip()
    try:
        claims = read_token(token)
    except (BadToken, ValueError, KeyError) as error:
        # The handshake must echo the subprotocol for the browser to see the close.
        await socket.accept(subprotocol=token or None)
        await socket.close(EXPIRED, str(error)[:120])
        return
    await socket.accept(subprotocol=token)
    connection = _Connection(socket, claims)
    ROOMS.join(connection)
    remaining = claims.session_expires - time.time()
    try:
        async with asyncio.timeout(max(remaining, 0.0)):
            while not connection.closed.is_set():
                try:
                    raw = await socket.receive_text()
                except (WebSocketDisconnect, RuntimeError):
                    return
                try:
                    request = json.loads(raw)
                except ValueError:
                    request = None
                if not isinstance(request, dict):
                    await socket.send_json(_error(None, 400, "a request is a JSON object"))
                    continue
                await _handle(connection, request)
    except TimeoutError:
        with contextlib.suppress(Exception):
            await socket.close(EXPIRED, "the chat session expired")
    finally:
        ROOMS.leave(connection)


async def relay_control_plane(endpoint: str, stop: threading.Event) -> None:
    """The moderation's DeleteMessage / DisconnectUser (the stand-in's log) as room events."""
    seen: int | None = None
    async with httpx.AsyncClient(timeout=5) as client:
        while not stop.is_set():
            try:
                actions = (await client.get(f"{endpoint}/_actions")).json()["actions"]
            except (httpx.HTTPError, ValueError, KeyError):
                await asyncio.sleep(2)
                continue
            fresh = actions[seen:] if seen is not None else []
            seen = len(actions)
            for action in fresh:
                room = str(action.get("roomIdentifier", ""))
                reason = str(action.get("reason", ""))
                if action.get("operation") == "DeleteMessage":
                    attrs = {"MessageID": str(action.get("id", "")), "Reason": reason}
                    await ROOMS.broadcast(room, _event("aws:DELETE_MESSAGE", attrs, None))
                elif action.get("operation") == "DisconnectUser":
                    user_id = str(action.get("userId", ""))
                    attrs = {"UserId": user_id, "Reason": reason}
                    await ROOMS.broadcast(room, _event("aws:DISCONNECT_USER", attrs, None))
                    await ROOMS.disconnect(room, user_id, reason)
            await asyncio.sleep(1)
