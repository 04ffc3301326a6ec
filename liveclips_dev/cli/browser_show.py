"""A show through the web studio in headless chromium: `liveclips demo --browser`, and
the launch and fake camera/microphone the browser tests use (tests/browser).

Debian's chromium (`make setup` installs it) driven by Playwright on its executable;
Playwright never downloads a browser. The fake camera and microphone play a synthetic
show with planted loud moments (liveclips_dev.studio.synth), made with ffmpeg.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liveclips.media.ffmpeg import run_ffmpeg
from liveclips_dev.studio.layout import DEFAULT_RENDITIONS, EncodedShow
from liveclips_dev.studio.playout import Broadcast
from liveclips_dev.studio.run import StudioRun
from liveclips_dev.studio.synth import PlantedMoment, default_moments, synthesize_show

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
BASE_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
)  # fmt: skip


@dataclass(frozen=True)
class FakeMedia:
    video: Path  # y4m: chromium loops it as the camera
    audio: Path  # wav: as the microphone
    moments: tuple[PlantedMoment, ...]
    duration_s: float


def make_fake_media(
    folder: Path, duration_s: float, moments: tuple[PlantedMoment, ...] | None = None
) -> FakeMedia:
    """A small show (320x180, 15 fps) for chromium's fake capture devices."""
    folder.mkdir(parents=True, exist_ok=True)
    planted = tuple(default_moments(duration_s) if moments is None else moments)
    show = synthesize_show(folder / "show.mp4", duration_s, planted, width=320, height=180)
    video, audio = folder / "camera.y4m", folder / "mic.wav"
    run_ffmpeg(["-i", str(show), "-an", "-r", "15", "-pix_fmt", "yuv420p", str(video)])
    run_ffmpeg(["-i", str(show), "-vn", "-ac", "2", "-ar", "48000", str(audio)])
    return FakeMedia(video, audio, planted, duration_s)


def launch(
    playwright: Playwright, user_data: Path, media: FakeMedia | None, *, allow: bool = True
) -> BrowserContext:
    """The system chromium with a fresh --user-data-dir, and the fake devices if given;
    ``allow=False`` leaves the camera prompt unanswered (headless: denied)."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
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
    return playwright.chromium.launch_persistent_context(
        str(user_data),
        executable_path=str(CHROMIUM),
        headless=True,
        args=flags,
        ignore_default_args=["--headless"],
        viewport={"width": 1100, "height": 900},
    )


def sign_in(page: Page, studio_url: str, user: str, role: str = "creator") -> None:
    page.goto(studio_url)
    page.wait_for_selector("body[data-ready=true]")
    page.fill("input[name=user]", user)
    page.select_option("select[name=role]", role)
    page.click("#sign-in")


def create_channel(page: Page, name: str) -> None:
    page.wait_for_selector("#channels:not([hidden])")
    page.fill("input[name=name]", name)
    page.click("#create")
    page.wait_for_selector("#stream-key:not([hidden])")
    page.wait_for_selector("#studio[data-events=ready]")


def browser_broadcast(
    variables: dict[str, str],
    *,
    creator: str,
    channel_name: str,
    workdir: Path,
    duration_s: float,
    on_status: Any = print,
) -> StudioRun:
    """Sign in, create the channel, go live from the page for ``duration_s``, end the show."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  # a dev dependency

    from liveclips.adapters import spanner  # noqa: PLC0415
    from liveclips.adapters.config import settings  # noqa: PLC0415

    # A little longer than the show, so chromium's looping camera never starts over.
    media = make_fake_media(workdir / "fake-media", duration_s + 10)
    planted = tuple(m for m in media.moments if m.end_s < duration_s)
    with sync_playwright() as playwright:
        context = launch(playwright, workdir / "chromium-profile", media)
        try:
            page = context.new_page()
            sign_in(page, variables["LIVECLIPS_STUDIO_URL"], creator)
            create_channel(page, channel_name)
            page.click("#go-live")
            page.wait_for_selector("#studio[data-stream]", timeout=30_000)
            live_at = time.monotonic()
            stream_id = str(page.get_attribute("#studio", "data-stream"))
            on_status(f"live from the browser: stream {stream_id}")
            while time.monotonic() < live_at + duration_s:
                time.sleep(1)
            page.click("#stop")
            page.wait_for_selector("#studio[data-ended=true]", timeout=120_000)
            prefix = str(page.get_attribute("#studio", "data-recording"))
            page.screenshot(path=str(workdir / "studio.png"), full_page=True)
        finally:
            context.close()
    record = spanner.stream(stream_id)
    started_at = (
        record.started_at
        if record is not None and record.started_at is not None
        else datetime.now(UTC) - timedelta(seconds=duration_s)
    )
    account, channel_id = prefix.split("/")[2:4]
    broadcast = Broadcast(
        channel_arn=f"arn:aws:ivs:{settings().aws_region}:{account}:channel/{channel_id}",
        stream_id=stream_id,
        recording_prefix=prefix,
        recording_session_id="",
        bucket=settings().recordings_bucket,
        started_at=started_at,
        duration_s=duration_s,
        live_playlist_url=None,
        published=(),
    )
    show = EncodedShow(
        staging=workdir,
        renditions=DEFAULT_RENDITIONS,
        recording={},
        codecs={},
        bandwidth={},
        live=(),
        duration_s=duration_s,
        started_at=started_at,
    )
    return StudioRun(broadcast, show, planted)
