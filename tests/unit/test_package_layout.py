"""The house of ADR 0013: what the deployables run never imports dev code, the layers of
`liveclips` import each other one way only, and the domain stays pure."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Everything a production artefact may carry (deploy/artefacts.toml ships subsets of it).
RUNTIME_ROOTS = ("liveclips", "functions", "clip_workers", "pipelines", "deploy")
# Top-level imports no runtime module may make: our dev-only code (and the old names of
# its folders, should they come back) and the dev-only distributions.
DEV_IMPORTS = frozenset(
    {
        "liveclips_dev",
        "tests",
        "bench",
        "dashboards",
        "localcloud",
        "studio",
        "evaluation",
        "cli",
        "moto",
        "pytest",
        "hypothesis",
        "schemathesis",
        "mypy",
        "ruff",
        "matplotlib",
        "typer",
        "rich",
        "grafana_foundation_sdk",
        "hcl2",
        "gcloud_tasks_emulator",
        "playwright",
    }
)
# Imported only under TYPE_CHECKING (annotations, never at run time).
TYPING_ONLY = frozenset({"_typeshed", "mypy_boto3_s3", "mypy_boto3_dynamodb", "mypy_boto3_ivs"})
# The one way the layers of liveclips import each other: each may import those listed.
LAYERS: dict[str, frozenset[str]] = {
    "domain": frozenset({"errors"}),
    "contracts": frozenset({"domain", "resources", "errors"}),
    "resources": frozenset(),
    "errors": frozenset(),
    "settings": frozenset({"errors", "domain", "resources"}),
    "media": frozenset({"domain", "errors", "settings"}),
    "adapters": frozenset({"domain", "contracts", "media", "resources", "errors", "settings"}),
    "delivery": frozenset({"contracts", "adapters", "errors"}),
    "services": frozenset(
        {
            "domain",
            "contracts",
            "media",
            "adapters",
            "resources",
            "errors",
            "settings",
        }
    ),
    "api": frozenset(
        {
            "domain",
            "contracts",
            "media",
            "adapters",
            "services",
            "resources",
            "errors",
            "settings",
        }
    ),
    "moderation_worker": frozenset(
        {
            "domain",
            "contracts",
            "adapters",
            "services",
            "resources",
            "errors",
            "settings",
            "delivery",
        }
    ),
    # The studio's push channel: the API's token check and channel ownership, over SSE.
    "studio_events": frozenset({"api", "domain", "adapters", "resources", "errors", "settings"}),
    # The live follower (ADR 0016): a pull loop like the moderation worker's.
    "live_follower": frozenset(
        {
            "domain",
            "contracts",
            "adapters",
            "services",
            "resources",
            "errors",
            "settings",
            "delivery",
        }
    ),
}


def runtime_modules() -> Iterator[Path]:
    for root in RUNTIME_ROOTS:
        yield from sorted((ROOT / root).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every absolute module imported, with its line."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno


def test_the_runtime_package_is_where_the_deployables_look() -> None:
    assert (ROOT / "liveclips" / "__init__.py").is_file()
    assert not (ROOT / "schemas" / "__init__.py").exists(), "schemas/ holds no Python"
    assert sum(1 for _ in runtime_modules()) > 100


def test_no_runtime_module_imports_dev_code() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in runtime_modules()
        for module, line in imports(path)
        if module.split(".")[0] in DEV_IMPORTS
    ]
    assert offenders == []


def test_runtime_modules_import_only_runtime_distributions() -> None:
    """Whatever a runtime module imports is ours, the standard library's, or a runtime
    dependency: a dev-only distribution would be missing from the image."""
    ours = {*RUNTIME_ROOTS, "liveclips"}
    third_party = {
        module.split(".")[0]
        for path in runtime_modules()
        for module, _ in imports(path)
        if module.split(".")[0] not in ours and module.split(".")[0] not in sys.stdlib_module_names
    }
    assert not third_party & DEV_IMPORTS
    assert third_party - TYPING_ONLY - {"mypy_boto3_mediaconvert"} <= RUNTIME_DISTRIBUTIONS


# Import names of requirements.lock's distributions that runtime code imports directly.
RUNTIME_DISTRIBUTIONS = frozenset(
    {
        "apache_beam",
        "argon2",
        "aws_lambda_powertools",
        "boto3",
        "botocore",
        "confusable_homoglyphs",
        "cryptography",
        "cv2",
        "fastapi",
        "flask",
        "functions_framework",
        "google",
        "grpc",
        "httpx",
        "jwt",
        "m3u8",
        "numpy",
        "openai",
        "pydantic",
        "pydantic_core",
        "pydantic_settings",
        "redis",
        "regex",
        "starlette",
        "uvicorn",
    }
)


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "liveclips" and len(parts) > 1 else None


def layer_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in (ROOT / "liveclips").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        source = layer_of(".".join(rel.parts))
        if source is None or source == "__init__":
            continue
        for module, _ in imports(path):
            target = layer_of(module)
            is_layer = target is not None and (
                (ROOT / "liveclips" / target).is_dir()
                or (ROOT / "liveclips" / f"{target}.py").is_file()
            )
            if is_layer and target is not None and target != source:
                edges.setdefault(source, set()).add(target)
    return edges


def test_layers_import_each_other_one_way_only() -> None:
    edges = layer_edges()
    assert set(edges) <= set(LAYERS), f"a new layer: give it a place in LAYERS ({set(edges)})"
    wrong = {
        f"{source} -> {target}"
        for source, targets in edges.items()
        for target in targets
        if target not in LAYERS[source]
    }
    assert wrong == set()


def test_no_import_cycle_between_layers() -> None:
    edges = layer_edges()
    done: set[str] = set()

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, " -> ".join((*trail, node))
        if node in done:
            return
        for target in sorted(edges.get(node, ())):
            visit(target, (*trail, node))
        done.add(node)

    for node in sorted(edges):
        visit(node, ())


# Pure computation libraries the domain may use: no I/O, no cloud, no clock.
PURE_LIBRARIES = frozenset({"numpy", "regex", "confusable_homoglyphs", "m3u8"})


def test_the_domain_imports_no_cloud_and_no_other_layer() -> None:
    foreign = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "liveclips" / "domain").rglob("*.py")
        for module, _ in imports(path)
        if module.split(".")[0] not in sys.stdlib_module_names
        and not module.startswith(("liveclips.domain", "liveclips.errors"))
        and module.split(".")[0] not in {"__future__", *PURE_LIBRARIES}
    ]
    assert foreign == []
