"""Bearer tokens: verified here, on every request, against the issuer's published keys.

A token is a JWT signed with RS256 or ES256 by the identity provider, whose JWKS is
fetched once and cached (a new `kid` triggers a refetch, at most one per cooldown, so
key rotation needs no restart). Issuer, audience, expiry and not-before are enforced with
a small leeway for clock skew; `sub`, `role`, `jti` and `iat` are required. A revoked
token (Redis) is refused like an expired one. The revocation check and the caller's and
the client address's rate limits are one Redis script call (liveclips/adapters/rate_limits.py).

Three kinds of issuer are trusted, each chosen by the token's `iss` before anything else
is believed, and each with its own keys and algorithms (so a key of one can never verify
a token claiming another):
- the identity provider of `LIVECLIPS_JWT_ISSUER` (locally the dev issuer): `sub` and
  `role` are taken as they are;
- our own issuer (`LIVECLIPS_ACCOUNTS_ISSUER`, liveclips/api/accounts.py): RS256 only,
  keys from our key ring by `kid` (a retired or revoked `kid` is refused), `sid` names
  the refresh family (the device) for sign-out;
- external providers (`LIVECLIPS_FEDERATED_ISSUERS`: Cognito, Firebase Auth, Auth0),
  whose subject is mapped to our user (made on first sight, linked by issuer + subject)
  and whose role is our user's own unless the mapping names a role claim.
The header's `alg` must be one the issuer signs with: never `none`, never HS* (whose
"secret" would be the public key: the RS/HS confusion).

Routes declare who may call them with one of the annotated types below; ownership of a
channel is checked by the route with `Caller.may_manage` (liveclips/domain/access.py).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from google.api_core import exceptions as google_exceptions
from starlette.concurrency import run_in_threadpool

from liveclips.adapters import rate_limits, signing_keys, spanner_accounts
from liveclips.adapters.config import settings
from liveclips.api.errors import api_error
from liveclips.domain.access import ADMINS, CONTENT_TEAM, CREATORS, EVERYONE, Caller, Role
from liveclips.settings import FederatedIssuer

_bearer = HTTPBearer(auto_error=False, description="A JWT from the liveclips identity provider")
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "iss", "aud"]
_MAX_ID = 128


@lru_cache(maxsize=1)
def _keys() -> jwt.PyJWKClient:
    config = settings()
    return jwt.PyJWKClient(
        config.jwt_jwks_url,
        cache_keys=True,
        lifespan=3600,
        timeout=5,
        # Tokens naming unknown keys cannot make us hammer the provider: one refetch per
        # cooldown. Providers publish a new key well before signing with it.
        cooldown_duration=config.jwt_jwks_refetch_cooldown_s,
    )


@lru_cache(maxsize=16)
def _federated_keys(jwks_url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(
        jwks_url,
        cache_keys=True,
        lifespan=3600,
        timeout=5,
        cooldown_duration=settings().jwt_jwks_refetch_cooldown_s,
    )


@dataclass(frozen=True)
class VerifiedCaller(Caller):
    """A caller with where its token came from: `session_id` is our refresh family (the
    device) for tokens of our own issuer, None for the others."""

    issuer: str = ""
    session_id: str | None = None
    key_id: str | None = None  # our own tokens' kid: re-checked on every use


def _unauthenticated(code: str, message: str) -> Exception:
    return api_error(401, code, message, headers={"WWW-Authenticate": "Bearer"})


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims as the token states them, to choose the issuer and key by;
    nothing here is believed until the signature is verified with that key."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise _unauthenticated(
            "invalid_token", f"the bearer token is not valid: {error}"
        ) from error
    return header, claims


def _check_alg(header: dict[str, Any], allowed: list[str], issuer: str) -> None:
    alg = header.get("alg")
    if alg not in allowed:
        raise _unauthenticated(
            "invalid_token", f"alg {alg!r} is not accepted from {issuer} (only {allowed})"
        )


def _decode(
    token: str,
    key: Any,
    algorithms: list[str],
    *,
    audience: str | None,
    issuer: str,
    required: list[str],
) -> dict[str, Any]:
    config = settings()
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=algorithms,
        audience=audience,
        issuer=issuer,
        leeway=config.jwt_leeway_s,
        options={"require": required, "verify_aud": audience is not None},
    )
    return claims


def verify(token: str) -> Caller:
    """The caller a token speaks for, or a 401 naming what is wrong with it."""
    config = settings()
    header, stated = _unverified(token)
    issuer = stated.get("iss")
    try:
        if issuer == config.accounts_issuer:
            return _own(token, header)
        if issuer == config.jwt_issuer:
            _check_alg(header, config.jwt_algorithms, issuer)
            key = _keys().get_signing_key_from_jwt(token)
            claims = _decode(
                token,
                key.key,
                config.jwt_algorithms,
                audience=config.jwt_audience,
                issuer=issuer,
                required=_REQUIRED_CLAIMS,
            )
            return _caller(claims)
        for federated in config.federated_issuers:
            if issuer == federated.issuer:
                return _federated(token, header, federated)
    except jwt.ExpiredSignatureError as error:
        raise _unauthenticated("token_expired", "the bearer token has expired") from error
    except jwt.PyJWKClientConnectionError as error:
        # Our side's failure, not the caller's: 503 tells the app to retry, not sign out.
        raise api_error(503, "auth_unavailable", "signing keys cannot be fetched") from error
    except jwt.PyJWTError as error:
        raise _unauthenticated(
            "invalid_token", f"the bearer token is not valid: {error}"
        ) from error
    raise _unauthenticated("invalid_token", f"the bearer token's issuer {issuer!r} is not trusted")


def _own(token: str, header: dict[str, Any]) -> Caller:
    config = settings()
    algorithms = [signing_keys.ALGORITHM]
    _check_alg(header, algorithms, config.accounts_issuer)
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise _unauthenticated("invalid_token", "the bearer token names no key (kid)")
    try:
        key = signing_keys.public_key(kid, datetime.now(UTC))
    except signing_keys.KeyRefused as error:
        raise _unauthenticated("invalid_token", f"the bearer token's {error}") from error
    except signing_keys.SigningUnavailable as error:
        raise api_error(503, "auth_unavailable", str(error)) from error
    claims = _decode(
        token,
        key,
        algorithms,
        audience=config.jwt_audience,
        issuer=config.accounts_issuer,
        required=[*_REQUIRED_CLAIMS, "sid"],
    )
    caller = _caller(claims)
    session_id = claims["sid"]
    if not (isinstance(session_id, str) and 0 < len(session_id) <= _MAX_ID):
        raise _unauthenticated("invalid_token", "sid must be 1-128 characters")
    return VerifiedCaller(
        **vars(caller), issuer=config.accounts_issuer, session_id=session_id, key_id=kid
    )


def _federated(token: str, header: dict[str, Any], provider: FederatedIssuer) -> Caller:
    algorithms: list[str] = list(provider.algorithms)
    _check_alg(header, algorithms, provider.issuer)
    key = _federated_keys(provider.jwks_url).get_signing_key_from_jwt(token)
    by_aud = provider.audience_claim == "aud"
    required = ["exp", "iat", "iss", provider.subject_claim, *(["aud"] if by_aud else [])]
    claims = _decode(
        token,
        key.key,
        algorithms,
        audience=provider.audience if by_aud else None,
        issuer=provider.issuer,
        required=required,
    )
    if not by_aud and claims.get(provider.audience_claim) != provider.audience:
        raise _unauthenticated("invalid_token", f"{provider.audience_claim} is not ours")
    subject = claims[provider.subject_claim]
    if not (isinstance(subject, str) and 0 < len(subject) <= 255 and subject.isprintable()):
        raise _unauthenticated("invalid_token", "the subject must be 1-255 printable characters")
    email = claims.get(provider.email_claim) if provider.email_claim else None
    role = Role.VIEWER.value
    if provider.role_claim is not None:
        role = claims.get(provider.role_claim, Role.VIEWER.value)
        if role not in {r.value for r in Role}:
            raise _unauthenticated("invalid_token", f"{provider.role_claim} is not a role")
    try:
        user = spanner_accounts.federated_user(
            provider.issuer, subject, email if isinstance(email, str) else None, role
        )
    except google_exceptions.GoogleAPICallError as error:
        raise api_error(503, "auth_unavailable", "accounts cannot be read now") from error
    token_id = claims.get("jti")
    if not (isinstance(token_id, str) and 0 < len(token_id) <= _MAX_ID):
        # Firebase and Auth0 ID tokens carry no jti: the token's own digest names it.
        token_id = hashlib.sha256(token.encode()).hexdigest()[:32]
    caller = _caller(
        {
            **claims,
            "sub": user.user_id,
            "jti": token_id,
            "role": role if provider.role_claim else user.role,
        }
    )
    return VerifiedCaller(**vars(caller), issuer=provider.issuer)


def _caller(claims: dict[str, Any]) -> Caller:
    user_id, token_id, role = claims["sub"], claims["jti"], claims.get("role")
    if not (isinstance(user_id, str) and 0 < len(user_id) <= _MAX_ID and user_id.isprintable()):
        raise _unauthenticated("invalid_token", "sub must be 1-128 printable characters")
    if not (isinstance(token_id, str) and 0 < len(token_id) <= _MAX_ID):
        raise _unauthenticated("invalid_token", "jti must be 1-128 characters")
    if not isinstance(role, str) or role not in {r.value for r in Role}:
        raise _unauthenticated("invalid_token", f"role must be one of {[r.value for r in Role]}")
    try:
        issued_at = datetime.fromtimestamp(float(claims["iat"]), UTC)
        expires_at = datetime.fromtimestamp(float(claims["exp"]), UTC)
    except (ValueError, OverflowError, OSError) as error:
        # PyJWT checks only that they are integers: one past the year 9999 is not a time.
        raise _unauthenticated("invalid_token", "iat and exp must be times") from error
    return Caller(
        user_id=user_id,
        role=Role(role),
        token_id=token_id,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def client_address(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and settings().trust_forwarded_for:
        # Google's front end appends the address it saw: the last entry is the one we trust.
        return forwarded.rsplit(",", 1)[-1].strip()
    return request.client.host if request.client else "unknown"


def _too_many(wait_s: float) -> Exception:
    return api_error(
        429,
        "rate_limited",
        f"too many requests; retry in {wait_s:.1f} s",
        headers={"Retry-After": str(max(1, round(wait_s + 0.5)))},
    )


# Verified tokens by their text: a signature check costs more than the rest of a cached
# feed request. Expiry is checked again on every use; revocation is read from Redis on
# every use. Cleared when full, which only costs re-verification.
_verified: dict[str, Caller] = {}
_VERIFIED_MAX = 50_000


async def _verified_caller(token: str) -> Caller:
    caller = _verified.get(token)
    if caller is None:
        # A thread: the first use of a key fetches the JWKS over the network.
        caller = await run_in_threadpool(verify, token)
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[token] = caller
    elif caller.expires_at.timestamp() + settings().jwt_leeway_s < time.time():
        raise _unauthenticated("token_expired", "the bearer token has expired")
    elif isinstance(caller, VerifiedCaller) and caller.key_id is not None:
        # A key revoked or retired since this token was verified stops it too.
        try:
            signing_keys.public_key(caller.key_id, datetime.now(UTC))
        except signing_keys.KeyRefused as error:
            _verified.pop(token, None)
            raise _unauthenticated("invalid_token", f"the bearer token's {error}") from error
    return caller


async def _charge_address(limit: rate_limits.Limit) -> None:
    wait_s = await run_in_threadpool(rate_limits.retry_after_s, limit)
    if wait_s > 0:
        raise _too_many(wait_s)


async def signed_in(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """Async with one Redis round trip, so a request whose route needs nothing else (the
    cached feed) never waits for a worker thread."""
    config = settings()
    by_address = rate_limits.Limit(
        f"ip:{client_address(request)}", config.rate_ip_per_s, config.rate_ip_burst
    )
    if credentials is None or credentials.scheme.lower() != "bearer":
        await _charge_address(by_address)  # guessing tokens costs the guesser's address
        raise _unauthenticated("unauthenticated", "send Authorization: Bearer <token>")
    try:
        caller = await _verified_caller(credentials.credentials)
    except Exception:
        await _charge_address(by_address)
        raise
    by_user = rate_limits.Limit(
        f"user:{caller.user_id}", config.rate_user_per_s, config.rate_user_burst
    )
    admitted = await rate_limits.admit(
        caller.token_id, caller.user_id, caller.issued_at.timestamp(), by_user, by_address
    )
    if admitted == rate_limits.REVOKED:
        raise _unauthenticated("token_revoked", "the bearer token was revoked; sign in again")
    if admitted > 0:
        raise _too_many(admitted)
    return caller


def _role_in(allowed: frozenset[Role], what: str) -> Any:
    async def check(caller: Annotated[Caller, Depends(signed_in)]) -> Caller:
        if caller.role not in allowed:
            raise api_error(403, "forbidden", f"{what}; this token's role is {caller.role}")
        return caller

    return check


AnyCaller = Annotated[Caller, Depends(_role_in(EVERYONE, "any signed-in user"))]
CreatorCaller = Annotated[Caller, Depends(_role_in(CREATORS, "creators only"))]
ContentTeamCaller = Annotated[Caller, Depends(_role_in(CONTENT_TEAM, "the content team only"))]
AdminCaller = Annotated[Caller, Depends(_role_in(ADMINS, "admins only"))]
StudioOrTeamCaller = Annotated[
    Caller, Depends(_role_in(CREATORS | CONTENT_TEAM, "creators and the content team only"))
]


def forbid_unless_manages(caller: Caller, owner_user_id: str | None, what: str) -> None:
    if not caller.may_manage(owner_user_id):
        raise api_error(403, "forbidden", f"{what} belongs to another creator")


async def _user_id(caller: AnyCaller) -> str:
    return caller.user_id


# For routes about the caller's own things (progress, events): only the id matters.
SignedInUserId = Annotated[str, Depends(_user_id)]
