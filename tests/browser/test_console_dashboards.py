"""The content team's console renders the same boards as dashboards/: every board of the
Grafana JSON, with the same panels (by title), their SQL run on the analytics database,
time series drawn with uPlot (vendored from npm, web/package-lock.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
GENERATED = Path(__file__).resolve().parents[2] / "dashboards" / "generated"


def _grafana_panels() -> dict[str, list[str]]:
    boards = {}
    for path in sorted(GENERATED.glob("*.json")):
        board = json.loads(path.read_text())
        boards[board["uid"]] = [p["title"] for p in board["panels"] if p["type"] != "row"]
    return boards


def test_the_console_shows_the_grafana_boards_panels(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    grafana = _grafana_panels()
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/console/")
        page.wait_for_selector("body[data-ready=true]")
        assert page.evaluate("typeof uPlot") == "function", "uPlot is served from web/node_modules"
        page.click("#sign-in")
        page.wait_for_selector("#boards[data-ready=true]")
        listed = page.eval_on_selector_all("#boards button", "els => els.map(e => e.dataset.uid)")
        assert sorted(listed) == sorted(grafana)
        for uid in listed:
            page.click(f"#boards button[data-uid='{uid}']")
            page.wait_for_selector(f"#board[data-board='{uid}'][data-loaded=true]", timeout=60_000)
            shown = page.eval_on_selector_all(
                "#board section.panel", "els => els.map(e => e.dataset.panel)"
            )
            assert shown == grafana[uid], uid
            shot(page, f"console-{uid}")
        assert not page.is_visible("#notice")
    finally:
        context.close()
