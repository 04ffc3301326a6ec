"""No credential is committed: every file git tracks is scanned (tests/security/secret_scan.py
says what counts and which stand-in values are allowed, and why)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.security.secret_scan import ALLOWED, scan_file, scan_repository, tracked_files

ROOT = Path(__file__).resolve().parents[2]

# Assembled at run time so that this file itself holds none of them.
PLANTED = {
    "private key": "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n",
    "AWS access key id": "aws_access_key_id = " + "AKIA" + "Q3EGRIVUSJDKWN7X\n",
    "OpenAI API key": 'OPENAI_API_KEY="' + "sk-proj-" + 'Zq8xW3nB7yT2mK9vL4pR6sJ1\n"',
    "high-entropy credential": 'db_password = "' + "pX7#kQ2!vB9zR4mT8wL3nC6y" + '"\n',
    "JSON Web Token": "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9."
    + "eyJzdWIiOiJhbmEiLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJlLWJ5dGVz\n",
}


def test_the_repository_holds_no_credentials():
    findings = scan_repository(ROOT)
    assert not findings, "\n".join(str(f) for f in findings)


@pytest.mark.parametrize("rule", sorted(PLANTED))
def test_a_planted_credential_is_found(tmp_path, rule):
    (tmp_path / "leak.txt").write_text(f"# config\n{PLANTED[rule]}")
    findings = scan_file(tmp_path, "leak.txt")
    assert [(f.rule, f.line) for f in findings] == [(rule, 2)]
    assert PLANTED[rule].strip()[-6:] not in str(findings[0])  # reports never echo it


def test_a_planted_credential_in_a_tracked_file_fails_the_scan(tmp_path):
    git = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "settings.py").write_text("API_TOKEN = 'testing'\n" + PLANTED["AWS access key id"])
    (tmp_path / "untracked.py").write_text(PLANTED["private key"])
    subprocess.run([*git, "-C", str(tmp_path), "add", "settings.py"], check=True)
    assert [(f.path, f.rule) for f in scan_repository(tmp_path)] == [
        ("settings.py", "AWS access key id")
    ]


def test_every_allowed_value_is_explained_and_still_in_use():
    text = "\n".join(
        (ROOT / name).read_text(errors="replace")
        for name in tracked_files(ROOT)
        if name.endswith((".py", ".md")) and (ROOT / name).is_file()
    )
    for value, reason in ALLOWED.items():
        assert reason
        assert value in text, f"{value!r} is allowed but no longer used: drop it"
