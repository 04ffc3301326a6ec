"""The JSON answer every AWS-style local stand-in gives (MediaConvert, IVS Chat)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any


def reply_json(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: dict[str, Any],
    *,
    error_type: str | None = None,
) -> None:
    """`error_type` is the `x-amzn-ErrorType` header botocore reads an error's code from."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    if error_type:
        handler.send_header("x-amzn-ErrorType", error_type)
    handler.end_headers()
    handler.wfile.write(data)
