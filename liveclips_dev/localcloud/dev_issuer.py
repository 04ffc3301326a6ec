"""The local identity provider: signs bearer tokens for the demo and the tests.

    python -m liveclips_dev.localcloud.dev_issuer --host 127.0.0.1 --port 8090

It holds one ES256 key, made at start (so a restart signs out every local token, as a
key rotation would), and serves what a real OpenID provider serves the API:
`GET /.well-known/jwks.json` and `GET /.well-known/openid-configuration`. Tokens come from
`POST /token {"user": "...", "role": "viewer|creator|moderator|admin", "ttl_s": 3600}`,
which only a local issuer offers (`liveclips auth token` calls it). Never deployed.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from liveclips_dev.localcloud.http_json import reply_json

ROLES = ("viewer", "creator", "moderator", "admin")
MAX_TTL_S = 24 * 3600


class Issuer:
    def __init__(self, issuer: str, audience: str) -> None:
        self.issuer = issuer
        self.audience = audience
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.key_id = uuid.uuid4().hex[:16]

    def jwks(self) -> dict[str, Any]:
        public = json.loads(ECAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.key_id, "use": "sig", "alg": "ES256"}]}

    def token(self, user: str, role: str, ttl_s: int, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user,
            "role": role,
            "jti": uuid.uuid4().hex,
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl_s,
        }
        return jwt.encode(claims, self._key, algorithm="ES256", headers={"kid": self.key_id})


def token_request_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["the body must be a JSON object"]
    found = []
    user = body.get("user")
    if not (isinstance(user, str) and 0 < len(user) <= 128 and user.isprintable()):
        found.append("user must be 1-128 printable characters")
    if body.get("role") not in ROLES:
        found.append(f"role must be one of {', '.join(ROLES)}")
    ttl = body.get("ttl_s", 3600)
    if not (isinstance(ttl, int) and 1 <= ttl <= MAX_TTL_S):
        found.append(f"ttl_s must be an integer from 1 to {MAX_TTL_S}")
    return found


def handler_for(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/healthz":
                reply_json(self, 200, {"status": "ok"})
            elif self.path == "/.well-known/jwks.json":
                reply_json(self, 200, issuer.jwks())
            elif self.path == "/.well-known/openid-configuration":
                reply_json(
                    self,
                    200,
                    {
                        "issuer": issuer.issuer,
                        "jwks_uri": f"{issuer.issuer}/.well-known/jwks.json",
                        "id_token_signing_alg_values_supported": ["ES256"],
                    },
                )
            else:
                reply_json(self, 404, {"error": f"nothing at {self.path}"})

        def do_POST(self) -> None:
            if self.path != "/token":
                reply_json(self, 404, {"error": f"nothing at {self.path}"})
                return
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            except ValueError as error:
                reply_json(self, 400, {"error": f"the body is not JSON: {error}"})
                return
            found = token_request_problems(body)
            if found:
                reply_json(self, 400, {"error": "; ".join(found)})
                return
            ttl_s = body.get("ttl_s", 3600)
            token = issuer.token(body["user"], body["role"], ttl_s)
            reply_json(
                self, 200, {"access_token": token, "token_type": "Bearer", "expires_in": ttl_s}
            )

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="local identity provider (dev tokens)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The variables the API verifies with (liveclips/adapters/config.py), so the two always agree.
    issuer = Issuer(
        os.environ.get("LIVECLIPS_JWT_ISSUER", f"http://{args.host}:{args.port}"),
        os.environ.get("LIVECLIPS_JWT_AUDIENCE", "liveclips-api"),
    )
    ThreadingHTTPServer((args.host, args.port), handler_for(issuer)).serve_forever()


def request_token(issuer_url: str, user: str, role: str, ttl_s: int = 3600) -> str:
    """A token from a running local issuer (the CLI, the demo and the tests use this)."""
    answer = httpx.post(
        f"{issuer_url}/token", json={"user": user, "role": role, "ttl_s": ttl_s}, timeout=10
    )
    if answer.status_code != 200:
        raise ValueError(f"the local issuer refused: {answer.json().get('error', answer.text)}")
    return str(answer.json()["access_token"])


if __name__ == "__main__":
    main()
