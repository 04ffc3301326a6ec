"""A small scanner for credentials committed by mistake (detect-secrets is not in the
lock file; these few rules cover the credentials this project handles).

Each rule names what it finds; `ALLOWED` lists every known stand-in value with the
reason it is not a secret, so a new finding is either a leak or a new stand-in that
someone must justify here.
"""

from __future__ import annotations

import math
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

RULES: dict[str, re.Pattern[str]] = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    "OpenAI API key": re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "JSON Web Token": re.compile(
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"
    ),
}
# A long random-looking value given to a name that says it is a credential.
_ASSIGNED = re.compile(
    r"(?i)(?:secret|passw(?:or)?d|token|api_?key|access_?key|private_?key|signing_?key|credential)"
    r"\w*['\"]?\s*[:=]\s*[rbf]?['\"]([^'\"\s]{20,})['\"]"
)
MIN_ENTROPY_BITS = 3.5  # per character: hex digests reach 4, English words about 3

ALLOWED: dict[str, str] = {
    "sk-local-standin": (
        "the OpenAI stand-in's key (liveclips_dev/localcloud/openai_standin.py), not OpenAI's"
    ),
    "sk-not-the-standins-key": "a wrong key the stand-in must refuse (test_openai_moderation)",
    "eyJhbGciOiJSUzI1NiJ9.google-id-token.sig": "a made-up token for the STS stand-in",
}
# Files that hold the scanner's own rules and planted examples, not credentials.
SCANNER_FILES = frozenset(
    {"tests/security/secret_scan.py", "tests/security/test_security_secrets.py"}
)
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    value: str

    def __str__(self) -> str:
        # Never print the whole value: the report may end up in a public CI log.
        return f"{self.path}:{self.line}: {self.rule}: {self.value[:8]}..."


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random_looking(value: str) -> bool:
    # Interpolations, URLs and names ("openai-api-key", a secret's id) are not values.
    if any(mark in value for mark in ("${", "{{", "$(", "://", "urn:")):
        return False
    has_both = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    return has_both and entropy(value) >= MIN_ENTROPY_BITS


def scan_text(path: str, text: str) -> list[Finding]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for rule, pattern in RULES.items():
            found += [Finding(path, number, rule, m.group()) for m in pattern.finditer(line)]
        for match in _ASSIGNED.finditer(line):
            value = match.group(1)
            if _random_looking(value):
                found.append(Finding(path, number, "high-entropy credential", value))
    return [f for f in found if f.value not in ALLOWED]


def scan_file(root: Path, relative: str) -> list[Finding]:
    path = root / relative
    if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
        return []
    data = path.read_bytes()
    if b"\0" in data:
        return []  # binary: media fixtures, images
    return scan_text(relative, data.decode(errors="replace"))


def tracked_files(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and name not in SCANNER_FILES]


def scan_repository(root: Path) -> list[Finding]:
    return [finding for name in tracked_files(root) for finding in scan_file(root, name)]
