"""Signed, expiring URLs for clip media: CloudFront in the cloud, S3 presigned locally.

With LIVECLIPS_CLOUDFRONT_DOMAIN set, objects of the media bucket (the distribution's
origin) get CloudFront signed URLs: a canned policy per object, or one custom policy
with a wildcard for a whole folder (an HLS playlist's segments, a track's sprite), so
a playlist costs one RSA signature instead of one per segment. Anything else, and
everything when no domain is set, gets an S3 presigned URL. Signing is local CPU work
either way (no request leaves the process).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from liveclips.adapters import s3
from liveclips.adapters.config import settings
from liveclips.errors import LiveclipsError


class SignerMisconfigured(LiveclipsError, RuntimeError):
    """A CloudFront domain without a usable key pair: fail at the first signing, loudly."""


@lru_cache(maxsize=1)
def _cloudfront() -> CloudFrontSigner | None:
    config = settings()
    if not config.cloudfront_domain:
        return None
    if not (config.cloudfront_key_id and config.cloudfront_private_key):
        raise SignerMisconfigured("LIVECLIPS_CLOUDFRONT_DOMAIN needs _KEY_ID and _PRIVATE_KEY")
    pem = config.cloudfront_private_key.replace("\\n", "\n").encode()
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SignerMisconfigured("CloudFront key pairs are RSA")
    # CloudFront verifies RSA-SHA1 signatures (its documented scheme for signed URLs).
    return CloudFrontSigner(
        config.cloudfront_key_id,
        lambda message: key.sign(message, padding.PKCS1v15(), hashes.SHA1()),  # noqa: S303
    )


def ttl_s() -> int:
    return settings().signed_url_ttl_s


def signed_url(bucket: str, key: str, *, now: float | None = None, ttl: int | None = None) -> str:
    """`ttl` (seconds) overrides signed_url_ttl_s: a share page's URLs live minutes."""
    life = ttl_s() if ttl is None else ttl
    signer = _cloudfront()
    if signer is None or bucket != settings().media_bucket:
        return s3.signed_url(bucket, key, ttl_s=life)
    return signer.generate_presigned_url(_cdn_url(key), date_less_than=_expiry(now, life))


def folder_signer(bucket: str, folder: str, *, now: float | None = None) -> Callable[[str], str]:
    """Signs paths relative to `folder` (as a playlist or a track names them)."""
    signer = _cloudfront()
    if signer is None or bucket != settings().media_bucket:
        return lambda relative: s3.signed_url(bucket, f"{folder}/{relative}", ttl_s=ttl_s())
    wildcard = _cdn_url(f"{folder}/*")
    policy = signer.build_policy(wildcard, _expiry(now))
    query = signer.generate_presigned_url(wildcard, policy=policy).split("?", 1)[1]
    return lambda relative: f"{_cdn_url(f'{folder}/{relative}')}?{query}"


def _cdn_url(key: str) -> str:
    return f"https://{settings().cloudfront_domain}/{quote(key, safe='/~*')}"


def _expiry(now: float | None, life: int | None = None) -> datetime:
    start = datetime.now(UTC).timestamp() if now is None else now
    return datetime.fromtimestamp(int(start) + (ttl_s() if life is None else life), UTC)


def reset() -> None:
    """Forget the signer (tests change the settings)."""
    _cloudfront.cache_clear()
