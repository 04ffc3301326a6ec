"""IVS Chat's local stand-in: the two control-plane calls the moderation makes.

    python -m localcloud.ivschat --host 127.0.0.1 --port 8087

`POST /DeleteMessage` and `POST /DisconnectUser` as the real boto3 client sends them
(AWS_ENDPOINT_URL_IVSCHAT), refused with 400 ValidationException where AWS would refuse
them (the botocore model: required members, lengths, patterns). moto has no ivschat.
Every accepted call is kept, newest last, at `GET /_actions` (for tests and the demo).
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import botocore.session

from localcloud.aws_wire import from_wire, problems
from localcloud.http_json import reply_json

_MODEL = botocore.session.get_session().get_service_model("ivschat")
_OPERATIONS = {
    f"/{name}": _MODEL.operation_model(name) for name in ("DeleteMessage", "DisconnectUser")
}
_actions: list[dict[str, Any]] = []
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
        with _lock:
            _actions.append({"operation": operation.name, **request})
        self._reply(200, {"id": request["id"]} if operation.name == "DeleteMessage" else {})

    def _reply(self, status: int, body: dict[str, Any], error_type: str | None = None) -> None:
        reply_json(self, status, body, error_type=error_type)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description="IVS Chat stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
