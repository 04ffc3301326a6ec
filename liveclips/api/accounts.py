"""Viewers' accounts: sign up, sign in, stay signed in, sign out (docs/accounts.md).

POST /v1/accounts          sign up (email + password) and be signed in
POST /v1/sessions          sign in: an access token (15 min) and a refresh token
POST /v1/sessions/refresh  a new pair for the refresh token; the old one is spent
DELETE /v1/sessions/current  sign out this device
DELETE /v1/sessions          sign out every device
GET /.well-known/jwks.json   our issuer's published keys

Sign-up and sign-in are limited per client address and per email (liveclips/adapters/
rate_limits.py), and answer an unknown email exactly as a wrong password.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from google.api_core import exceptions as google_exceptions
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from liveclips.adapters import passwords, rate_limits, signing_keys
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_accounts import EmailTaken
from liveclips.api.auth import AnyCaller, VerifiedCaller, client_address
from liveclips.api.errors import api_error, documented
from liveclips.domain.accounts import MAX_EMAIL, MAX_PASSWORD, AccountProblem
from liveclips.services import accounts

router = APIRouter(tags=["accounts"])
# The dummy hash unknown emails are verified against, made before the first sign-in needs
# it (so that one is not slower than the rest).
threading.Thread(target=passwords.warm_up, name="password-warm-up", daemon=True).start()


class Credentials(BaseModel):
    email: str = Field(min_length=1, max_length=MAX_EMAIL + 66, examples=["ana@example.com"])
    password: str = Field(min_length=1, max_length=MAX_PASSWORD)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class Session(BaseModel):
    """A signed-in session (one device): send `access_token` as the bearer token until
    it expires, then trade `refresh_token` for a new pair (each refresh token works once)."""

    user_id: str
    session_id: str
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme, not a secret
    expires_in: int = Field(description="seconds the access token is valid")
    refresh_token: str
    refresh_expires_at: datetime = Field(
        description="when the session ends unless refreshed (it slides with each refresh)"
    )


class SignedOut(BaseModel):
    user_id: str
    scope: Literal["session", "all_sessions"]
    sessions: int = Field(description="refresh sessions signed out")


class Jwks(BaseModel):
    keys: list[dict[str, Any]]


def _session(tokens: accounts.Tokens, response: Response) -> Session:
    # Tokens must not be kept by any cache between us and the app (RFC 6749 5.1).
    response.headers["Cache-Control"] = "no-store"
    return Session(
        user_id=tokens.user_id,
        session_id=tokens.session_id,
        access_token=tokens.access_token,
        expires_in=tokens.expires_in_s,
        refresh_token=tokens.refresh_token,
        refresh_expires_at=tokens.refresh_expires_at,
    )


def _email_key(email: str) -> str:
    # Limits are counted per email without putting addresses in Redis keys.
    folded = email.strip().lower()
    return hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:32]


async def _limit(request: Request, email: str | None = None) -> None:
    config = settings()
    limits = [
        rate_limits.Limit(f"accounts-ip:{client_address(request)}",
                          config.rate_accounts_ip_per_s, config.rate_accounts_ip_burst),
    ]  # fmt: skip
    if email is not None:
        limits.append(
            rate_limits.Limit(f"sign-in-email:{_email_key(email)}",
                              config.rate_sign_in_email_per_s, config.rate_sign_in_email_burst)
        )  # fmt: skip
    wait_s = await run_in_threadpool(rate_limits.retry_after_s, *limits)
    if wait_s > 0:
        raise api_error(
            429,
            "rate_limited",
            f"too many attempts; retry in {wait_s:.1f} s",
            headers={"Retry-After": str(max(1, round(wait_s + 0.5)))},
        )


def _unavailable(error: Exception) -> Exception:
    return api_error(503, "accounts_unavailable", f"accounts cannot sign in now: {error}")


_BAD_CREDENTIALS = "the email or the password is wrong"


@router.post(
    "/v1/accounts",
    status_code=201,
    response_model=Session,
    responses=documented(409),
    summary="Sign up",
)
async def sign_up(body: Credentials, request: Request, response: Response) -> Session:
    """A new viewer account, signed in. 422 `invalid_account` names what is wrong with
    the email or password; 409 `email_taken` when the email has an account."""
    await _limit(request, body.email)
    try:
        tokens = await run_in_threadpool(
            accounts.sign_up, body.email, body.password, datetime.now(UTC)
        )
    except AccountProblem as error:
        raise api_error(422, "invalid_account", str(error)) from error
    except EmailTaken as error:
        raise api_error(409, "email_taken", "an account with this email exists") from error
    except (signing_keys.SigningUnavailable, google_exceptions.GoogleAPICallError) as error:
        raise _unavailable(error) from error
    return _session(tokens, response)


@router.post("/v1/sessions", response_model=Session, summary="Sign in")
async def sign_in(body: Credentials, request: Request, response: Response) -> Session:
    """401 `invalid_credentials` for an unknown email and a wrong password alike."""
    await _limit(request, body.email)
    try:
        tokens = await run_in_threadpool(
            accounts.sign_in, body.email, body.password, datetime.now(UTC)
        )
    except accounts.InvalidCredentials as error:
        raise api_error(
            401, "invalid_credentials", _BAD_CREDENTIALS, headers={"WWW-Authenticate": "Bearer"}
        ) from error
    except (signing_keys.SigningUnavailable, google_exceptions.GoogleAPICallError) as error:
        raise _unavailable(error) from error
    return _session(tokens, response)


@router.post("/v1/sessions/refresh", response_model=Session, summary="Refresh a session")
async def refresh(body: RefreshRequest, request: Request, response: Response) -> Session:
    """A new access token and a new refresh token; the one sent is spent. Sending a
    spent one again (a replay, or a stolen copy) signs the whole session out: 401
    `refresh_token_reused`. 401 `invalid_refresh_token`: expired, signed out or not ours."""
    await _limit(request)
    try:
        tokens = await run_in_threadpool(accounts.refresh, body.refresh_token, datetime.now(UTC))
    except accounts.RefreshRefused as error:
        code = "refresh_token_reused" if error.reused else "invalid_refresh_token"
        raise api_error(401, code, str(error)) from error
    except (signing_keys.SigningUnavailable, google_exceptions.GoogleAPICallError) as error:
        raise _unavailable(error) from error
    return _session(tokens, response)


def _session_of(caller: Any) -> str | None:
    return caller.session_id if isinstance(caller, VerifiedCaller) else None


@router.delete("/v1/sessions/current", response_model=SignedOut, summary="Sign out this device")
def sign_out(caller: AnyCaller) -> SignedOut:
    """The bearer token stops working at once, and so does the refresh token of its
    session (tokens of other issuers have no session of ours: only the token stops)."""
    session_id = _session_of(caller)
    accounts.sign_out(caller.user_id, session_id, caller.token_id, caller.expires_at,
                      datetime.now(UTC))  # fmt: skip
    return SignedOut(user_id=caller.user_id, scope="session", sessions=int(session_id is not None))


@router.delete("/v1/sessions", response_model=SignedOut, summary="Sign out every device")
def sign_out_everywhere(caller: AnyCaller) -> SignedOut:
    """Every refresh token and every access token issued to the caller until now. A new
    sign-in works from the next second on."""
    count = accounts.sign_out_everywhere(caller.user_id, datetime.now(UTC))
    return SignedOut(user_id=caller.user_id, scope="all_sessions", sessions=count)


@router.get(
    "/.well-known/jwks.json",
    response_model=Jwks,
    summary="Our issuer's signing keys",
)
def jwks(response: Response) -> Jwks:
    """Every published key (the signing one, the next one, and superseded ones until the
    last token they signed has expired); cached for 5 minutes."""
    response.headers["Cache-Control"] = "public, max-age=300"
    try:
        return Jwks(**signing_keys.jwks(datetime.now(UTC)))
    except signing_keys.SigningUnavailable as error:
        raise _unavailable(error) from error
