"""The viewer app's live-now directory in a real browser: a show streamed over RTMP (as
OBS does) is listed, its page joins the chat and reports live_join and heartbeats, and
the stream's viewer count (what the concurrency panel reads) counts that viewer."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot
from tests.support import bearer

pytestmark = pytest.mark.browser
SHOW_S = 40


def _encoder(url: str, seconds: float) -> list[str]:
    """A test card and a tone in real time, H.264 + AAC in FLV, as OBS sends them."""
    source = ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"]
    source += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-c:a", "aac"]
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", *source, "-t", str(seconds),
            *encode, "-f", "flv", url]  # fmt: skip


def test_a_live_show_is_listed_joined_and_its_viewer_counted(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    api, rtmp = cloud["LIVECLIPS_API_URL"], cloud["LIVECLIPS_RTMP_URL"]
    made = httpx.post(
        f"{api}/v1/channels", json={"name": f"vlive-{uuid.uuid4().hex[:6]}"},
        headers=bearer("live-host", "creator"), timeout=30,
    ).json()  # fmt: skip
    channel_id = made["channel"]["id"]
    encoder = subprocess.Popen(_encoder(f"{rtmp}{made['stream_key']}", SHOW_S))
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        viewer = bearer("live-directory")
        stream_id = None
        deadline = time.monotonic() + 20
        while stream_id is None and time.monotonic() < deadline:
            streams = httpx.get(f"{api}/v1/live", headers=viewer, timeout=10).json()["streams"]
            stream_id = next(
                (s["stream_id"] for s in streams if s["channel_id"] == channel_id), None
            )
            time.sleep(1)
        assert stream_id, "the show is on air"

        page = context.new_page()
        page.set_viewport_size({"width": 400, "height": 800})
        page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/live")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#signin input[name=user]", "live-viewer")
        page.click("#sign-in")
        page.wait_for_selector(f"#live-list li[data-channel='{channel_id}']")
        shot(page, "viewer-live-01-directory")
        page.click(f"#live-list li[data-channel='{channel_id}'] a")
        page.wait_for_selector("#chat-box[data-joined=true]", timeout=20_000)

        # live_join, then a heartbeat every 10 s: the stream counts this viewer.
        def counted() -> int:
            url = f"{api}/v1/streams/{stream_id}/viewers"
            return int(httpx.get(url, headers=viewer, timeout=10).json()["viewers"])

        deadline = time.monotonic() + 25
        while counted() < 1:
            assert time.monotonic() < deadline, "the viewer was never counted"
            time.sleep(1)
        page.wait_for_function("Number(document.body.dataset.eventsSent || 0) >= 2", timeout=25_000)
        assert page.evaluate("document.body.dataset.eventsRejected") == "0"
        shot(page, "viewer-live-02-show")
        page.click("a.back")  # leaving the show: live_leave
        page.wait_for_selector("#live-list")
    finally:
        context.close()
        encoder.wait(timeout=SHOW_S + 60)
