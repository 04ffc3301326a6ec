"""The README and docs name the code where it is: every Python path or module they mention
exists (a move that forgets the docs fails here)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "terraform/README.md"]
PACKAGES = r"(?:liveclips|liveclips_dev|functions|clip_workers|pipelines|bench|deploy)"
PATH = re.compile(rf"(?<![\w/.-]){PACKAGES}/[\w/]+\.py\b")
MODULE = re.compile(rf"python -m ({PACKAGES}(?:\.\w+)+)")
# The old top-level packages (ADR 0013): none of them may come back in the docs.
OLD = re.compile(
    r"(?<![\w/.-])(?:adapters|api|cli|domain|evaluation|localcloud|media|moderation_worker"
    r"|services|studio)/\w+\.py\b|python -m (?:schemas|localcloud|api|cli|evaluation)\."
)


def test_every_path_and_module_the_docs_name_exists() -> None:
    missing = []
    for doc in DOCS:
        text = doc.read_text()
        missing += [f"{doc.name}: {p}" for p in PATH.findall(text) if not (ROOT / p).exists()]
        for module in MODULE.findall(text):
            path = ROOT / module.replace(".", "/")
            if not (path.with_suffix(".py").exists() or (path / "__init__.py").exists()):
                missing.append(f"{doc.name}: python -m {module}")
    assert missing == []


def test_no_doc_names_the_old_layout() -> None:
    # ADR 0013 describes the old layout on purpose.
    stale = [
        f"{doc.name}: {m}"
        for doc in DOCS
        if doc.name != "0013-package-layout.md"
        for m in OLD.findall(doc.read_text())
    ]
    assert stale == []
