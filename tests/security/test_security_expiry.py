"""Every credential the system hands out expires, after the configured time.

Covered elsewhere, not repeated here: CloudFront signed URLs and folder policies expire
at now + TTL (tests/unit/test_playback_urls.py); IVS playback tokens carry exp = now +
TTL (tests/unit/test_ivs.py); the API refuses an expired token, also one it verified
before (tests/integration/test_auth.py: test_a_token_with_a_bad_claim_is_refused_naming_why,
test_a_token_verified_earlier_still_expires_on_time).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from liveclips.adapters import playback_urls, s3
from liveclips.adapters.config import settings
from liveclips_dev.localcloud.dev_issuer import MAX_TTL_S, Issuer, token_request_problems


@pytest.fixture
def offline_s3(monkeypatch) -> Iterator[None]:
    # Presigning is local computation: credentials only have to exist, not be valid.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "LIVECLIPS_SIGNED_URL_TTL_S": "900",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LIVECLIPS_CLOUDFRONT_DOMAIN", raising=False)
    settings.cache_clear()
    playback_urls.reset()
    yield
    settings.cache_clear()
    playback_urls.reset()


def lifetime_s(url: str) -> float:
    """How long a presigned S3 URL stays valid from now. The S3 client signs with SigV4
    (liveclips/adapters/s3.py), which says it as X-Amz-Expires seconds from X-Amz-Date; a SigV2 URL
    (AWSAccessKeyId, Signature, an Expires epoch: boto3's default for S3 presigning) fails
    here."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query.get("X-Amz-Algorithm") == "AWS4-HMAC-SHA256", url
    assert "X-Amz-Signature" in query and "Expires" not in query and "Signature" not in query
    signed = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return signed.timestamp() + int(query["X-Amz-Expires"]) - time.time()


def assert_lifetime(url: str, ttl_s: int) -> None:
    assert ttl_s - 3 <= lifetime_s(url) <= ttl_s


def test_s3_presigned_urls_expire_after_the_configured_ttl(offline_s3):
    assert_lifetime(s3.signed_url("bucket", "clips/a.mp4"), 900)
    assert_lifetime(s3.signed_url("bucket", "a.ts", ttl_s=60), 60)
    # Without a CloudFront domain the playback URLs are these presigned ones.
    assert_lifetime(playback_urls.signed_url(settings().media_bucket, "clips/a.mp4"), 900)
    folder = playback_urls.folder_signer(settings().media_bucket, "clips/c1/hls")
    assert_lifetime(folder("seg0.ts"), 900)


def test_upload_forms_expire_after_their_ttl(offline_s3):
    before = time.time()
    post = s3.presigned_post(
        "uploads", "uploads/x/source", content_type="video/mp4", max_bytes=10, ttl_s=600
    )
    fields = post["fields"]
    # SigV4 form fields, each also pinned by the policy S3 checks the signature against.
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert {"x-amz-credential", "x-amz-date", "x-amz-signature"} <= set(fields)
    assert not {"AWSAccessKeyId", "signature"} & set(fields)
    policy = json.loads(base64.b64decode(fields["policy"]))
    for name in ("x-amz-algorithm", "x-amz-credential", "x-amz-date"):
        assert {name: fields[name]} in policy["conditions"]
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before + 600 - 2 <= expires.timestamp() <= time.time() + 600


def test_dev_issuer_tokens_expire_and_their_lifetime_is_capped():
    issuer = Issuer("http://issuer.test", "liveclips-api")
    token = issuer.token("ana", "viewer", ttl_s=300, now=1_900_000_000)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["iat"], claims["exp"]) == (1_900_000_000, 1_900_000_300)
    assert token_request_problems({"user": "ana", "role": "viewer", "ttl_s": MAX_TTL_S}) == []
    for ttl in (MAX_TTL_S + 1, 0, -1, "3600", None):
        assert token_request_problems({"user": "ana", "role": "viewer", "ttl_s": ttl})
