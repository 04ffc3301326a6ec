"""The production artefacts, built as their tools build them from deploy/artefacts.toml:
the image's build context (.dockerignore), the Cloud Functions zip
(deploy/package-functions.sh) and the Lambda package (serverless.yml). None carries a dev
package, a stand-in or a dev dependency, and each has every module its code imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

import pytest

from liveclips_dev import artefacts
from tests.unit.test_package_layout import DEV_IMPORTS

ROOT = Path(__file__).resolve().parents[2]
OURS = frozenset({"liveclips", "functions", "clip_workers", "pipelines", "deploy"})
# Folders whose files are dev only, wherever an artefact would take them from.
DEV_FOLDERS = ("liveclips_dev/", "tests/", "bench/", "datasets/", "dashboards/", "docs/")
# Dev tools that must never be installed in production, by distribution name.
DEV_DISTRIBUTIONS = frozenset({
    "pytest", "pytest-timeout", "hypothesis", "mypy", "ruff", "schemathesis", "moto",
    "matplotlib", "typer", "rich", "grafana-foundation-sdk", "python-hcl2", "boto3-stubs",
    "playwright",
})  # fmt: skip


def pins(text: str) -> dict[str, str]:
    found = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "-r")):
            name, _, version = line.partition("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each artefact: its files (path -> text, for .py and requirements) as built."""
    tree = artefacts.tree_files()
    out: dict[str, dict[str, str]] = {}
    for name, files in (
        ("image", artefacts.image_context(tree)),
        ("lambda", artefacts.lambda_package(tree)),
    ):
        out[name] = {
            f: (ROOT / f).read_text() if f.endswith((".py", ".lock")) else "" for f in files
        }
        out[name]["<requirements>"] = (ROOT / artefacts.manifest()[name].requirements).read_text()
    zip_path = tmp_path_factory.mktemp("functions") / "functions.zip"
    import zipfile  # noqa: PLC0415

    artefacts.functions_bundle(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        out["functions"] = {
            n: archive.read(n).decode() if n.endswith((".py", ".txt")) else ""
            for n in archive.namelist()
        }
    out["functions"]["<requirements>"] = out["functions"]["requirements.txt"]
    return out


def test_the_ship_lists_are_written_from_the_one_manifest() -> None:
    assert artefacts.drifted() == [], "run python -m liveclips_dev.artefacts"


@pytest.mark.parametrize("name", ["image", "functions", "lambda"])
def test_no_dev_package_and_no_stand_in_inside(built: dict[str, dict[str, str]], name: str) -> None:
    files = built[name]
    assert [f for f in files if f.startswith(DEV_FOLDERS)] == []
    assert [f for f in files if "standin" in f or "localcloud" in f or "local_" in f] == []
    assert any(f.startswith("liveclips/") for f in files)


@pytest.mark.parametrize("name", ["image", "functions", "lambda"])
def test_no_dev_distribution_is_installed(built: dict[str, dict[str, str]], name: str) -> None:
    required = pins(built[name]["<requirements>"])
    assert not set(required) & DEV_DISTRIBUTIONS
    dev_only = set(pins((ROOT / "requirements-dev.lock").read_text())) - set(
        pins((ROOT / "requirements.lock").read_text())
    )
    assert dev_only, "the dev lock adds the tools"
    assert not set(required) & dev_only


def module_files(module: str) -> tuple[str, str]:
    path = module.replace(".", "/")
    return f"{path}.py", f"{path}/__init__.py"


@pytest.mark.parametrize("name", ["image", "functions", "lambda"])
def test_every_import_of_the_shipped_code_is_shipped_or_installed(
    built: dict[str, dict[str, str]], name: str
) -> None:
    files = built[name]
    # What each deployable starts from; their imports pull in the rest.
    roots = {
        "image": [
            "liveclips/api/app.py", "clip_workers/app.py", "liveclips/moderation_worker/app.py",
        ],
        "functions": ["main.py", "functions/gcp/main.py"],
        "lambda": [
            "functions/aws/ivs_bridge.py", "functions/aws/mediaconvert_bridge.py",
            "functions/aws/chat_review.py",
        ],
    }[name]  # fmt: skip
    seen: set[str] = set()
    todo = list(roots)
    missing = []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        assert path in files, f"{path} is not in the {name}"
        for node in ast.walk(ast.parse(files[path])):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
                modules += [f"{node.module}.{a.name}" for a in node.names]
            for module in modules:
                top = module.split(".")[0]
                assert top not in DEV_IMPORTS, f"{path} imports {module}"
                if top not in OURS:
                    continue
                found = [f for f in module_files(module) if f in files]
                if found:
                    todo.extend(found)
                    # a package's __init__ is imported on the way to its modules
                    parent = PurePosixPath(found[0]).parent
                    while str(parent) != ".":
                        if f"{parent}/__init__.py" in files:
                            todo.append(f"{parent}/__init__.py")
                        parent = parent.parent
                elif module == (node.module if isinstance(node, ast.ImportFrom) else module):
                    missing.append(f"{path}: {module}")
    assert missing == []
    assert len(seen) > 10


def test_the_image_installs_the_runtime_lock_only() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.lock" in dockerfile
    assert "requirements-dev" not in dockerfile
