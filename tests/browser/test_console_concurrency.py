"""The console's Live-now board counts the viewers the viewer pages reported (issue 21):
a show streamed over RTMP, two viewers' pages (each its own browser profile) join it and
report live_join and heartbeats to POST /v1/events; the local cloud's engagement job
(Beam, streaming, on the Pub/Sub emulator) windows them per minute into
`concurrent_viewers`; the console draws the board from that table."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from liveclips_dev.cli.browser_show import BASE_FLAGS, CHROMIUM
from tests.browser.conftest import shot
from tests.support import bearer

pytestmark = pytest.mark.browser
SHOW_S = 420  # long enough for a whole minute with both viewers, on a busy machine
BOARD = "liveclips-live-now"
PEAKS = "Streams in the range by peak viewers"
SERIES = "Concurrent viewers per stream"
# A minute's row is written once the job's watermark passes the minute's end: up to two
# minutes after both have joined, more when two shared cores are busy.
BOARD_TIMEOUT_S = 300


def _encoder(url: str, seconds: float) -> list[str]:
    """A test card and a tone in real time, H.264 + AAC in FLV, as OBS sends them."""
    source = ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15"]
    source += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac"]
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", *source, "-t", str(seconds),
            *encode, "-f", "flv", url]  # fmt: skip


def _on_air(api: str, channel_id: str) -> str:
    viewer = bearer("concurrency-directory")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        streams = httpx.get(f"{api}/v1/live", headers=viewer, timeout=10).json()["streams"]
        found = next((s["stream_id"] for s in streams if s["channel_id"] == channel_id), None)
        if found:
            return str(found)
        time.sleep(1)
    raise AssertionError(f"channel {channel_id} never went on air over RTMP")


def _watch(browser: Any, studio: str, user: str, channel_id: str) -> Any:
    page = browser.new_context(viewport={"width": 400, "height": 800}).new_page()
    page.goto(f"{studio}/viewer/#/live")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#signin input[name=user]", user)
    page.click("#sign-in")
    page.wait_for_selector(f"#live-list li[data-channel='{channel_id}']", timeout=30_000)
    page.click(f"#live-list li[data-channel='{channel_id}'] a")
    page.wait_for_selector("#chat-box[data-joined=true]", timeout=30_000)
    return page


def _peaks_table(page: Any) -> list[list[str]]:
    """The peak-viewers table as drawn, its header first."""
    return list(
        page.eval_on_selector_all(
            f"#board section.panel[data-panel='{PEAKS}'] table tr",
            "trs => trs.map(tr => [...tr.children].map(c => c.textContent))",
        )
    )


def _peaks(page: Any) -> dict[str, int]:
    """channel_id -> peak_viewers, by column name."""
    rows = _peaks_table(page)
    if not rows:
        return {}
    head, *body = rows
    channel, peak = head.index("channel_id"), head.index("peak_viewers")
    return {r[channel]: int(r[peak]) for r in body}


def test_the_live_now_board_counts_the_two_viewers_watching(
    cloud: dict[str, str], playwright_api: Any, tmp_path: Path
) -> None:
    api, rtmp = cloud["LIVECLIPS_API_URL"], cloud["LIVECLIPS_RTMP_URL"]
    studio = cloud["LIVECLIPS_STUDIO_URL"].rstrip("/")
    made = httpx.post(
        f"{api}/v1/channels", json={"name": f"conc-{uuid.uuid4().hex[:6]}"},
        headers=bearer("concurrency-host", "creator"), timeout=30,
    ).json()  # fmt: skip
    channel_id = made["channel"]["id"]
    encoder = subprocess.Popen(_encoder(f"{rtmp}{made['stream_key']}", SHOW_S))
    browser = playwright_api.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(BASE_FLAGS),
        ignore_default_args=["--headless"],
    )  # fmt: skip
    try:
        stream_id = _on_air(api, channel_id)
        # Two contexts: two profiles, so two signed-in viewers with their own event queues.
        viewers = [_watch(browser, studio, f"conc-viewer-{n}", channel_id) for n in (1, 2)]
        for page in viewers:
            page.wait_for_function(
                "Number(document.body.dataset.eventsSent || 0) >= 2", timeout=60_000
            )
            assert page.evaluate("document.body.dataset.eventsRejected") == "0"
        shot(viewers[1], "console-concurrency-01-viewer")

        console = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        console.goto(f"{studio}/console/#/dashboards")
        console.wait_for_selector("body[data-ready=true]")
        console.click("#sign-in")
        console.wait_for_selector("#boards[data-ready=true]", timeout=30_000)
        peaks: dict[str, int] = {}
        deadline = time.monotonic() + BOARD_TIMEOUT_S
        while peaks.get(channel_id, 0) < 2:
            assert time.monotonic() < deadline, (
                f"the Live-now board never counted 2 viewers of channel {channel_id} within "
                f"{BOARD_TIMEOUT_S} s (is the engagement-job service running? its log is "
                f"logs/engagement-job.log in the local cloud's state dir); it showed {peaks}"
            )
            console.click(f"#boards button[data-uid='{BOARD}']")
            console.wait_for_selector(
                f"#board[data-board='{BOARD}'][data-loaded=true]", timeout=60_000
            )
            peaks = _peaks(console)
            if peaks.get(channel_id, 0) < 2:
                time.sleep(5)

        assert peaks[channel_id] == 2, peaks
        # The minute is shown as a time, not as the epoch seconds it travels as.
        head, *body = _peaks_table(console)
        last_minute = body[0][head.index("last_minute")]
        assert not last_minute.isdigit() and ":" in last_minute, last_minute
        series = console.eval_on_selector_all(
            f"#board section.panel[data-panel='{SERIES}'] .u-legend .u-series .u-label",
            "els => els.map(e => e.textContent)",
        )
        assert stream_id in series, f"the chart draws no line for stream {stream_id}: {series}"
        assert not console.is_visible("#notice")
        console.locator(f"section.panel[data-panel='{PEAKS}']").scroll_into_view_if_needed()
        shot(console, "console-concurrency-02-live-now")
    finally:
        browser.close()
        encoder.terminate()
        encoder.wait(timeout=30)
