"""Viewers' accounts, as rules with no cloud, web or clock of their own (ADR 0017).

- Emails are normalised (trimmed, NFKC, lower-cased) and checked for a plausible shape;
  the normalised form is the account's key.
- Passwords follow NIST SP 800-63B: long enough, not too long to hash, not the email,
  not one of the passwords every list of leaks starts with. No composition rules.
- Refresh tokens come in families (one per sign-in, i.e. per device). Each use rotates
  the family's token; a token of the family that is not its current one is a reuse (a
  copy was stolen, or the client replayed it) and revokes the whole family.
- Signing keys form a ring by `kid`: the newest active key signs, a superseded key stays
  published for an access token's lifetime, a revoked key is neither published nor
  accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from liveclips.errors import LiveclipsError

MAX_EMAIL = 254
MAX_PASSWORD = 256  # argon2 hashes any length; a bound keeps a request's work bounded
_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# The start of every leaked-password list: refused whatever the length rule says.
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "1234567890",
        "qwerty",
        "qwerty123",
        "qwertyuiop",
        "abc123",
        "111111",
        "iloveyou",
        "letmein",
        "welcome",
        "welcome1",
        "admin",
        "monkey",
        "dragon",
        "sunshine",
        "football",
        "baseball",
        "liveclips",
        "liveclips1",
        "changeme",
        "trustno1",
        "0987654321",
    }
)


class AccountProblem(LiveclipsError, ValueError):
    """Input an account cannot be made or used with; the message says what is wrong."""


def normalize_email(raw: str) -> str:
    """The account key of an address, or AccountProblem naming what is wrong with it."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    if not email:
        raise AccountProblem("email is empty")
    if len(email) > MAX_EMAIL:
        raise AccountProblem(f"email is longer than {MAX_EMAIL} characters")
    if email.count("@") != 1:
        raise AccountProblem("email must have exactly one @")
    local, domain = email.split("@")
    if (
        not _LOCAL_PART.match(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        raise AccountProblem("email's part before @ is not a valid mailbox name")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise AccountProblem("email's domain is not a valid domain name")
    if labels[-1].isdigit():
        raise AccountProblem("email's domain must be a name, not an address")
    return email


def password_problems(password: str, email: str, *, min_length: int) -> list[str]:
    """Why a new password is refused ([] when it is acceptable)."""
    found = []
    if len(password) < min_length:
        found.append(f"password must have at least {min_length} characters")
    if len(password) > MAX_PASSWORD:
        found.append(f"password must have at most {MAX_PASSWORD} characters")
    if any(unicodedata.category(c) in {"Cc", "Cs"} for c in password):
        found.append("password must not contain control characters or lone surrogates")
    folded = password.strip().lower()
    local = email.split("@", 1)[0]
    if folded in COMMON_PASSWORDS:
        found.append("password is one of the most common passwords")
    elif folded in {email, local}:
        found.append("password must not be the email")
    elif password and len(set(password)) == 1:
        found.append("password must not be one character repeated")
    return found


# --- refresh tokens and their families -----------------------------------------------

REFRESH_PREFIX = "rt1"
_FAMILY_ID = re.compile(r"^[0-9a-f]{32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")  # 32 random bytes, base64url without padding


@dataclass(frozen=True)
class RefreshToken:
    """`rt1.<family>.<generation>.<secret>`: the family names the sign-in, the secret
    proves the bearer holds this generation's token."""

    family_id: str
    generation: int
    secret: str

    def __str__(self) -> str:
        return f"{REFRESH_PREFIX}.{self.family_id}.{self.generation}.{self.secret}"

    @property
    def digest(self) -> str:
        """What the family keeps of it: never the token itself."""
        return hashlib.sha256(self.secret.encode()).hexdigest()


def new_refresh_token(family_id: str, generation: int, random_bytes: bytes) -> RefreshToken:
    if len(random_bytes) != 32:
        raise ValueError("a refresh token's secret is 32 random bytes")
    secret = base64.urlsafe_b64encode(random_bytes).rstrip(b"=").decode()
    return RefreshToken(family_id, generation, secret)


def parse_refresh_token(text: str) -> RefreshToken:
    parts = text.split(".")
    if len(parts) != 4 or parts[0] != REFRESH_PREFIX:
        raise AccountProblem("refresh_token is not a liveclips refresh token")
    _, family_id, generation, secret = parts
    if not _FAMILY_ID.match(family_id) or not _SECRET.match(secret):
        raise AccountProblem("refresh_token is not a liveclips refresh token")
    if not generation.isdigit() or len(generation) > 9:
        raise AccountProblem("refresh_token's generation is not a number")
    return RefreshToken(family_id, int(generation), secret)


@dataclass(frozen=True)
class FamilyLimits:
    idle: timedelta  # a family unused this long is over
    max_age: timedelta  # and none outlives this, used or not


@dataclass(frozen=True)
class Family:
    """One sign-in (one device): who, which token is current, which access tokens it
    issued (so revoking the family revokes those too)."""

    family_id: str
    user_id: str
    role: str
    current_digest: str
    generation: int
    created_at: datetime
    last_used_at: datetime
    revoked: bool = False
    # (jti, expires at as epoch seconds) of access tokens issued and not yet expired.
    access_tokens: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    def expires_at(self, limits: FamilyLimits) -> datetime:
        return min(self.last_used_at + limits.idle, self.created_at + limits.max_age)

    def with_access_token(self, jti: str, expires_at: datetime, now: datetime) -> Family:
        live = tuple(t for t in self.access_tokens if t[1] > now.timestamp())
        return replace(self, access_tokens=(*live, (jti, expires_at.timestamp())))

    def live_access_tokens(self, now: datetime) -> list[tuple[str, datetime]]:
        return [
            (jti, datetime.fromtimestamp(exp, now.tzinfo))
            for jti, exp in self.access_tokens
            if exp > now.timestamp()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "family_id": self.family_id,
            "user_id": self.user_id,
            "role": self.role,
            "current_digest": self.current_digest,
            "generation": self.generation,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat(),
            "revoked": self.revoked,
            "access_tokens": [list(t) for t in self.access_tokens],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Family:
        return cls(
            family_id=str(raw["family_id"]),
            user_id=str(raw["user_id"]),
            role=str(raw["role"]),
            current_digest=str(raw["current_digest"]),
            generation=int(raw["generation"]),
            created_at=datetime.fromisoformat(raw["created_at"]),
            last_used_at=datetime.fromisoformat(raw["last_used_at"]),
            revoked=bool(raw["revoked"]),
            access_tokens=tuple((str(j), float(e)) for j, e in raw["access_tokens"]),
        )


def start_family(
    family_id: str, user_id: str, role: str, first: RefreshToken, now: datetime
) -> Family:
    if first.family_id != family_id or first.generation != 0:
        raise ValueError("a family starts with its own generation-0 token")
    return Family(family_id, user_id, role, first.digest, 0, now, now)


class Outcome(StrEnum):
    ROTATED = "rotated"  # the current token: a new one replaces it
    REUSED = "reused"  # a token of the family that is not the current one: revoked
    REVOKED = "revoked"  # the family was signed out or revoked for reuse before
    EXPIRED = "expired"  # idle or too old


@dataclass(frozen=True)
class Rotation:
    outcome: Outcome
    family: Family


def rotate(
    family: Family, presented: RefreshToken, successor: RefreshToken, now: datetime,
    limits: FamilyLimits,
) -> Rotation:  # fmt: skip
    """What presenting `presented` does to its family. Only the current token rotates
    (to `successor`, the next generation); any other token of the family, whether an
    earlier generation or a guess, means a copy is in someone else's hands, so the whole
    family is revoked: the thief and the victim both have to sign in again, and only the
    victim can."""
    if presented.family_id != family.family_id or successor.family_id != family.family_id:
        raise ValueError("the tokens are not of this family")
    if family.revoked:
        return Rotation(Outcome.REVOKED, family)
    if now >= family.expires_at(limits):
        return Rotation(Outcome.EXPIRED, family)
    current = presented.generation == family.generation and hmac.compare_digest(
        presented.digest, family.current_digest
    )
    if not current:
        return Rotation(Outcome.REUSED, replace(family, revoked=True))
    if successor.generation != family.generation + 1:
        raise ValueError("the successor must be the next generation")
    rotated = replace(
        family, current_digest=successor.digest, generation=successor.generation, last_used_at=now
    )
    return Rotation(Outcome.ROTATED, rotated)


# --- access tokens ---------------------------------------------------------------------


def access_claims(
    *,
    issuer: str,
    audience: str,
    user_id: str,
    role: str,
    session_id: str,
    token_id: str,
    now: datetime,
    ttl: timedelta,
) -> dict[str, Any]:
    """The claims of one of our access tokens (`sid`: the refresh family, i.e. the device)."""
    issued = int(now.timestamp())
    return {
        "iss": issuer,
        "aud": audience,
        "sub": user_id,
        "role": role,
        "sid": session_id,
        "jti": token_id,
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(ttl.total_seconds()),
    }


# --- the signing key ring --------------------------------------------------------------


@dataclass(frozen=True)
class KeyTimes:
    kid: str
    active_from: datetime


@dataclass(frozen=True)
class KeyRing:
    signing: str | None  # None: no key is active yet (or all are revoked)
    published: tuple[str, ...]  # what the JWKS lists and verification accepts


def key_ring(
    keys: Sequence[KeyTimes], revoked: Iterable[str], now: datetime, overlap: timedelta
) -> KeyRing:
    """Which key signs now and which keys are published. The newest key whose
    `active_from` has passed signs; later keys are published already (so caches of the
    JWKS have them before the first token they sign); a superseded key stays published
    for `overlap` (an access token's lifetime plus leeway) after its successor took over,
    then is retired; a revoked key is gone at once."""
    kids = [k.kid for k in keys]
    if len(set(kids)) != len(kids):
        raise ValueError(f"signing keys must have distinct kids: {sorted(kids)}")
    barred = set(revoked)
    usable = sorted((k for k in keys if k.kid not in barred), key=lambda k: k.active_from)
    active = [k for k in usable if k.active_from <= now]
    signing = active[-1].kid if active else None
    published = []
    for i, key in enumerate(usable):
        successor = usable[i + 1] if i + 1 < len(usable) else None
        retired = successor is not None and successor.active_from + overlap <= now
        if not retired:
            published.append(key.kid)
    return KeyRing(signing, tuple(published))
