"""The web front ends as terraform/gcp/studio.tf ships them: every page's folder, every
file type the pages have, and every /vendor/ file a page loads, at the same path as the
local server serves it (liveclips_dev/localcloud/browser_ingest.py VENDORED), from the
pinned web/node_modules. Parsed with python-hcl2, as the resource-list agreement test does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from liveclips_dev.localcloud.browser_ingest import IVS_PLAYER_SCRIPT, VENDORED

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STUDIO_TF = ROOT / "terraform" / "gcp" / "studio.tf"
_HCL = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)
# A page names a vendored file as "/vendor/<package>/<path>" (or relative, "vendor/...").
VENDOR_REFERENCE = re.compile(r"""["'`(]/?(vendor/[a-z0-9-]+/[A-Za-z0-9_.\-/]+)["'`)]""")


@pytest.fixture(scope="module")
def web() -> dict[str, Any]:
    document = hcl2.loads(STUDIO_TF.read_text(), serialization_options=_HCL)
    found: dict[str, Any] = {}
    for block in document["locals"]:
        found.update(block)
    return found


def served_extensions(web: dict[str, Any]) -> set[str]:
    pattern = re.search(r"\*\.\{([a-z,]+)\}", web["web_pages"])
    assert pattern, f"no fileset pattern in web_pages: {web['web_pages']}"
    return set(pattern.group(1).split(","))


def page_files(site: str) -> list[Path]:
    return sorted(p for p in (WEB / site).iterdir() if p.is_file() and not p.name.startswith("."))


def references(site: str) -> set[str]:
    found: set[str] = set()
    for page in page_files(site):
        if page.suffix in (".html", ".js"):
            found |= set(VENDOR_REFERENCE.findall(page.read_text()))
    return found


def test_every_front_end_is_served_at_its_local_path_with_its_index(web: dict[str, Any]) -> None:
    assert web["web_sites"] == {"studio": "", "viewer": "viewer/", "console": "console/"}
    for site, prefix in web["web_sites"].items():
        assert (WEB / site / "index.html").is_file(), site
        assert web["web_index"][f"/{prefix}"] == f"/{prefix}index.html"


def test_every_file_of_every_page_is_uploaded_with_a_content_type(web: dict[str, Any]) -> None:
    served = served_extensions(web)
    assert served <= set(web["web_types"]), "an uploaded type has no Content-Type"
    for site in web["web_sites"]:
        left_out = [p.name for p in page_files(site) if p.name.rsplit(".", 1)[-1] not in served]
        assert left_out == [], f"web/{site}/ files terraform would not upload: {left_out}"


def shipped(web: dict[str, Any]) -> set[str]:
    return set(web["web_vendored"]) | set(web["web_built"])


def test_every_vendored_file_a_page_loads_is_shipped(web: dict[str, Any]) -> None:
    files = shipped(web)

    def is_shipped(reference: str) -> bool:  # a file, or a folder the page names files in
        return reference in files or any(f.startswith(f"{reference}/") for f in files)

    for site in web["web_sites"]:
        missing = {r for r in references(site) if not is_shipped(r)}
        assert missing == set(), f"web/{site}/ loads files terraform does not ship"
    assert references("console"), "the pages' /vendor/ references were not found at all"


def test_production_plays_with_the_bundled_ivs_player_and_its_worker(web: dict[str, Any]) -> None:
    text = STUDIO_TF.read_text()
    assert re.search(r'\bplayer\s*=\s*"ivs"', text), "production's config.json plays with IVS"
    script = re.search(r'ivsPlayerScript\s*=\s*"/(vendor/[^"]+)"', text)
    assert script and script.group(1) in web["web_built"]
    # the same build the local server names, and the worker files the seam asks for
    assert f"/{script.group(1)}" == IVS_PLAYER_SCRIPT
    seam = (WEB / "viewer" / "player.js").read_text()
    for worker in set(re.findall(r"amazon-ivs-wasmworker\.min\.(?:js|wasm)", seam)) or {"none"}:
        assert f"vendor/ivs-player/assets/{worker}" in web["web_vendored"], worker


def test_each_shipped_file_is_the_one_the_local_server_serves_there(web: dict[str, Any]) -> None:
    for built, (key, source) in [
        *((False, item) for item in web["web_vendored"].items()),
        *((True, item) for item in web["web_built"].items()),
    ]:
        _, package, rest = key.split("/", 2)
        local = VENDORED[package] / rest
        made_by = "`npm run --prefix web build`" if built else "`npm ci --prefix web`"
        assert local.is_file(), f"{local} is missing: make setup runs {made_by}"
        assert local == WEB / ("build" if built else "node_modules") / source, key


def test_the_reference_scan_finds_what_a_page_names() -> None:
    page = '<script src="/vendor/uplot/uPlot.iife.min.js"></script> import("vendor/x/a.mjs")'
    assert set(VENDOR_REFERENCE.findall(page)) == {
        "vendor/uplot/uPlot.iife.min.js",
        "vendor/x/a.mjs",
    }


SHARED_IMPORT = re.compile(r"""from\s+["']\./shared/([A-Za-z0-9_.-]+)["']""")


def test_every_shared_module_a_page_imports_is_shipped_under_that_page(web: dict[str, Any]) -> None:
    # GIVEN the pages that import web/shared/ modules as ./shared/...
    importers = {
        site: set(SHARED_IMPORT.findall(" ".join(p.read_text() for p in page_files(site))))
        for site in web["web_sites"]
    }
    assert importers["studio"] and importers["viewer"], "no ./shared/ import found at all"
    for site, modules in importers.items():
        if not modules:
            continue
        # THEN terraform uploads web/shared/ under that page's folder, and the module exists
        assert web["web_sites"][site] in web["web_shared_under"], f"web/{site}/ lacks ./shared/"
        assert all((WEB / "shared" / m).is_file() for m in modules), modules
