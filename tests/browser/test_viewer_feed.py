"""The viewer app's clip feed in a real browser: rendered clips (real MP4s in S3, rows as
the clip worker writes them) scroll by page over the snapshot cursors, the clip in view
plays muted (its currentTime advances), and the player events reach POST /v1/events;
offline, the page says so and the queued events are sent once the network is back."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from functions.gcp.main import index_feed
from liveclips.adapters import s3, spanner_clips
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_clips import ClipRef
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.services.clips import clip_published
from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot
from tests.integration.feed_seed import fresh_feed, seed_clip
from tests.support import deliver

pytestmark = pytest.mark.browser
CLIPS = 7  # pages of 5: the second page comes from the cursor


def _mp4(path: Path) -> bytes:
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc=size=360x640:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", "4", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
         "-c:a", "aac", "-movflags", "+faststart", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def _rendered_clips(tmp_path: Path, count: int) -> list[str]:
    body = _mp4(tmp_path / "clip.mp4")
    bucket = settings().media_bucket
    ids = []
    for _ in range(count):
        seeded = seed_clip(f"ch{uuid.uuid4().hex[:10]}", announce=False)
        key = f"{seeded.key.rsplit('/', 1)[0]}/clip.mp4"
        s3.put_bytes(body, bucket, key, "video/mp4")
        outputs = spanner_clips.RenderedOutputs(
            bucket, key, None, None, None, 4.0, 360, 640, len(body), -14.0, -1.0, "linear",
            "copy", 1.0,
        )  # fmt: skip
        spanner_clips.publish_rendered(seeded.recording_id, seeded.clip_id, outputs)
        event = clip_published(
            seeded.highlight, ClipRef(seeded.clip_id, None, FEED_PRESET), "rendered",
            datetime.now(UTC), bucket=bucket, key=key, width=360, height=640,
        )  # fmt: skip
        deliver(index_feed, event)
        ids.append(seeded.clip_id)
    fresh_feed()
    return ids


def _queued(page) -> int:
    return int(
        page.evaluate("JSON.parse(localStorage.getItem('liveclips.viewer.events') || '[]').length")
    )


def test_the_feed_scrolls_plays_in_view_and_reports_events(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    ids = _rendered_clips(tmp_path, CLIPS)
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.set_viewport_size({"width": 400, "height": 800})  # a phone
        page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/feed")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#signin input[name=user]", "feed-viewer")
        page.click("#sign-in")
        page.wait_for_selector("#feed article.clip[data-rendition=rendered]")

        # The first clip is in view: it plays, muted, and its time moves on.
        first = "#feed article.clip >> nth=0 >> video"
        page.wait_for_function(
            "v => v.currentTime > 0.5 && !v.paused && v.muted",
            arg=page.locator(first).element_handle(),
        )
        shot(page, "viewer-feed-01-playing")

        # Scrolling to the end brings the next page (the snapshot cursor) and plays what
        # comes into view.
        for _ in range(CLIPS + 3):
            page.mouse.wheel(0, 700)
            page.wait_for_timeout(250)
        page.wait_for_function("Number(document.getElementById('feed').dataset.pages) >= 2")
        shown = page.eval_on_selector_all(
            "#feed article.clip", "els => els.map(e => e.dataset.clip)"
        )
        assert set(ids) <= set(shown), "every seeded clip is in the feed"
        assert len(shown) == len(set(shown)), "no clip twice across pages"
        last = page.locator("#feed article.clip").last
        last.scroll_into_view_if_needed()
        page.wait_for_function(
            "v => v.currentTime > 0.3 && !v.paused", arg=last.locator("video").element_handle()
        )
        shot(page, "viewer-feed-02-scrolled")

        # Impressions, plays and play_start with ttff_ms are sent in batches.
        page.wait_for_function(
            "JSON.parse(localStorage.getItem('liveclips.viewer.events') || '[]').length === 0",
            timeout=15_000,
        )

        kinds = page.evaluate("document.body.dataset.eventsRejected")
        assert kinds == "0", "every player event the page made was accepted"
        assert int(page.evaluate("document.body.dataset.eventsSent")) >= 3

        # Offline: said on the page; events made meanwhile are kept, then sent.
        context.set_offline(True)
        page.evaluate("window.dispatchEvent(new Event('offline'))")
        page.wait_for_selector("#notice[data-kind=offline]")
        page.click("#feed article.clip >> nth=0 >> button.share")
        assert page.input_value("#feed article.clip >> nth=0 >> input.share-link").endswith(
            f"#/clip/{shown[0]}"
        )
        assert _queued(page) >= 1
        shot(page, "viewer-feed-03-offline")
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_function(
            "JSON.parse(localStorage.getItem('liveclips.viewer.events') || '[]').length === 0",
            timeout=15_000,
        )
        assert page.is_hidden("#notice")

        # Tap a clip: its page plays it, with a share link.
        page.click(f"#feed article.clip[data-clip='{shown[0]}'] a.title")
        page.wait_for_selector("main[data-view=clip] article.clip.detail video")
        shot(page, "viewer-feed-04-detail")
    finally:
        context.close()


def test_an_expired_session_and_an_api_error_are_told(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        base = f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/"
        page.goto(f"{base}#/feed")
        page.wait_for_selector("body[data-ready=true]")
        page.evaluate(
            "sessionStorage.setItem('liveclips.token', 'expired.token.value');"
            "sessionStorage.setItem('liveclips.user', 'someone')"
        )
        page.reload()
        page.wait_for_selector("#notice[data-kind=expired]")
        assert "session expired" in page.text_content("#notice")
        assert page.is_visible("#signin")
        shot(page, "viewer-errors-01-expired")

        page.route("**/api/v1/feed*", lambda route: route.fulfill(
            status=503, content_type="application/json",
            body='{"detail": {"code": "unavailable", "message": "down for a moment"}}',
        ))  # fmt: skip
        page.fill("#signin input[name=user]", "err-viewer")
        page.click("#sign-in")
        page.wait_for_selector("#notice:has-text('503')")
        assert "Try again" in page.text_content("#notice")
        shot(page, "viewer-errors-02-api-error")
    finally:
        context.close()


def test_search_finds_a_clip_by_its_title_words(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    found = _rendered_clips(tmp_path, 1)[0]
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/search")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#signin input[name=user]", "search-viewer")
        page.click("#sign-in")
        page.fill("#search input[name=q]", "hype moment")
        page.press("#search input[name=q]", "Enter")
        page.wait_for_selector("#results[data-done=true]")
        titles = page.eval_on_selector_all("#results a.title", "els => els.map(e => e.textContent)")
        # Other tests of a whole run seed clips with the same words: the page holds 20.
        assert titles and all("hype moment" in t.lower() for t in titles)
        if len(titles) < 20:
            assert page.locator(f"#results article.clip[data-clip='{found}']").count() == 1
        page.fill("#search input[name=q]", "zzzunheardofword")
        page.press("#search input[name=q]", "Enter")
        page.wait_for_selector("#results[data-done=true] p.empty")
        shot(page, "viewer-search-01")
    finally:
        context.close()
