"""Debian's chromium, headless, driven by Playwright, with a fake camera and microphone
playing a short show that has a planted loud moment (made with ffmpeg at test time)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from media.ffmpeg import run_ffmpeg
from studio.synth import PlantedMoment, synthesize_show

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "out" / "browser"
# After the engine's ~20 s of learning the room, well before the show ends.
PLANTED = PlantedMoment(26.0, 30.0)
FAKE_SHOW_S = 60.0
BASE_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


@dataclass(frozen=True)
class FakeMedia:
    video: Path  # y4m: chromium loops it as the camera
    audio: Path  # wav: as the microphone
    moment: PlantedMoment


@pytest.fixture(scope="session")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> FakeMedia:
    folder = tmp_path_factory.mktemp("fake-media")
    show = synthesize_show(folder / "show.mp4", FAKE_SHOW_S, [PLANTED], width=320, height=180)
    video, audio = folder / "camera.y4m", folder / "mic.wav"
    run_ffmpeg(["-i", str(show), "-an", "-r", "15", "-pix_fmt", "yuv420p", str(video)])
    run_ffmpeg(["-i", str(show), "-vn", "-ac", "2", "-ar", "48000", str(audio)])
    return FakeMedia(video, audio, PLANTED)


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


def launch(playwright: object, user_data: Path, media: FakeMedia | None, *, allow: bool = True):
    """A fresh persistent context (its own --user-data-dir) of the system chromium."""
    flags = list(BASE_FLAGS)
    if media is not None:
        flags += [
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={media.video}",
            f"--use-file-for-fake-audio-capture={media.audio}",
        ]
        if allow:
            flags.append("--use-fake-ui-for-media-stream")
    if user_data.exists():
        shutil.rmtree(user_data)
    return playwright.chromium.launch_persistent_context(  # type: ignore[attr-defined]
        str(user_data),
        executable_path=str(CHROMIUM),
        headless=True,
        args=flags,
        ignore_default_args=["--headless"],
        viewport={"width": 1100, "height": 900},
    )


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
