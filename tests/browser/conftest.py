"""Debian's chromium, headless, driven by Playwright, with a fake camera and microphone
playing a short show that has a planted loud moment (made with ffmpeg at test time)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api

from liveclips.adapters import s3
from liveclips.adapters.config import settings
from liveclips_dev.cli.browser_show import CHROMIUM, FakeMedia, make_fake_media
from liveclips_dev.studio.synth import PlantedMoment

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
    with sync_api.sync_playwright() as playwright:
        yield playwright


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def recorded_keys(channel: Mapping[str, Any]) -> list[str]:
    """The channel's objects in the recordings bucket, in IVS's auto-record layout."""
    prefix = f"ivs/v1/{channel['arn'].split(':')[4]}/{channel['id']}/"
    listed = s3.client().list_objects_v2(Bucket=settings().recordings_bucket, Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])]


def wait_for_ended_recording(channel: Mapping[str, Any], timeout_s: float = 60) -> list[str]:
    """The recording's keys once IVS's Recording End marker is written; fails past timeout."""
    deadline = time.monotonic() + timeout_s
    keys = recorded_keys(channel)
    while not any(k.endswith("recording-ended.json") for k in keys):
        assert time.monotonic() < deadline, keys
        time.sleep(1)
        keys = recorded_keys(channel)
    return keys
