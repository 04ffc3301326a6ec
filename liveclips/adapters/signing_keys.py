"""Our issuer's signing keys: RS256 private keys from configuration, several at once.

In the cloud the list is the Secret Manager secret `account-signing-keys` (a JSON list of
{kid, private_key_pem, active_from}; docs/accounts.md says how to rotate). In local mode,
with none configured, each process makes one key at its first use (a restart signs
everyone out, as the dev issuer's does). Which key signs and which are published is the
domain's key ring (liveclips/domain/accounts.py): here are only the keys themselves.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from liveclips.adapters.config import settings
from liveclips.domain.accounts import KeyRing, KeyTimes, key_ring
from liveclips.errors import LiveclipsError
from liveclips.settings import local_mode

ALGORITHM = "RS256"
_MIN_BITS = 2048


class SigningUnavailable(LiveclipsError):
    """No key can sign now (none configured outside local mode, or all revoked)."""


class KeyRefused(LiveclipsError):
    """A token names a key we do not accept; `reason` is revoked, retired or unknown."""

    def __init__(self, kid: str, reason: str) -> None:
        super().__init__(f"signing key {kid!r} is {reason}")
        self.kid, self.reason = kid, reason


@dataclass(frozen=True)
class _Key:
    times: KeyTimes
    private: rsa.RSAPrivateKey


Configured = tuple[tuple[str, str, datetime], ...]


def _configured() -> Configured:
    return tuple((k.kid, k.private_key_pem, k.active_from) for k in settings().account_signing_keys)


@lru_cache(maxsize=1)
def _local_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_MIN_BITS)


@lru_cache(maxsize=4)
def _keys(configured: Configured, local: bool) -> dict[str, _Key]:
    found: dict[str, _Key] = {}
    for kid, pem, active_from in configured:
        try:
            private = serialization.load_pem_private_key(
                pem.replace("\\n", "\n").encode(), password=None
            )
        except ValueError as error:
            raise SigningUnavailable(f"signing key {kid!r} is not a PEM private key") from error
        if not isinstance(private, rsa.RSAPrivateKey) or private.key_size < _MIN_BITS:
            raise SigningUnavailable(f"signing key {kid!r} must be RSA of {_MIN_BITS}+ bits")
        if kid in found:
            raise SigningUnavailable(f"signing key {kid!r} is listed twice")
        at = active_from if active_from.tzinfo else active_from.replace(tzinfo=UTC)
        found[kid] = _Key(KeyTimes(kid, at), private)
    if not found and local:
        kid = f"local-{secrets.token_hex(6)}"
        found[kid] = _Key(KeyTimes(kid, datetime(2000, 1, 1, tzinfo=UTC)), _local_key())
    return found


def _loaded() -> dict[str, _Key]:
    return _keys(_configured(), local_mode())


def ring(now: datetime) -> KeyRing:
    config = settings()
    overlap = timedelta(seconds=config.access_token_ttl_s + config.jwt_leeway_s)
    keys = [k.times for k in _loaded().values()]
    return key_ring(keys, config.account_revoked_kids, now, overlap)


def sign(claims: dict[str, Any], now: datetime) -> str:
    """`claims` signed with the key that signs now (its kid in the header)."""
    kid = ring(now).signing
    if kid is None:
        raise SigningUnavailable("no signing key is active (LIVECLIPS_ACCOUNT_SIGNING_KEYS)")
    return jwt.encode(claims, _loaded()[kid].private, algorithm=ALGORITHM, headers={"kid": kid})


def public_key(kid: str, now: datetime) -> rsa.RSAPublicKey:
    """The key to verify a token of `kid` with, or KeyRefused saying why not."""
    if kid in settings().account_revoked_kids:
        raise KeyRefused(kid, "revoked")
    key = _loaded().get(kid)
    if key is None:
        raise KeyRefused(kid, "unknown")
    if kid not in ring(now).published:
        raise KeyRefused(kid, "retired")
    return key.private.public_key()


def jwks(now: datetime) -> dict[str, Any]:
    """The published keys, as `GET /.well-known/jwks.json` serves them."""
    keys = _loaded()
    return {
        "keys": [
            {
                **json.loads(RSAAlgorithm.to_jwk(keys[kid].private.public_key())),
                "kid": kid,
                "alg": ALGORITHM,
                "use": "sig",
            }
            for kid in ring(now).published
        ]
    }
