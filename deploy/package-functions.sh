#!/usr/bin/env bash
# The Cloud Functions source zip (docs/deploy.md, step 5), from the committed tree: what
# deploy/artefacts.toml [functions] lists, requirements.txt = the runtime lock, and a root
# main.py re-exporting functions/gcp/main.py. Cloud Functions loads main.py from the
# source root and puts that root on sys.path, which the package imports need.
# Usage: deploy/package-functions.sh [OUT.zip]; prints the zip's path.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-out/functions-$(git rev-parse --short HEAD).zip}")"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# What ships: deploy/artefacts.toml [functions], the one list (ADR 0013).
mapfile -t paths < <(python3 -c '
import tomllib
for path in tomllib.load(open("deploy/artefacts.toml", "rb"))["functions"]["paths"]:
    print(path.rstrip("/"))')
git archive HEAD "${paths[@]}" | tar -x -C "$stage"
cp "$(python3 -c 'import tomllib; print(tomllib.load(open("deploy/artefacts.toml", "rb"))["functions"]["requirements"])')" \
    "$stage/requirements.txt"
cat > "$stage/main.py" <<'PY'
"""Cloud Functions' entry file: every entry point of functions/gcp/main.py."""

from functions.gcp.main import *  # noqa: F403
PY

mkdir -p "$(dirname "$out")"
rm -f "$out"
python3 - "$stage" "$out" <<'PY'
import sys, zipfile
from pathlib import Path

stage, out = Path(sys.argv[1]), sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        archive.write(path, path.relative_to(stage).as_posix())
PY
echo "$out"
