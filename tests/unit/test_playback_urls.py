"""CloudFront signed URLs, verified with the public key the way CloudFront verifies them."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from liveclips.adapters import playback_urls
from liveclips.adapters.config import settings

NOW = 1_800_000_000.5
TTL_S = 900


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def cloudfront(monkeypatch, key) -> Iterator[None]:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    monkeypatch.setenv("LIVECLIPS_CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net")
    monkeypatch.setenv("LIVECLIPS_CLOUDFRONT_KEY_ID", "K2JCJMDEHXQW5F")
    # As a secret manager often stores it: one line, newlines written as \n.
    monkeypatch.setenv("LIVECLIPS_CLOUDFRONT_PRIVATE_KEY", pem.replace("\n", "\\n"))
    monkeypatch.setenv("LIVECLIPS_SIGNED_URL_TTL_S", str(TTL_S))
    settings.cache_clear()
    playback_urls.reset()
    yield
    settings.cache_clear()
    playback_urls.reset()


def cloudfront_b64decode(text: str) -> bytes:
    return base64.b64decode(text.replace("-", "+").replace("_", "=").replace("~", "/"))


def verify(key: rsa.RSAPrivateKey, signature: str, policy: bytes) -> None:
    key.public_key().verify(
        cloudfront_b64decode(signature),
        policy,
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303
    )


def test_a_canned_policy_url_verifies_and_expires_after_the_ttl(cloudfront, key):
    url = playback_urls.signed_url(settings().media_bucket, "clips/ch/rec/c 1/clip.mp4", now=NOW)

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    resource = f"{parts.scheme}://{parts.netloc}{parts.path}"
    assert resource == "https://d111111abcdef8.cloudfront.net/clips/ch/rec/c%201/clip.mp4"
    assert set(query) == {"Expires", "Signature", "Key-Pair-Id"}
    assert query["Key-Pair-Id"] == "K2JCJMDEHXQW5F"
    assert int(query["Expires"]) == int(NOW) + TTL_S
    canned = (
        f'{{"Statement":[{{"Resource":"{resource}",'
        f'"Condition":{{"DateLessThan":{{"AWS:EpochTime":{int(NOW) + TTL_S}}}}}}}]}}'
    )
    verify(key, query["Signature"], canned.encode())
    assert not set(query["Signature"]) & set("+=/")  # CloudFront's alphabet: - _ ~
    with pytest.raises(InvalidSignature):
        verify(key, query["Signature"], canned.replace("clip.mp4", "other.mp4").encode())


def test_a_folder_shares_one_custom_policy_with_a_wildcard(cloudfront, key):
    sign = playback_urls.folder_signer(settings().media_bucket, "clips/ch/rec/c1/hls", now=NOW)
    first, second = sign("seg0.ts"), sign("seg1.ts")

    assert first.startswith("https://d111111abcdef8.cloudfront.net/clips/ch/rec/c1/hls/seg0.ts?")
    assert first.split("?")[1] == second.split("?")[1]  # one signature for the playlist
    query = {k: v[0] for k, v in parse_qs(urlsplit(first).query).items()}
    policy = cloudfront_b64decode(query["Policy"])
    statement = json.loads(policy)["Statement"][0]
    assert statement["Resource"] == "https://d111111abcdef8.cloudfront.net/clips/ch/rec/c1/hls/*"
    assert statement["Condition"]["DateLessThan"]["AWS:EpochTime"] == int(NOW) + TTL_S
    verify(key, query["Signature"], policy)


def test_other_buckets_and_no_domain_get_s3_presigned_urls(cloudfront, monkeypatch):
    calls = []
    monkeypatch.setattr(
        playback_urls.s3, "signed_url", lambda b, k, ttl_s: calls.append((b, k, ttl_s)) or "s3"
    )
    assert playback_urls.signed_url("liveclips-recordings", "ivs/x.ts", now=NOW) == "s3"
    monkeypatch.delenv("LIVECLIPS_CLOUDFRONT_DOMAIN")
    settings.cache_clear()
    playback_urls.reset()
    assert playback_urls.signed_url(settings().media_bucket, "clips/a.mp4") == "s3"
    assert calls == [
        ("liveclips-recordings", "ivs/x.ts", TTL_S),
        (settings().media_bucket, "clips/a.mp4", TTL_S),
    ]


def test_a_domain_without_a_key_fails_loudly(cloudfront, monkeypatch):
    monkeypatch.delenv("LIVECLIPS_CLOUDFRONT_PRIVATE_KEY")
    settings.cache_clear()
    playback_urls.reset()
    with pytest.raises(playback_urls.SignerMisconfigured):
        playback_urls.signed_url(settings().media_bucket, "clips/a.mp4")
