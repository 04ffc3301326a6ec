"""One error shape for every error: `{"detail": {"code": ..., "message": ...}}`.

`code` is machine-readable and stable (clients switch on it); `message` is for people.
Validation failures keep pydantic's per-field list under `detail.errors`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class ErrorDetail(BaseModel):
    code: str
    message: str
    errors: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    detail: ErrorDetail


def api_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> HTTPException:
    return HTTPException(status, detail={"code": code, "message": message}, headers=headers)


def _invalid_request(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)  # noqa: S101 - registered for it alone
    problems = jsonable_encoder(error.errors(), exclude={"ctx", "url", "input"})
    where = "; ".join(
        f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}" for problem in problems
    )
    body = ErrorDetail(code="invalid_request", message=where or "invalid request", errors=problems)
    return JSONResponse({"detail": body.model_dump(exclude_none=True)}, status_code=422)


# Errors raised by the framework itself (unparsable body, unknown path, wrong method)
# carry a plain string: they get a code too, so clients never see two shapes.
_FRAMEWORK_CODES = {400: "malformed_request", 404: "not_found", 405: "method_not_allowed"}


def _coded(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)  # noqa: S101 - registered for it alone
    detail: Any = error.detail
    if not (isinstance(detail, dict) and "code" in detail):
        code = _FRAMEWORK_CODES.get(error.status_code, f"http_{error.status_code}")
        detail = {"code": code, "message": str(detail)}
    return JSONResponse({"detail": detail}, status_code=error.status_code, headers=error.headers)


_MEANINGS: dict[int, str] = {
    400: "The request cannot be used as sent (code: malformed_request, invalid_cursor)",
    401: "No valid bearer token (code: unauthenticated, invalid_token, token_expired, "
    "token_revoked)",
    403: "The token's role or ownership does not allow this (code: forbidden)",
    404: "What the path names does not exist (code: <thing>_not_found)",
    409: "The resource's state does not allow this now (e.g. code: stream_not_live)",
    410: "It existed but is gone (e.g. code: cursor_expired)",
    413: "The body is larger than the API accepts (code: payload_too_large)",
    422: "The request does not match the schema (code: invalid_request, or the route's own)",
    429: "Too many requests for this user, address or channel (code: rate_limited, ...)",
    503: "A service the route needs is unavailable; retry (e.g. code: auth_unavailable)",
}


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route's own error statuses (beyond COMMON_RESPONSES)."""
    return {status: {"model": ErrorBody, "description": _MEANINGS[status]} for status in statuses}


# Any route can answer these, so the document says so once, for all of them.
COMMON_RESPONSES = documented(400, 401, 403, 413, 422, 429, 503)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _coded)
