"""Viewers' accounts through the API in-process, on the Spanner emulator and Redis:
sign-up, sign-in, refresh, sign-out, and one named test per attack on the tokens.

Our issuer's keys are made here (three RS256 keys with staggered `active_from`, as a
rotation leaves them); an external identity provider is a JWKS served over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from liveclips.adapters import spanner
from liveclips.adapters.config import settings
from liveclips.api import auth
from liveclips.api.app import app
from liveclips_dev.localcloud.dev_issuer import request_token

pytestmark = pytest.mark.integration
ISSUER = "https://accounts.liveclips.test"
AUDIENCE = "liveclips-api"
ME = "/v1/me/continue-watching"  # any signed-in user; reads only their own rows
PASSWORD = "a long and uncommon passphrase"  # noqa: S105 - a test account's


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class Keys:
    """Three keys as a rotation leaves them: `retired` was superseded long ago, `previous`
    minutes ago (its tokens still live), `current` signs."""

    def __init__(self) -> None:
        self.private = {
            kid: rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for kid in ("retired", "previous", "current")
        }
        now = datetime.now(UTC)
        self.active_from = {
            "retired": now - timedelta(days=2),
            "previous": now - timedelta(days=1),
            "current": now - timedelta(minutes=5),
        }

    def setting(self) -> str:
        return json.dumps(
            [
                {
                    "kid": k,
                    "private_key_pem": _pem(p),
                    "active_from": self.active_from[k].isoformat(),
                }
                for k, p in self.private.items()
            ]
        )

    def token(self, kid: str = "current", **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": AUDIENCE, "sub": str(uuid.uuid4()), "role": "viewer",
                   "sid": uuid.uuid4().hex, "jti": uuid.uuid4().hex, "iat": now, "nbf": now,
                   "exp": now + 600, **claims}  # fmt: skip
        return jwt.encode(payload, self.private[kid], algorithm="RS256", headers={"kid": kid})

    def public_pem(self, kid: str = "current") -> bytes:
        return (
            self.private[kid]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )


def _clear_caches() -> None:
    settings.cache_clear()
    auth._keys.cache_clear()
    auth._federated_keys.cache_clear()
    auth._verified.clear()


@pytest.fixture
def keys(emulators, monkeypatch) -> Iterator[Keys]:
    ring = Keys()
    monkeypatch.setenv("LIVECLIPS_ACCOUNTS_ISSUER", ISSUER)
    monkeypatch.setenv("LIVECLIPS_ACCOUNT_SIGNING_KEYS", ring.setting())
    monkeypatch.setenv("LIVECLIPS_JWT_AUDIENCE", AUDIENCE)
    # Limits are their own test's business: the others sign in often from one address.
    monkeypatch.setenv("LIVECLIPS_RATE_ACCOUNTS_IP_PER_S", "100000")
    monkeypatch.setenv("LIVECLIPS_RATE_ACCOUNTS_IP_BURST", "100000")
    _clear_caches()
    yield ring
    monkeypatch.undo()
    _clear_caches()


@pytest.fixture
def http(keys) -> TestClient:
    return TestClient(app)


def email() -> str:
    return f"viewer-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(http: TestClient, address: str, password: str = PASSWORD) -> dict[str, Any]:
    answer = http.post("/v1/accounts", json={"email": address, "password": password})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def sign_in(http: TestClient, address: str, password: str = PASSWORD) -> Any:
    return http.post("/v1/sessions", json={"email": address, "password": password})


def refresh(http: TestClient, refresh_token: str) -> Any:
    return http.post("/v1/sessions/refresh", json={"refresh_token": refresh_token})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(http: TestClient, token: str, path: str = ME) -> Any:
    return http.get(path, headers=bearer(token))


def code_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["detail"]["code"]


def users_with(address: str) -> list[dict[str, Any]]:
    return spanner.rows_by_column("SELECT UserId FROM Users WHERE Email = @email", email=address)


# --- sign-up, sign-in, refresh, sign-out -----------------------------------------------


def test_sign_up_makes_a_viewer_signed_in_with_a_fifteen_minute_token(http, keys):
    address = email()
    session = sign_up(http, address)
    assert get(http, session["access_token"]).status_code == 200
    claims = jwt.decode(session["access_token"], options={"verify_signature": False})
    header = jwt.get_unverified_header(session["access_token"])
    assert claims["exp"] - claims["iat"] == 900 and session["expires_in"] == 900
    assert header == {"alg": "RS256", "kid": "current", "typ": "JWT"}
    assert claims["sub"] == session["user_id"] and claims["role"] == "viewer"
    assert claims["sid"] == session["session_id"]
    assert [row["UserId"] for row in users_with(address)] == [session["user_id"]]
    stored = spanner.rows_by_column(
        "SELECT PasswordHash FROM PasswordCredentials WHERE UserId = @id", id=session["user_id"]
    )
    assert stored[0]["PasswordHash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored[0]["PasswordHash"]


def test_a_failed_sign_up_leaves_no_user(http, keys):
    address = email()
    weak = http.post("/v1/accounts", json={"email": address, "password": "password123"})
    assert code_of(weak) == (422, "invalid_account")
    assert "most common" in weak.json()["detail"]["message"]
    bad_email = http.post("/v1/accounts", json={"email": "not-an-email", "password": PASSWORD})
    assert code_of(bad_email) == (422, "invalid_account")
    assert users_with(address) == []


def test_a_second_account_with_the_same_email_is_refused(http, keys):
    address = email()
    first = sign_up(http, address)
    again = http.post("/v1/accounts", json={"email": address.upper(), "password": PASSWORD})
    assert code_of(again) == (409, "email_taken")
    assert [row["UserId"] for row in users_with(address)] == [first["user_id"]]


def test_sign_in_with_the_right_password_opens_a_new_session(http, keys):
    address = email()
    signed_up = sign_up(http, address)
    answer = sign_in(http, f"  {address.upper()} ")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    session = answer.json()
    assert session["user_id"] == signed_up["user_id"]
    assert session["session_id"] != signed_up["session_id"]
    assert get(http, session["access_token"]).status_code == 200


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer_in_about_the_same_time(
    http, keys
):
    address = email()
    sign_up(http, address)
    wrong_password, unknown_email = [], []
    for _ in range(3):
        started = time.perf_counter()
        wrong = sign_in(http, address, "not the password at all")
        wrong_password.append(time.perf_counter() - started)
        started = time.perf_counter()
        unknown = sign_in(http, email())
        unknown_email.append(time.perf_counter() - started)
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert wrong.json()["detail"]["code"] == "invalid_credentials"
    # Without the dummy hash an unknown email answers in a Spanner read (a few ms), an
    # order of magnitude before an argon2 verification would have finished.
    assert min(unknown_email) > 0.4 * min(wrong_password), (unknown_email, wrong_password)


def test_sign_in_is_rate_limited_per_email(http, keys, monkeypatch):
    monkeypatch.setenv("LIVECLIPS_RATE_SIGN_IN_EMAIL_PER_S", "0.001")
    monkeypatch.setenv("LIVECLIPS_RATE_SIGN_IN_EMAIL_BURST", "3")
    settings.cache_clear()
    target = email()
    for _ in range(3):
        assert code_of(sign_in(http, target, "guess")) == (401, "invalid_credentials")
    limited = sign_in(http, target, "guess")
    assert code_of(limited) == (429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    # Another email from the same address is still answered.
    assert code_of(sign_in(http, email(), "guess")) == (401, "invalid_credentials")


def test_sign_in_is_rate_limited_per_client_address(http, keys, monkeypatch):
    monkeypatch.setenv("LIVECLIPS_RATE_ACCOUNTS_IP_PER_S", "0.001")
    monkeypatch.setenv("LIVECLIPS_RATE_ACCOUNTS_IP_BURST", "2")
    settings.cache_clear()
    # A fresh address for this test alone (the limit is shared by every test's client).
    other = TestClient(app, client=(f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}", 1))
    for _ in range(2):
        assert sign_in(other, email(), "guess").status_code == 401
    assert code_of(sign_in(other, email(), "guess")) == (429, "rate_limited")


def test_refresh_rotates_both_tokens(http, keys):
    session = sign_up(http, email())
    answer = refresh(http, session["refresh_token"])
    assert answer.status_code == 200, answer.text
    rotated = answer.json()
    assert rotated["refresh_token"] != session["refresh_token"]
    assert rotated["access_token"] != session["access_token"]
    assert rotated["session_id"] == session["session_id"]
    assert get(http, rotated["access_token"]).status_code == 200
    assert refresh(http, rotated["refresh_token"]).status_code == 200


def test_reuse_of_a_rotated_refresh_token_revokes_its_whole_family(http, keys):
    address = email()
    stolen = sign_up(http, address)
    other_device = sign_in(http, address).json()
    legitimate = refresh(http, stolen["refresh_token"]).json()
    # The thief replays the copy they took before the rotation.
    reused = refresh(http, stolen["refresh_token"])
    assert code_of(reused) == (401, "refresh_token_reused")
    # The whole family is signed out: its latest refresh token and its access tokens.
    assert code_of(refresh(http, legitimate["refresh_token"])) == (401, "invalid_refresh_token")
    assert code_of(get(http, legitimate["access_token"])) == (401, "token_revoked")
    assert code_of(get(http, stolen["access_token"])) == (401, "token_revoked")
    # Another sign-in (another family) is untouched.
    assert get(http, other_device["access_token"]).status_code == 200
    assert refresh(http, other_device["refresh_token"]).status_code == 200


def test_two_concurrent_uses_of_one_refresh_token_rotate_once_and_revoke_the_family(http, keys):
    session = sign_up(http, email())
    answers: list[Any] = []
    barrier = threading.Barrier(2)

    def use() -> None:
        barrier.wait()
        answers.append(refresh(TestClient(app), session["refresh_token"]))

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 401], [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    assert code_of(refresh(http, winner["refresh_token"])) == (401, "invalid_refresh_token")


def test_a_forged_refresh_token_is_refused(http, keys):
    for forged in ("rt1." + "0" * 32 + ".0." + "A" * 43, "not-a-token"):
        assert code_of(refresh(http, forged)) == (401, "invalid_refresh_token")


def test_replay_of_an_access_token_after_sign_out_is_refused(http, keys):
    address = email()
    phone = sign_up(http, address)
    tablet = sign_in(http, address).json()
    out = http.delete("/v1/sessions/current", headers=bearer(phone["access_token"]))
    assert out.status_code == 200 and out.json() == {
        "user_id": phone["user_id"], "scope": "session", "sessions": 1,
    }  # fmt: skip
    assert code_of(get(http, phone["access_token"])) == (401, "token_revoked")
    assert code_of(refresh(http, phone["refresh_token"])) == (401, "invalid_refresh_token")
    assert get(http, tablet["access_token"]).status_code == 200
    assert refresh(http, tablet["refresh_token"]).status_code == 200


def test_sign_out_of_every_device(http, keys):
    address = email()
    devices = [sign_up(http, address), sign_in(http, address).json()]
    rotated = refresh(http, devices[1]["refresh_token"]).json()
    out = http.delete("/v1/sessions", headers=bearer(devices[0]["access_token"]))
    assert out.status_code == 200 and out.json()["scope"] == "all_sessions"
    assert out.json()["sessions"] == 2
    for device in (devices[0], rotated):
        assert code_of(get(http, device["access_token"])) == (401, "token_revoked")
        assert code_of(refresh(http, device["refresh_token"])) == (401, "invalid_refresh_token")
    time.sleep(1.1)  # iat has whole seconds: a sign-in after the cut-off second works
    again = sign_in(http, address).json()
    assert get(http, again["access_token"]).status_code == 200


# --- attacks on access tokens ----------------------------------------------------------


def test_an_expired_access_token_is_refused(http, keys):
    now = int(time.time())
    expired = keys.token(iat=now - 1000, nbf=now - 1000, exp=now - 100)
    assert code_of(get(http, expired)) == (401, "token_expired")


def test_a_token_for_another_audience_is_refused(http, keys):
    assert code_of(get(http, keys.token(aud="someone-elses-api"))) == (401, "invalid_token")


def test_a_token_of_an_untrusted_issuer_is_refused(http, keys):
    # Signed with our own key, but claiming an issuer we do not trust.
    answer = get(http, keys.token(iss="https://evil.example"))
    assert code_of(answer) == (401, "invalid_token")
    assert "not trusted" in answer.json()["detail"]["message"]


def test_a_token_claiming_the_dev_issuer_but_signed_with_our_key_is_refused(http, keys):
    # Keys are chosen by issuer: our key cannot vouch for another issuer's tokens.
    forged = keys.token(iss=settings().jwt_issuer)
    assert code_of(get(http, forged)) == (401, "invalid_token")


def test_alg_none_is_refused(http, keys):
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    genuine = jwt.decode(keys.token(role="admin"), options={"verify_signature": False})
    for alg in ("none", "None", "NONE"):
        unsigned = f"{part({'alg': alg, 'kid': 'current', 'typ': 'JWT'})}.{part(genuine)}."
        answer = get(http, unsigned)
        assert code_of(answer) == (401, "invalid_token"), alg
        assert "not accepted" in answer.json()["detail"]["message"]


def test_rs_hs_key_confusion_is_refused(http, keys):
    """HS256 'signed' with our published public key as the HMAC secret."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = jwt.decode(keys.token(role="admin"), options={"verify_signature": False})
    signing_input = f"{part({'alg': 'HS256', 'kid': 'current', 'typ': 'JWT'})}.{part(claims)}"
    for secret in (keys.public_pem(), http.get("/.well-known/jwks.json").text.encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
        answer = get(http, forged)
        assert code_of(answer) == (401, "invalid_token")
        assert "'HS256' is not accepted" in answer.json()["detail"]["message"]


def test_a_token_with_a_tampered_payload_is_refused(http, keys):
    header, _, signature = keys.token().split(".")
    claims = jwt.decode(keys.token(), options={"verify_signature": False})
    admin = base64.urlsafe_b64encode(json.dumps({**claims, "role": "admin"}).encode())
    assert code_of(get(http, f"{header}.{admin.rstrip(b'=').decode()}.{signature}")) == (
        401,
        "invalid_token",
    )


def test_a_revoked_key_stops_its_tokens_at_once(http, keys, monkeypatch):
    token = keys.token("current")
    assert get(http, token).status_code == 200  # verified once: cached by the API
    monkeypatch.setenv("LIVECLIPS_ACCOUNT_REVOKED_KIDS", '["current"]')
    settings.cache_clear()
    answer = get(http, token)
    assert code_of(answer) == (401, "invalid_token")
    assert "revoked" in answer.json()["detail"]["message"]
    published = [k["kid"] for k in http.get("/.well-known/jwks.json").json()["keys"]]
    assert "current" not in published
    # New sessions are signed with the newest key still trusted.
    session = sign_up(http, email())
    assert jwt.get_unverified_header(session["access_token"])["kid"] == "previous"
    assert get(http, session["access_token"]).status_code == 200


def test_a_retired_key_is_refused_and_a_superseded_one_still_verifies(http, keys):
    retired = get(http, keys.token("retired"))
    assert code_of(retired) == (401, "invalid_token")
    assert "retired" in retired.json()["detail"]["message"]
    # Superseded five minutes ago: tokens it signed are still within their lifetime.
    assert get(http, keys.token("previous")).status_code == 200


def test_an_unknown_kid_is_refused(http, keys):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(keys.token(), options={"verify_signature": False})
    for kid in ("somebody-elses", "current"):
        forged = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": kid})
        assert code_of(get(http, forged)) == (401, "invalid_token"), kid


def test_the_jwks_publishes_every_live_key_and_verifies_our_tokens(http, keys):
    answer = http.get("/.well-known/jwks.json")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=300"
    published = {k["kid"]: k for k in answer.json()["keys"]}
    assert sorted(published) == ["current", "previous"]
    assert all(k["alg"] == "RS256" and k["use"] == "sig" and "d" not in k
               for k in published.values())  # fmt: skip
    session = sign_up(http, email())
    key = RSAAlgorithm.from_jwk(json.dumps(published["current"]))
    claims = jwt.decode(session["access_token"], key, algorithms=["RS256"], audience=AUDIENCE,  # type: ignore[arg-type]
                        issuer=ISSUER)  # fmt: skip
    assert claims["sub"] == session["user_id"]


def test_tokens_of_the_dev_issuer_still_work(http, keys):
    token = request_token(settings().jwt_issuer, f"dev-{uuid.uuid4().hex[:6]}", "viewer")
    assert get(http, token).status_code == 200
    out = http.delete("/v1/sessions/current", headers=bearer(token))
    assert out.status_code == 200 and out.json()["sessions"] == 0
    assert code_of(get(http, token)) == (401, "token_revoked")


# --- federation ------------------------------------------------------------------------


class Provider:
    """An external identity provider (Cognito, Firebase, Auth0 alike): a JWKS over HTTP."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"idp-{uuid.uuid4().hex[:8]}"
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        body = json.dumps({"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]})

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, subject: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": "our-app-client", "sub": subject, "iat": now,
                   "exp": now + 3600, "email": f"{subject}@idp.example", **claims}  # fmt: skip
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def idp(keys, monkeypatch) -> Iterator[Provider]:
    provider = Provider()
    federated = [{"issuer": provider.url, "jwks_url": f"{provider.url}/.well-known/jwks.json",
                  "audience": "our-app-client"}]  # fmt: skip
    monkeypatch.setenv("LIVECLIPS_FEDERATED_ISSUERS", json.dumps(federated))
    _clear_caches()
    yield provider
    provider.server.shutdown()


def test_an_external_subject_maps_to_one_user_of_ours(http, idp):
    subject = f"ext-{uuid.uuid4().hex[:8]}"
    # Two tokens (Firebase's carry no jti: each is named by its digest), one person.
    first = http.delete("/v1/sessions/current", headers=bearer(idp.token(subject, nonce="1")))
    second = http.delete("/v1/sessions/current", headers=bearer(idp.token(subject, nonce="2")))
    assert first.status_code == second.status_code == 200, first.text
    user_id = first.json()["user_id"]
    assert second.json()["user_id"] == user_id and user_id != subject
    uuid.UUID(user_id)
    linked = spanner.rows_by_column(
        "SELECT UserId, Email FROM FederatedIdentities WHERE Issuer = @iss AND Subject = @sub",
        iss=idp.url,
        sub=subject,
    )
    assert linked == [{"UserId": user_id, "Email": f"{subject}@idp.example"}]
    assert spanner.rows_by_column("SELECT Role FROM Users WHERE UserId = @id", id=user_id) == [
        {"Role": "viewer"}
    ]


def test_an_external_provider_cannot_grant_itself_a_role(http, idp):
    admin_claim = idp.token(f"ext-{uuid.uuid4().hex[:8]}", role="admin")
    answer = http.post("/v1/admin/users/someone/revoke-tokens", headers=bearer(admin_claim))
    assert code_of(answer) == (403, "forbidden")


def test_an_external_token_for_another_audience_is_refused(http, idp):
    token = idp.token(f"ext-{uuid.uuid4().hex[:8]}", aud="another-app")
    assert code_of(get(http, token)) == (401, "invalid_token")


def test_an_external_token_signed_with_our_key_is_refused(http, idp, keys):
    # Our key, the provider's issuer: keys are chosen by issuer, so this cannot verify.
    forged = keys.token(iss=idp.url, aud="our-app-client")
    assert code_of(get(http, forged)) == (401, "invalid_token")
