"""deploy/aws_web_identity.py: boto3 on GCP gets AWS credentials from the service
account's ID token, through stand-ins of the metadata server and AWS STS on loopback."""

from __future__ import annotations

import sys
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import botocore.session
import pytest

from deploy import aws_web_identity

SCRIPT = Path(aws_web_identity.__file__)
ROLE = "arn:aws:iam::123456789012:role/liveclips-gcp-api"
ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.google-id-token.sig"  # noqa: S105  # a made-up token for the stand-in
EXPIRES = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
# The shape of AWS's documented AssumeRoleWithWebIdentity answer.
STS_ANSWER = f"""<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>104567890123456789012</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/liveclips-gcp-api/api</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:api</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>session-token-EXAMPLE</SessionToken>
      <SecretAccessKey>secret-EXAMPLE</SecretAccessKey>
      <Expiration>{EXPIRES}</Expiration>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-EXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"""


class _StandIn(BaseHTTPRequestHandler):
    """GET /identity: the metadata server; POST /sts: AWS STS. Refuses anything else."""

    def do_GET(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        ok = (
            self.path.startswith("/identity?")
            and self.headers.get("Metadata-Flavor") == "Google"
            and query.get("audience") == [aws_web_identity.AUDIENCE]
        )
        self._answer(200 if ok else 403, ID_TOKEN if ok else "no")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        ok = (
            self.path == "/sts"
            and form.get("Action") == ["AssumeRoleWithWebIdentity"]
            and form.get("RoleArn") == [ROLE]
            and form.get("WebIdentityToken") == [ID_TOKEN]
            and form.get("RoleSessionName") == ["api"]
        )
        self._answer(200 if ok else 403, STS_ANSWER if ok else "<Error/>")

    def _answer(self, status: int, body: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = tmp_path / "aws-config"
    # deploy/aws-config names /workspace; here the same script runs from the repo.
    config.write_text(f"[default]\ncredential_process = {sys.executable} {SCRIPT}\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("LIVECLIPS_AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("LIVECLIPS_AWS_STS_URL", f"{base}/sts")
    monkeypatch.setenv("LIVECLIPS_GCP_METADATA_IDENTITY_URL", f"{base}/identity")
    monkeypatch.setenv("K_SERVICE", "api")
    yield config
    server.shutdown()


def test_boto3_gets_the_roles_credentials_from_the_id_token(stand_in: Path) -> None:
    credentials = botocore.session.Session().get_credentials()
    assert credentials is not None
    frozen = credentials.get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        "ASIAEXAMPLE",
        "secret-EXAMPLE",
        "session-token-EXAMPLE",
    )


def test_an_answer_without_credentials_is_an_error() -> None:
    with pytest.raises(ValueError, match="no Credentials"):
        aws_web_identity.credentials_from_sts(b"<AssumeRoleWithWebIdentityResponse/>")


@pytest.mark.parametrize(
    ("service", "session"),
    [
        ("clip-worker", "clip-worker"),
        ("a b/c", "a-b-c"),
        ("x", "liveclips-gcp"),
        ("s" * 80, "s" * 64),
    ],
)
def test_session_names_are_what_sts_accepts(service: str, session: str) -> None:
    assert aws_web_identity.session_name(service) == session
