"""What clients send back to the API as opaque strings: page cursors and bearer tokens.
Anything they send must end as the documented refusal (400 invalid_cursor, 401), never a
500: a crash on a forged token would be a way to probe the verifier."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from fastapi import HTTPException
from hypothesis import example, given
from hypothesis import strategies as st

from liveclips.adapters.config import settings
from liveclips.api import auth, cursors
from liveclips.domain.feed_cursor import (
    FeedCursor,
    InvalidCursor,
    SearchCursor,
    decode_feed,
    decode_search,
    encode_feed,
    encode_search,
)
from tests.fuzz.inputs import FUZZ, json_values, nasty_text
from tests.integration.test_auth import AUDIENCE, Provider

b64url = st.binary(max_size=120).map(lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="))
real_cursors = st.one_of(
    st.builds(lambda o: encode_feed(FeedCursor("0" * 32, o)), st.integers(0, 100_000)),
    st.builds(lambda o: encode_search(SearchCursor(1, o, "a" * 16)), st.integers(0, 100_000)),
    st.builds(
        lambda t, i: cursors.encode(created_at=t, id=i), st.floats(allow_nan=False), st.text()
    ),
)


@st.composite
def mangled(draw: st.DrawFn, real: st.SearchStrategy[str]) -> str:
    text = draw(real)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.text(max_size=3)) + text[at + draw(st.integers(0, 3)) :]


cursor_texts = st.one_of(nasty_text, b64url, real_cursors, mangled(real_cursors))


@FUZZ
@given(cursor_texts)
@example("abcd\n")
def test_feed_and_search_cursors_decode_or_are_invalid(text):
    for decode in (decode_feed, decode_search):
        try:
            decoded = decode(text)
        except InvalidCursor:
            continue
        assert decoded.offset >= 0


def api_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@FUZZ
@given(
    st.one_of(
        cursor_texts,
        json_values.map(api_cursor),
        st.fixed_dictionaries({"created_at": json_values, "id": json_values}).map(api_cursor),
    )
)
def test_keyset_cursors_decode_or_are_a_400(text):
    try:
        keyset = cursors.decode(text, created_at=float, id=str)
    except HTTPException as refusal:
        assert refusal.status_code == 400
        assert refusal.detail["code"] == "invalid_cursor"
        return
    assert set(keyset) == {"created_at", "id"}


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[Provider, str]]:
    idp = Provider()
    kid = idp.add_key("ES256")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIVECLIPS_JWT_ISSUER", idp.url)
        patch.setenv("LIVECLIPS_JWT_JWKS_URL", f"{idp.url}/.well-known/jwks.json")
        patch.setenv("LIVECLIPS_JWT_AUDIENCE", AUDIENCE)
        settings.cache_clear()
        auth._keys.cache_clear()
        yield idp, kid
    idp.server.shutdown()
    settings.cache_clear()
    auth._keys.cache_clear()


def refused_with_401(token: str) -> bool:
    """True when verify refuses the token as documented; False when it accepts it."""
    try:
        auth.verify(token)
    except HTTPException as refusal:
        assert refusal.status_code == 401, refusal.detail
        assert refusal.detail["code"] in {"invalid_token", "token_expired"}
        return True
    return False


def test_a_real_token_is_accepted(provider):
    idp, kid = provider
    assert not refused_with_401(idp.token(kid))


@FUZZ
@given(st.data())
def test_mangled_tokens_are_a_401(provider, data):
    idp, kid = provider
    real = idp.token(kid)
    header, payload, signature = real.split(".")
    token = data.draw(
        st.one_of(
            nasty_text,
            st.builds(".".join, st.lists(b64url, min_size=1, max_size=4)),
            mangled(st.just(real)),
            # A valid header and signature around another payload, and the reverse.
            b64url.map(lambda p: f"{header}.{p}.{signature}"),
            b64url.map(lambda h: f"{h}.{payload}.{signature}"),
            json_values.map(lambda h: f"{api_cursor(h)}.{payload}.{signature}"),
            st.just(jwt.encode({"sub": "ana"}, key=None, algorithm="none")),
        )
    )
    if not refused_with_401(token):
        # Only a different spelling of the same signed bytes may pass (base64url's
        # unused bits in a segment's last character, which PyJWT ignores).
        assert [_bytes(part) for part in token.split(".")] == [
            _bytes(part) for part in real.split(".")
        ]


def _bytes(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


claims = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(json_values, st.integers(-(2**64), 2**64), st.floats())
        for name in ("exp", "iat", "nbf", "sub", "jti", "role", "aud", "iss")
    },
)


@FUZZ
@given(claims)
@example({"exp": 10**12})  # was a 500: the expiry is past the year 9999
@example({"iat": -(10**12)})  # was a 500: issued before the year 1
@example({"role": ["admin"]})  # was a 500: a list is not hashable
def test_tokens_the_provider_signed_with_odd_claims_are_accepted_or_a_401(provider, odd):
    idp, kid = provider
    # Signed as raw JSON: PyJWT's encoder would refuse some of these claims itself.
    payload = {**jwt.decode(idp.token(kid), options={"verify_signature": False}), **odd}
    kind, key = idp.keys[kid]
    token = jwt.PyJWS().encode(
        json.dumps(payload).encode(), key, algorithm=kind, headers={"kid": kid}
    )
    refused_with_401(token)
