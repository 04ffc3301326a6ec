"""IVS Chat's local stand-in: the control-plane calls the moderation and the API make.

    python -m liveclips_dev.localcloud.ivschat --host 127.0.0.1 --port 8087

`POST /DeleteMessage` and `POST /DisconnectUser` as the real boto3 client sends them
(AWS_ENDPOINT_URL_IVSCHAT), refused with 400 ValidationException where AWS would refuse
them (the botocore model: required members, lengths, patterns). moto has no ivschat.
Every accepted call is kept, newest last, at `GET /_actions` (for tests and the demo).
`CreateRoom`, `ListRooms` and `CreateChatToken` too: a room named like an IVS id (the
channel's) gets that id, so its ARN names the channel as the review handler expects;
tokens are made by liveclips_dev/localcloud/ivschat_ws.py, whose WebSocket checks them.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import botocore.session

from liveclips_dev.localcloud.aws_wire import from_wire, problems
from liveclips_dev.localcloud.http_json import reply_json
from liveclips_dev.localcloud.ivschat_ws import issue_token

_MODEL = botocore.session.get_session().get_service_model("ivschat")
_OPERATIONS = {
    f"/{name}": _MODEL.operation_model(name)
    for name in ("DeleteMessage", "DisconnectUser", "CreateRoom", "ListRooms", "CreateChatToken")
}
_ACCOUNT = "arn:aws:ivschat:us-east-1:123456789012"
_actions: list[dict[str, Any]] = []
_rooms: dict[str, dict[str, Any]] = {}  # by ARN
_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        elif self.path == "/_actions":
            with _lock:
                self._reply(200, {"actions": list(_actions)})
        else:
            self._reply(404, {"message": self.path}, "ResourceNotFoundException")

    def do_POST(self) -> None:
        operation = _OPERATIONS.get(self.path)
        if operation is None:
            self._reply(
                404, {"message": f"no operation at {self.path}"}, "ResourceNotFoundException"
            )
            return
        try:
            body = json.loads(
                self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}"
            )
        except ValueError as error:
            self._reply(400, {"message": f"body is not JSON: {error}"}, "ValidationException")
            return
        shape = _MODEL.shape_for(f"{operation.name}Request")
        request = from_wire(shape, body)
        found = problems(shape, request)
        if found:
            self._reply(400, {"message": "; ".join(found)}, "ValidationException")
            return
        if operation.name in ("CreateRoom", "ListRooms", "CreateChatToken"):
            status, answer, error_type = _rooms_call(operation.name, request)
            self._reply(status, answer, error_type)
            return
        with _lock:
            _actions.append({"operation": operation.name, **request})
        self._reply(200, {"id": request["id"]} if operation.name == "DeleteMessage" else {})

    def _reply(self, status: int, body: dict[str, Any], error_type: str | None = None) -> None:
        reply_json(self, status, body, error_type=error_type)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _rooms_call(name: str, request: dict[str, Any]) -> tuple[int, dict[str, Any], str | None]:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    with _lock:
        if name == "CreateRoom":
            wanted = str(request.get("name", ""))
            room_id = (
                wanted if re.fullmatch(r"[A-Za-z0-9]{1,64}", wanted) else uuid.uuid4().hex[:12]
            )
            arn = f"{_ACCOUNT}:room/{room_id}"
            if arn in _rooms:
                return 409, {"message": f"room {room_id} exists"}, "ConflictException"
            room = {"arn": arn, "id": room_id, "name": wanted, "createTime": now}
            room |= {"updateTime": now, "tags": request.get("tags", {})}
            _rooms[arn] = room
            return 200, room, None
        if name == "ListRooms":
            named = request.get("name")
            found = [r for r in _rooms.values() if named is None or r["name"] == named]
            return 200, {"rooms": found}, None
        identifier = str(request["roomIdentifier"])
        arn = identifier if identifier.startswith("arn:") else f"{_ACCOUNT}:room/{identifier}"
        if arn not in _rooms:
            return 404, {"message": f"no room {identifier}"}, "ResourceNotFoundException"
    token = issue_token(
        arn,
        user_id=str(request["userId"]),
        capabilities=list(request.get("capabilities", [])),
        session_minutes=int(request.get("sessionDurationInMinutes", 60)),
        attributes=dict(request.get("attributes", {})),
    )
    return 200, token, None


def main() -> None:
    parser = argparse.ArgumentParser(description="IVS Chat stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
