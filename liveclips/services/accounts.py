"""Sign-up, sign-in, refresh and sign-out: the domain's rules (liveclips/domain/accounts.py)
over Spanner (users), Redis (refresh families, revocations) and our signing keys.

Every failure of a sign-in is one exception, whatever failed (no such email, wrong
password), and both cost one argon2 verification, so neither the answer nor its time
tells an attacker which emails have accounts.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from liveclips.adapters import passwords, refresh_families, revocations, signing_keys
from liveclips.adapters import spanner_accounts as store
from liveclips.adapters.config import settings
from liveclips.domain.access import Role
from liveclips.domain.accounts import (
    AccountProblem,
    Family,
    FamilyLimits,
    Outcome,
    access_claims,
    new_refresh_token,
    normalize_email,
    parse_refresh_token,
    password_problems,
    start_family,
)
from liveclips.errors import LiveclipsError


class InvalidCredentials(LiveclipsError):
    """Unknown email or wrong password: deliberately not told apart."""


class RefreshRefused(LiveclipsError):
    """A refresh token that cannot be used; `reused` when it revoked its family."""

    def __init__(self, message: str, *, reused: bool = False) -> None:
        super().__init__(message)
        self.reused = reused


@dataclass(frozen=True)
class Tokens:
    user_id: str
    session_id: str
    access_token: str
    expires_in_s: int
    refresh_token: str
    refresh_expires_at: datetime


def limits() -> FamilyLimits:
    config = settings()
    return FamilyLimits(
        idle=timedelta(seconds=config.refresh_idle_ttl_s),
        max_age=timedelta(seconds=config.refresh_max_ttl_s),
    )


def _access_token(user_id: str, role: str, session_id: str, now: datetime) -> tuple[str, str]:
    config = settings()
    token_id = uuid.uuid4().hex
    claims = access_claims(
        issuer=config.accounts_issuer,
        audience=config.jwt_audience,
        user_id=user_id,
        role=role,
        session_id=session_id,
        token_id=token_id,
        now=now,
        ttl=timedelta(seconds=config.access_token_ttl_s),
    )
    return token_id, signing_keys.sign(claims, now)


def _start_session(user_id: str, role: str, now: datetime) -> Tokens:
    family_id = secrets.token_hex(16)
    first = new_refresh_token(family_id, 0, secrets.token_bytes(32))
    token_id, access = _access_token(user_id, role, family_id, now)
    expires_at = now + timedelta(seconds=settings().access_token_ttl_s)
    family = start_family(family_id, user_id, role, first, now).with_access_token(
        token_id, expires_at, now
    )
    refresh_families.save_new(family, now, limits())
    return Tokens(user_id, family_id, access, settings().access_token_ttl_s, str(first),
                  family.expires_at(limits()))  # fmt: skip


def check_new_account(email_raw: str, password: str) -> str:
    """The normalised email, or AccountProblem naming everything wrong with the input."""
    email = normalize_email(email_raw)
    found = password_problems(password, email, min_length=settings().password_min_length)
    if found:
        raise AccountProblem("; ".join(found))
    return email


def sign_up(email_raw: str, password: str, now: datetime) -> Tokens:
    """A new viewer, signed in. AccountProblem (bad input) and store.EmailTaken leave
    nothing written; the keys are checked first so a misconfigured issuer writes nothing."""
    email = check_new_account(email_raw, password)
    if signing_keys.ring(now).signing is None:
        raise signing_keys.SigningUnavailable("no signing key is active")
    user_id = str(uuid.uuid4())
    store.create_password_user(user_id, email, Role.VIEWER.value, passwords.hash_password(password))
    return _start_session(user_id, Role.VIEWER.value, now)


def sign_in(email_raw: str, password: str, now: datetime) -> Tokens:
    try:
        email = normalize_email(email_raw)
    except AccountProblem:
        email = None
    login = store.password_login(email) if email else None
    if not passwords.verify_password(login.password_hash if login else None, password):
        raise InvalidCredentials("the email or the password is wrong")
    assert login is not None  # noqa: S101 - verify_password is False without a login
    if passwords.needs_rehash(login.password_hash):
        store.replace_password_hash(login.user_id, passwords.hash_password(password))
    return _start_session(login.user_id, login.role, now)


def _revoke_family_tokens(family: Family, now: datetime) -> None:
    for token_id, expires_at in family.live_access_tokens(now):
        revocations.revoke_token(token_id, expires_at, now)


def refresh(token_text: str, now: datetime) -> Tokens:
    try:
        presented = parse_refresh_token(token_text)
    except AccountProblem as error:
        raise RefreshRefused(str(error)) from error
    successor = new_refresh_token(
        presented.family_id, presented.generation + 1, secrets.token_bytes(32)
    )
    token_id = uuid.uuid4().hex
    expires_at = now + timedelta(seconds=settings().access_token_ttl_s)
    rotation = refresh_families.rotate_stored(
        presented, successor, (token_id, expires_at), now, limits()
    )
    if rotation is None or rotation.outcome in {Outcome.REVOKED, Outcome.EXPIRED}:
        raise RefreshRefused("the refresh token has expired or was signed out; sign in again")
    family = rotation.family
    if rotation.outcome is Outcome.REUSED:
        _revoke_family_tokens(family, now)
        raise RefreshRefused(
            "the refresh token was already used: this session is signed out; sign in again",
            reused=True,
        )
    user = store.user(family.user_id)
    if user is None:  # the account was deleted
        refresh_families.revoke(family.family_id, now, limits())
        raise RefreshRefused("the account no longer exists")
    config = settings()
    claims = access_claims(
        issuer=config.accounts_issuer,
        audience=config.jwt_audience,
        user_id=user.user_id,
        role=user.role,
        session_id=family.family_id,
        token_id=token_id,
        now=now,
        ttl=timedelta(seconds=config.access_token_ttl_s),
    )
    access = signing_keys.sign(claims, now)
    return Tokens(user.user_id, family.family_id, access, config.access_token_ttl_s,
                  str(successor), family.expires_at(limits()))  # fmt: skip


def sign_out(user_id: str, session_id: str | None, token_id: str, token_expires_at: datetime,
             now: datetime) -> None:  # fmt: skip
    """This device: the presented access token and, for our tokens, its refresh family."""
    revocations.revoke_token(token_id, token_expires_at, now)
    if session_id is None:
        return
    family = refresh_families.revoke(session_id, now, limits())
    if family is not None and family.user_id == user_id:
        _revoke_family_tokens(family, now)
        refresh_families.forget(user_id, [session_id])


def sign_out_everywhere(user_id: str, now: datetime) -> int:
    """Every device: every refresh family and every access token issued until now. The
    number of refresh families signed out."""
    family_ids = refresh_families.families_of(user_id)
    signed_out = 0
    for family_id in family_ids:
        family = refresh_families.revoke(family_id, now, limits())
        if family is not None and not family.revoked:
            signed_out += 1
    refresh_families.forget(user_id, family_ids)
    revocations.revoke_user(user_id, now)
    return signed_out
