"""Debian's chromium, headless, driven by Playwright, with a fake camera and microphone
playing a short show that has a planted loud moment (made with ffmpeg at test time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.browser_show import CHROMIUM, FakeMedia, make_fake_media
from studio.synth import PlantedMoment

SHOTS = Path(__file__).resolve().parents[2] / "out" / "browser"
# After the engine's ~20 s of learning the room, well before the show ends.
PLANTED = PlantedMoment(26.0, 30.0)
FAKE_SHOW_S = 60.0


@pytest.fixture(scope="session")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> FakeMedia:
    return make_fake_media(tmp_path_factory.mktemp("fake-media"), FAKE_SHOW_S, (PLANTED,))


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
