"""Playback tokens for private IVS channels: ES384 JWTs signed with our playback key.

IVS verifies them with the public half of the key pair imported into it
(ImportPlaybackKeyPair); the claims are IVS's documented ones. The player appends the
token to the playback URL as `?token=`.
"""

from __future__ import annotations

import time
from functools import lru_cache
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from liveclips.adapters.config import settings
from liveclips.errors import LiveclipsError


class NoPlaybackKey(LiveclipsError, RuntimeError):
    pass


@lru_cache(maxsize=1)
def _private_key() -> EllipticCurvePrivateKey:
    pem = settings().ivs_playback_private_key
    if not pem:
        raise NoPlaybackKey("LIVECLIPS_IVS_PLAYBACK_PRIVATE_KEY is not set")
    # Environments and secret stores often carry a PEM on one line, newlines as \n.
    key = load_pem_private_key(pem.replace("\\n", "\n").encode(), password=None)
    if not isinstance(key, EllipticCurvePrivateKey) or key.curve.name != "secp384r1":
        raise NoPlaybackKey("the IVS playback key must be an EC P-384 private key")
    return key


def token(channel_arn: str, now: float | None = None) -> str:
    config = settings()
    issued = int(time.time() if now is None else now)
    claims = {
        "aws:channel-arn": channel_arn,
        "aws:access-control-allow-origin": config.ivs_playback_allowed_origin,
        "exp": issued + config.ivs_playback_token_ttl_s,
    }
    return jwt.encode(claims, _private_key(), algorithm="ES384", headers={"typ": "JWT"})


def signed_playback_url(playback_url: str, channel_arn: str) -> str:
    return f"{playback_url}?{urlencode({'token': token(channel_arn)})}"
