"""The production artefacts as their tools build them, from deploy/artefacts.toml.

python -m liveclips_dev.artefacts          # rewrite .dockerignore and serverless.yml's patterns
python -m liveclips_dev.artefacts --check  # exit 1 if either drifted from deploy/artefacts.toml

Besides writing the two files, this reads them back the way Docker (.dockerignore) and the
Serverless Framework (package.patterns) do, so that a test can list the files each
artefact really gets (tests/unit/test_artefacts.py).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "deploy" / "artefacts.toml"
DOCKERIGNORE = ROOT / ".dockerignore"
SERVERLESS = ROOT / "serverless.yml"
# Never in any artefact, wherever it sits.
_NEVER = ("**/__pycache__", "**/*.pyc")


@dataclass(frozen=True)
class Artefact:
    name: str
    requirements: str
    paths: tuple[str, ...]


def manifest() -> dict[str, Artefact]:
    data = tomllib.loads(MANIFEST.read_text())
    return {
        name: Artefact(name, entry["requirements"], tuple(entry["paths"]))
        for name, entry in data.items()
    }


def dockerignore_text() -> str:
    image = manifest()["image"]
    allowed = [image.requirements, *image.paths]
    return "\n".join([
        "# Written by `python -m liveclips_dev.artefacts` from deploy/artefacts.toml [image]: an",
        "# allow-list, so the image never gets liveclips_dev, tests, credentials or local state.",
        "*",
        *(f"!{path}" for path in allowed),
        *_NEVER,
        "",
    ])  # fmt: skip


def serverless_patterns() -> list[str]:
    paths = manifest()["lambda"].paths
    return ["!**", *(f"{p}**" if p.endswith("/") else p for p in paths), "!**/__pycache__/**"]


_PATTERNS_BLOCK = re.compile(r"(?ms)^package:\n(?:  #[^\n]*\n)*  patterns:\n(?:    - [^\n]*\n)+")


def serverless_text() -> str:
    block = (
        "package:\n"
        "  # Written by `python -m liveclips_dev.artefacts` from deploy/artefacts.toml [lambda].\n"
        "  patterns:\n" + "".join(f'    - "{p}"\n' for p in serverless_patterns())
    )
    text = SERVERLESS.read_text()
    if not _PATTERNS_BLOCK.search(text):
        raise SystemExit("serverless.yml has no package.patterns block")
    return _PATTERNS_BLOCK.sub(lambda _: block, text, count=1)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Docker's and micromatch's globs as far as these files use them: `**` any depth,
    `*` within one path segment."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def _last_match_wins(rules: list[str], path: str, *, ignore_file: bool) -> bool:
    """Whether `path` is in: the last rule matching it decides. In an ignore file
    (.dockerignore) a rule excludes and "!" lets back in, and a rule matches the path's
    folders too; in Serverless' patterns a rule includes and "!" excludes, files only."""
    candidates = [path]
    if ignore_file:
        parts = path.split("/")
        candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    included = ignore_file
    for rule in rules:
        negated = rule.startswith("!")
        regex = _glob_regex(rule.removeprefix("!").rstrip("/"))
        if any(regex.match(c) for c in candidates):
            included = negated if ignore_file else not negated
    return included


def tree_files(root: Path = ROOT) -> list[str]:
    """The files a build on a fresh clone sees: tracked and new ones, not ignored ones."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return sorted(p for p in listed if (root / p).is_file())


def image_context(files: list[str]) -> list[str]:
    """What `docker build .` sends (and COPY . . copies), by .dockerignore's rules."""
    rules = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [f for f in files if _last_match_wins(rules, f, ignore_file=True)]


def lambda_package(files: list[str]) -> list[str]:
    """What `serverless package` zips of our code, by package.patterns."""
    import yaml  # type: ignore[import-untyped]  # noqa: PLC0415 - dev tool, read once

    class _Loader(yaml.SafeLoader):  # type: ignore[misc]  # yaml ships no annotations
        pass

    # CloudFormation's short tags (!GetAtt ...) mean nothing here.
    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load(SERVERLESS.read_text(), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    rules: list[str] = config["package"]["patterns"]
    return [f for f in files if _last_match_wins(rules, f, ignore_file=False)]


def functions_bundle(out: Path) -> list[str]:
    """Build the Cloud Functions zip with deploy/package-functions.sh; its member names."""
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "package-functions.sh"), str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with zipfile.ZipFile(out) as archive:
        return sorted(archive.namelist())


def drifted() -> list[str]:
    wrong = []
    if DOCKERIGNORE.read_text() != dockerignore_text():
        wrong.append(".dockerignore")
    if SERVERLESS.read_text() != serverless_text():
        wrong.append("serverless.yml")
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        for name in drifted():
            sys.stderr.write(f"{name} is out of date: run python -m liveclips_dev.artefacts\n")
        raise SystemExit(1 if drifted() else 0)
    DOCKERIGNORE.write_text(dockerignore_text())
    SERVERLESS.write_text(serverless_text())


if __name__ == "__main__":
    main()
