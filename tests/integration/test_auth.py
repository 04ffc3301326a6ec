"""Bearer-token verification, revocation, rate limits and body limits, through the API
in-process against Redis, with signing keys served over HTTP as a real provider does."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from typer.testing import CliRunner

from liveclips.adapters.config import settings
from liveclips.api import auth
from liveclips.api.app import app
from liveclips_dev.cli.main import app as cli

pytestmark = pytest.mark.integration
AUDIENCE = "liveclips-api"
ME = "/v1/me/continue-watching"  # any signed-in user; reads only their own rows


class Provider:
    """An identity provider: keys published as a JWKS over HTTP, tokens signed with them."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.published: list[dict[str, Any]] = []
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                body = json.dumps({"keys": provider.published}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add_key(self, kind: str) -> str:
        kid = f"{kind}-{uuid.uuid4().hex[:8]}"
        if kind == "ES256":
            key: Any = ec.generate_private_key(ec.SECP256R1())
            public = json.loads(ECAlgorithm.to_jwk(key.public_key()))
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        self.keys[kid] = (kind, key)
        self.published.append({**public, "kid": kid, "alg": kind, "use": "sig"})
        return kid

    def token(self, kid: str, user: str = "ana", role: str = "viewer", **claims: Any) -> str:
        kind, key = self.keys[kid]
        now = int(time.time())
        payload = {"iss": self.url, "aud": AUDIENCE, "sub": user, "role": role,
                   "jti": uuid.uuid4().hex, "iat": now, "exp": now + 600, **claims}  # fmt: skip
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key, algorithm=kind, headers={"kid": kid})


@pytest.fixture
def provider(emulators, monkeypatch) -> Iterator[Provider]:
    idp = Provider()
    monkeypatch.setenv("LIVECLIPS_JWT_ISSUER", idp.url)
    monkeypatch.setenv("LIVECLIPS_JWT_JWKS_URL", f"{idp.url}/.well-known/jwks.json")
    monkeypatch.setenv("LIVECLIPS_JWT_AUDIENCE", AUDIENCE)
    settings.cache_clear()
    auth._keys.cache_clear()
    yield idp
    idp.server.shutdown()
    monkeypatch.undo()
    settings.cache_clear()
    auth._keys.cache_clear()


@pytest.fixture
def http(provider) -> TestClient:
    return TestClient(app)


def get(http: TestClient, token: str, path: str = ME) -> Any:
    return http.get(path, headers={"Authorization": f"Bearer {token}"})


def code_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["detail"]["code"]


@pytest.mark.parametrize("kind", ["ES256", "RS256"])
def test_a_token_signed_by_a_published_key_is_accepted(provider, http, kind):
    kid = provider.add_key(kind)
    assert get(http, provider.token(kid)).status_code == 200


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"exp": lambda: int(time.time()) - 120}, "token_expired"),
        ({"aud": "someone-else"}, "invalid_token"),
        ({"iss": "https://evil.example"}, "invalid_token"),
        ({"jti": None}, "invalid_token"),
        ({"iat": None}, "invalid_token"),
        ({"role": "superuser"}, "invalid_token"),
        ({"role": None}, "invalid_token"),
        ({"sub": ""}, "invalid_token"),
        ({"nbf": lambda: int(time.time()) + 600}, "invalid_token"),
    ],
)
def test_a_token_with_a_bad_claim_is_refused_naming_why(provider, http, claims, expected):
    # Times are taken when the test runs, not when it was collected: a long session would
    # otherwise have moved past a "future" nbf before it gets here.
    claims = {k: v() if callable(v) else v for k, v in claims.items()}
    kid = provider.add_key("ES256")
    assert code_of(get(http, provider.token(kid, **claims))) == (401, expected)


def test_clock_skew_within_the_leeway_is_tolerated(provider, http):
    kid = provider.add_key("ES256")
    leeway = settings().jwt_leeway_s
    just_expired = provider.token(kid, exp=int(time.time()) - leeway // 2)
    not_yet_valid = provider.token(kid, nbf=int(time.time()) + leeway // 2)
    assert get(http, just_expired).status_code == 200
    assert get(http, not_yet_valid).status_code == 200


def test_forged_tokens_are_refused(provider, http):
    kid = provider.add_key("RS256")
    good = provider.token(kid)
    header, _payload, signature = good.split(".")
    admin_claims = jwt.utils.base64url_encode(
        json.dumps(
            {**jwt.decode(good, options={"verify_signature": False}), "role": "admin"}
        ).encode()
    ).decode()
    tampered = f"{header}.{admin_claims}.{signature}"
    unsigned = jwt.encode({"sub": "ana", "role": "admin"}, None, algorithm="none",
                          headers={"kid": kid})  # fmt: skip
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    foreign = jwt.encode({**jwt.decode(good, options={"verify_signature": False})},
                         stranger_key, algorithm="RS256", headers={"kid": kid})  # fmt: skip
    for forged in (tampered, unsigned, foreign, "not-a-jwt", good + "x"):
        assert code_of(get(http, forged)) == (401, "invalid_token"), forged


def test_a_new_signing_key_is_picked_up_without_a_restart(provider, monkeypatch):
    monkeypatch.setenv("LIVECLIPS_JWT_JWKS_REFETCH_COOLDOWN_S", "0")
    settings.cache_clear()
    auth._keys.cache_clear()
    http = TestClient(app)
    first = provider.add_key("ES256")
    assert get(http, provider.token(first)).status_code == 200
    rotated = provider.add_key("ES256")  # published after the API cached the key set
    answer = get(http, provider.token(rotated))
    assert answer.status_code == 200, answer.text
    assert provider.fetches == 2


def test_sign_out_revokes_only_that_token(provider, http):
    kid = provider.add_key("ES256")
    user = f"u-{uuid.uuid4().hex[:6]}"
    phone, tablet = provider.token(kid, user=user), provider.token(kid, user=user)
    answer = http.post("/v1/auth/logout", headers={"Authorization": f"Bearer {phone}"})
    assert answer.status_code == 200 and answer.json()["scope"] == "token"
    assert code_of(get(http, phone)) == (401, "token_revoked")
    assert get(http, tablet).status_code == 200


def test_an_admin_revokes_every_token_a_user_holds(provider, http):
    kid = provider.add_key("ES256")
    user = f"u-{uuid.uuid4().hex[:6]}"
    leaked = provider.token(kid, user=user)
    admin = provider.token(kid, user="root", role="admin")
    viewer = provider.token(kid, user="nosy", role="viewer")
    path = f"/v1/admin/users/{user}/revoke-tokens"
    assert code_of(http.post(path, headers={"Authorization": f"Bearer {viewer}"})) == (
        403,
        "forbidden",
    )
    assert get(http, leaked).status_code == 200
    assert http.post(path, headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    assert code_of(get(http, leaked)) == (401, "token_revoked")
    time.sleep(1.1)  # iat has whole seconds: a sign-in after the cut-off second is valid
    assert get(http, provider.token(kid, user=user)).status_code == 200


def test_missing_or_malformed_credentials_are_401_with_a_challenge(provider, http):
    for headers in ({}, {"Authorization": "Basic YTpi"}, {"Authorization": "Bearer"}):
        answer = http.get(ME, headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["www-authenticate"] == "Bearer"


def test_a_user_over_the_rate_limit_gets_429_with_retry_after(provider, monkeypatch):
    monkeypatch.setenv("LIVECLIPS_RATE_USER_PER_S", "1")
    monkeypatch.setenv("LIVECLIPS_RATE_USER_BURST", "3")
    settings.cache_clear()
    http = TestClient(app)
    kid = provider.add_key("ES256")
    busy, calm = (provider.token(kid, user=f"{n}-{uuid.uuid4().hex[:6]}") for n in "bc")
    answers = [get(http, busy) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["detail"]["code"] == "rate_limited"
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert get(http, calm).status_code == 200  # the limit is per user
    time.sleep(1.05)
    assert get(http, busy).status_code == 200  # and refills at the sustained rate


def test_an_address_guessing_tokens_is_slowed_down(provider, monkeypatch):
    monkeypatch.setenv("LIVECLIPS_RATE_IP_PER_S", "1")
    monkeypatch.setenv("LIVECLIPS_RATE_IP_BURST", "2")
    monkeypatch.setenv("LIVECLIPS_TRUST_FORWARDED_FOR", "true")
    settings.cache_clear()
    http = TestClient(app)
    address = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250}"}
    answers = [http.get(ME, headers={**address, "Authorization": "Bearer nope"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]


def test_bodies_over_the_limit_are_413_declared_or_streamed(provider, http):
    kid = provider.add_key("ES256")
    headers = {"Authorization": f"Bearer {provider.token(kid)}", "Content-Type": "application/json"}
    too_big = b'{"events": [' + b" " * settings().max_body_bytes + b"]}"
    declared = http.post("/v1/events", content=too_big, headers=headers)
    streamed = http.post("/v1/events", content=iter([too_big[:1000], too_big[1000:]]),
                         headers=headers)  # fmt: skip
    for answer in (declared, streamed):
        assert code_of(answer) == (413, "payload_too_large")


def test_validation_errors_carry_a_code_and_name_the_field(provider, http):
    kid = provider.add_key("ES256")
    answer = http.get(ME, params={"limit": 0},
                      headers={"Authorization": f"Bearer {provider.token(kid)}"})  # fmt: skip
    detail = answer.json()["detail"]
    assert (answer.status_code, detail["code"]) == (422, "invalid_request")
    assert "limit" in detail["message"] and detail["errors"][0]["loc"] == ["query", "limit"]


def test_the_cli_prints_a_token_the_api_accepts_with_its_role(emulators, local_cloud):
    runner = CliRunner()
    args = ["auth", "token", "--user", "cli-ana", "--state-dir", str(local_cloud.state_dir)]
    creator = runner.invoke(cli, [*args, "--role", "creator"])
    refused = runner.invoke(cli, [*args, "--role", "owner"])

    assert creator.exit_code == 0, creator.output
    token = creator.stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["sub"], claims["role"]) == ("cli-ana", "creator")
    http = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert http.get(ME).status_code == 200
    assert http.get("/v1/highlights/pending").status_code == 403  # a creator is not the team
    assert refused.exit_code == 1 and "role must be one of" in refused.stderr


def test_a_token_verified_earlier_still_expires_on_time(provider, http):
    kid = provider.add_key("ES256")
    # Valid now only thanks to the leeway; two seconds later it is not.
    almost = provider.token(kid, exp=int(time.time()) - settings().jwt_leeway_s + 2)
    assert get(http, almost).status_code == 200
    time.sleep(3)
    assert code_of(get(http, almost)) == (401, "token_expired")
