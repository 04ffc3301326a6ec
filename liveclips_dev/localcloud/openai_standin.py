"""OpenAI's local stand-in: the documented moderation and chat completion shapes.

    python -m liveclips_dev.localcloud.openai_standin --host 127.0.0.1 --port 8085 [--api-key KEY]

Serves `POST /v1/moderations` and `POST /v1/chat/completions` (json_schema response
formats, strict schemas checked as OpenAI checks them) to the official `openai` client
pointed here (LIVECLIPS_OPENAI_BASE_URL). Answers are deterministic
(liveclips_dev/localcloud/openai_models.py). Requests need `Authorization: Bearer <key>`; a missing
or
wrong key gets OpenAI's 401 body.

Faults for tests, applied to the next `count` matching /v1 requests in the order queued:
    POST /_control {"faults": [{"kind": "status", "status": 429, "count": 2},
                               {"kind": "delay", "delay_s": 5},
                               {"kind": "malformed", "body": "wrong_count",
                                "endpoint": "moderations"}]}
    POST /_control {"reset": true}     GET /_control -> pending faults and requests seen
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from liveclips_dev.localcloud import openai_models
from liveclips_dev.localcloud.openai_malformed import CHAT_BODIES, MODERATION_BODIES, malformed_body

log = logging.getLogger("liveclips_dev.localcloud.openai_standin")
DEFAULT_KEY = "sk-local-standin"
MODERATION_MODELS = frozenset(
    {"omni-moderation-latest", "omni-moderation-2024-09-26", "text-moderation-latest",
     "text-moderation-stable"}
)  # fmt: skip
_ENDPOINTS = {"/v1/moderations": "moderations", "/v1/chat/completions": "chat/completions"}
# OpenAI's error bodies for the statuses tests inject.
_STATUS_ERRORS = {
    429: ("Rate limit reached for requests. Please try again later.", "requests",
          "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!",
          "server_error", None),
    503: ("The engine is currently overloaded, please try again later", "server_error", None),
}  # fmt: skip


class RequestError(Exception):
    def __init__(self, status: int, message: str, kind: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.code = status, kind, code


@dataclass
class Fault:
    kind: str  # status | delay | malformed
    count: int = 1
    status: int = 500
    code: str | None = None  # e.g. insufficient_quota on a 429
    delay_s: float = 0.0
    body: str = ""  # a malformed body's name
    endpoint: str | None = None  # moderations | chat/completions; None: any

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Fault:
        fault = cls(**raw)
        known = {"status", "delay", "malformed"}
        if fault.kind not in known or fault.count < 1:
            raise ValueError(f"fault kind must be one of {sorted(known)}, count >= 1: {raw}")
        if fault.kind == "malformed" and fault.body not in MODERATION_BODIES | CHAT_BODIES:
            known_bodies = sorted(MODERATION_BODIES | CHAT_BODIES)
            raise ValueError(f"malformed body must be one of {known_bodies}: {raw}")
        return fault


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self.seen: list[dict[str, Any]] = []

    def add(self, faults: list[Fault]) -> None:
        with self._lock:
            self._queue += faults

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.seen.clear()

    def take(self, endpoint: str, request: dict[str, Any]) -> Fault | None:
        """The fault for this request, if any; the request is logged for tests to see."""
        with self._lock:
            fault = next((f for f in self._queue if f.endpoint in (None, endpoint)), None)
            if fault is not None:
                fault.count -= 1
                if fault.count == 0:
                    self._queue.remove(fault)
            self.seen.append(
                {"endpoint": endpoint, "at": time.time(), "fault": fault and fault.kind,
                 **_summary(request)}
            )  # fmt: skip
            return fault

    def report(self) -> dict[str, Any]:
        with self._lock:
            return {"faults": [asdict(f) for f in self._queue], "requests": list(self.seen)}


def _summary(request: dict[str, Any]) -> dict[str, Any]:
    """What a test may want to check about a request, without keeping chat text."""
    raw_input = request.get("input")
    json_schema = (request.get("response_format") or {}).get("json_schema") or {}
    return {
        "model": request.get("model"),
        "inputs": len(raw_input) if isinstance(raw_input, list) else 1,
        "schema": json_schema.get("name"),
        "strict": json_schema.get("strict"),
    }


class Handler(BaseHTTPRequestHandler):
    api_key: str = DEFAULT_KEY
    faults: Faults

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        elif self.path == "/_control":
            self._reply(200, self.faults.report())
        else:
            self._error(
                RequestError(404, f"Invalid URL (GET {self.path})", "invalid_request_error")
            )

    def do_POST(self) -> None:
        try:
            body = self._json_body()
            if self.path == "/_control":
                self._control(body)
                return
            endpoint = _ENDPOINTS.get(self.path)
            if endpoint is None:
                raise RequestError(404, f"Invalid URL (POST {self.path})", "invalid_request_error")
            self._authorize()
            fault = self.faults.take(endpoint, body)
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.delay_s)
            if fault is not None and fault.kind == "status":
                self._error(_status_error(fault))
                return
            answer = moderate(body) if endpoint == "moderations" else complete(body)
            if fault is not None and fault.kind == "malformed":
                self._send(200, malformed_body(fault.body, endpoint, answer))
                return
            self._reply(200, answer)
        except RequestError as exc:
            self._error(exc)

    def _control(self, body: Any) -> None:
        if body.get("reset"):
            self.faults.reset()
        try:
            self.faults.add([Fault.parse(f) for f in body.get("faults", [])])
        except (TypeError, ValueError) as exc:
            raise RequestError(400, str(exc), "invalid_request_error") from exc
        self._reply(200, self.faults.report())

    def _authorize(self) -> None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            raise RequestError(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error",
            )
        key = header[7:].strip()
        if not secrets.compare_digest(key, self.api_key):
            raise RequestError(
                401,
                f"Incorrect API key provided: {key[:3]}***{key[-4:]}.",
                "invalid_request_error",
                "invalid_api_key",
            )

    def _json_body(self) -> Any:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            body = json.loads(raw or b"{}")
        except ValueError as exc:
            raise RequestError(
                400, f"We could not parse the JSON body: {exc}", "invalid_request_error"
            ) from exc
        if not isinstance(body, dict):
            raise RequestError(400, "The body must be a JSON object.", "invalid_request_error")
        return body

    def _error(self, exc: RequestError) -> None:
        error = {"message": str(exc), "type": exc.kind, "param": None, "code": exc.code}
        self._reply(exc.status, {"error": error})

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body).encode())

    def _send(self, status: int, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (a delay fault past its timeout): nothing to tell it.
            log.debug("client went away before the answer to %s", self.path)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


def _status_error(fault: Fault) -> RequestError:
    message, kind, code = _STATUS_ERRORS.get(
        fault.status, ("Injected failure", "server_error", None)
    )
    return RequestError(fault.status, message, kind, fault.code or code)


def moderate(body: dict[str, Any]) -> dict[str, Any]:
    model = body.get("model", "omni-moderation-latest")
    if model not in MODERATION_MODELS:
        raise RequestError(400, f"Invalid value for 'model' = {model}.", "invalid_request_error")
    texts = _moderation_texts(body.get("input"))
    return {
        "id": f"modr-{secrets.token_hex(12)}",
        "model": model,
        "results": [openai_models.moderation_result(t) for t in texts],
    }


def _moderation_texts(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw:
        texts = [
            i if isinstance(i, str) else i.get("text") if isinstance(i, dict) else None for i in raw
        ]
        if all(isinstance(t, str) for t in texts):
            return [str(t) for t in texts]
    raise RequestError(
        400,
        "'input' must be a string, a non-empty array of strings or of text inputs "
        "(the stand-in classifies no images).",
        "invalid_request_error",
    )


def complete(body: dict[str, Any]) -> dict[str, Any]:
    messages = body.get("messages")
    if not isinstance(body.get("model"), str) or not isinstance(messages, list) or not messages:
        raise RequestError(
            400, "'model' and a non-empty 'messages' are required.", "invalid_request_error"
        )
    last_user = next(
        (str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), ""
    )
    content = _content(body.get("response_format") or {"type": "text"}, last_user)
    completion_tokens = len(content.split())
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
    return {
        "id": f"chatcmpl-{secrets.token_hex(12)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "system_fingerprint": "fp_standin",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None,
                            "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }  # fmt: skip


def _content(response_format: dict[str, Any], prompt: str) -> str:
    kind = response_format.get("type")
    if kind == "text":
        return "Stand-in reply."
    if kind == "json_object":
        return "{}"
    if kind != "json_schema":
        raise RequestError(
            400, f"Invalid value for 'response_format.type': {kind}.", "invalid_request_error"
        )
    spec = response_format.get("json_schema") or {}
    schema = spec.get("schema")
    if not isinstance(spec.get("name"), str) or not isinstance(schema, dict):
        raise RequestError(
            400, "'json_schema' needs a 'name' and a 'schema'.", "invalid_request_error"
        )
    if spec.get("strict"):
        problems = openai_models.strict_schema_problems(schema)
        if problems:
            raise RequestError(
                400,
                f"Invalid schema for response_format '{spec['name']}': {problems[0]}",
                "invalid_request_error",
            )
    return json.dumps(openai_models.fill(schema, openai_models.questions_in(prompt)))


def main() -> None:
    parser = argparse.ArgumentParser(description="OpenAI API stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-key", default=DEFAULT_KEY)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    Handler.api_key = args.api_key
    Handler.faults = Faults()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True  # a delayed answer must not hold up shutdown
    server.serve_forever()


if __name__ == "__main__":
    main()
