"""The viewer app plays video in a real browser, through its one player seam
(web/viewer/player.js): a live show streamed over RTMP plays on its page beside the chat
and its end is told; a READY on-demand title plays and continue watching then lists it
with its progress; an instant clip (HLS over the recording's segments) plays in the
feed; a playlist that is not there is told on the page. With config.json saying "ivs",
as production's does, the IVS Player (npm amazon-ivs-player, bundled by `npm run build`:
web/ivs-player.js, ADR 0018) plays the live show and the instant clip; with no loadable
IVS Player build the seam says why and plays with hls.js."""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.cloud import spanner as gspanner

from liveclips.adapters import s3, spanner
from liveclips.adapters.config import settings
from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot
from tests.browser.test_viewer_live import _encoder
from tests.integration.feed_seed import announce_clip, fresh_feed, seed_clip
from tests.support import bearer

pytestmark = pytest.mark.browser
SHOW_S = 60
# The npm package's own CommonJS entry, which no page can load without a bundler.
UNBUNDLED_IVS_PLAYER = "/vendor/ivs-player/index.js"
STALL_S = 5
ADVANCED = "v => v && Number(v.currentTime) - Number(v.dataset.startedAt ?? 1e9) > {s}"


def _viewer(context: Any, studio: str, user: str, hash_: str, *, player: str | None = None) -> Any:
    """A signed-in viewer tab; `player` "ivs": config.json says ivs, with the bundled IVS
    Player ("plain": the npm package's unbundled CommonJS entry instead)."""
    page = context.new_page()
    if player is not None:
        _use_ivs_player(page, studio, bundled=player == "ivs")
    page.goto(f"{studio.rstrip('/')}/viewer/#{hash_}")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#signin input[name=user]", user)
    page.click("#sign-in")
    return page


def _use_ivs_player(page: Any, studio: str, *, bundled: bool) -> None:
    config = httpx.get(f"{studio.rstrip('/')}/config.json", timeout=10).json()
    assert config["player"] == "hls"  # the local default
    override = {**config, "player": "ivs"}
    if not bundled:
        override["ivsPlayerScript"] = UNBUNDLED_IVS_PLAYER
    page.route("**/config.json", lambda route: route.fulfill(json=override))


def _plays(page: Any, selector: str, seconds: float, timeout_ms: int = 60_000) -> None:
    """The video's currentTime moves `seconds` past where its first frame was shown."""
    page.wait_for_function(
        f"(() => {{ const v = document.querySelector({json.dumps(selector)}); "
        f"return ({ADVANCED.format(s=seconds)})(v); }})()",
        timeout=timeout_ms,
    )


def _accepted(page: Any, kind: str) -> None:
    page.wait_for_function(
        f"(document.body.dataset.kindsAccepted || '').split(' ').includes({json.dumps(kind)})",
        timeout=30_000,
    )
    assert page.evaluate("document.body.dataset.eventsRejected || '0'") == "0"


def _hls(folder: Path, seconds: int, size: str = "640x360") -> list[Path]:
    """A real H.264/AAC HLS rendition: playlist first, then its 2 s MPEG-TS segments."""
    folder.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         f"testsrc2=size={size}:rate=30", "-f", "lavfi", "-i", "sine=frequency=330",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "hls", "-hls_time", "2",
         "-hls_playlist_type", "vod", "-hls_segment_filename", str(folder / "index_360p_%03d.ts"),
         str(folder / "index_360p.m3u8")],
        check=True,
    )  # fmt: skip
    return [folder / "index_360p.m3u8", *sorted(folder.glob("*.ts"))]


# --- live -------------------------------------------------------------------------


def test_a_live_show_plays_beside_its_chat_and_its_end_is_told(
    cloud: dict[str, str], playwright_api: Any, tmp_path: Path
) -> None:
    api, rtmp, studio = (cloud[k] for k in ("LIVECLIPS_API_URL", "LIVECLIPS_RTMP_URL",
                                            "LIVECLIPS_STUDIO_URL"))  # fmt: skip
    made = httpx.post(
        f"{api}/v1/channels", json={"name": f"vplay-{uuid.uuid4().hex[:6]}"},
        headers=bearer("play-host", "creator"), timeout=30,
    ).json()  # fmt: skip
    channel_id = made["channel"]["id"]
    # The local IVS's playback URL is the studio server's copy of the ingest's live output.
    playlist = f"{studio.rstrip('/')}/live/{channel_id}/playlist.m3u8"
    assert made["channel"]["playback_url"] == playlist
    assert httpx.get(playlist, timeout=10).status_code == 404  # nothing on air yet

    encoder = subprocess.Popen(_encoder(f"{rtmp}{made['stream_key']}", SHOW_S))
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        live = _on_air(api, channel_id, playlist)
        page = _viewer(context, studio, "play-viewer", "/live")
        page.set_viewport_size({"width": 1100, "height": 800})
        page.click(f"#live-list li[data-channel='{channel_id}'] a")
        page.wait_for_selector("#player video")
        _plays(page, "#player video", 2.0)
        assert page.evaluate("document.querySelector('#player video').muted") is True
        assert page.get_attribute("#player video", "controls") is not None
        page.wait_for_selector("#chat-box[data-joined=true]", timeout=20_000)
        _accepted(page, "play_start")
        _accepted(page, "live_join")
        shot(page, "viewer-play-01-live")
        # Beside the chat on a wide screen.
        video_box = page.locator("#player").bounding_box()
        chat_box = page.locator("#chat-box").bounding_box()
        assert video_box and chat_box and chat_box["x"] >= video_box["x"] + video_box["width"] - 1

        _ivs_player_plays(playwright_api, tmp_path, studio, channel_id)

        _unreachable_is_told(context, studio, channel_id)

        # The encoder stops: the watching page says the show has ended ...
        encoder.wait(timeout=SHOW_S + 60)
        page.wait_for_selector("#player[data-state=ended]", timeout=90_000)
        assert "This show has ended" in page.inner_text("#player")
        _accepted(page, "heartbeat")
        shot(page, "viewer-play-03-live-ended")
        # ... and so does a page opened after it.
        show = f"/live/{channel_id}?stream={live['stream_id']}"
        late = _viewer(context, studio, "play-late", show)
        late.wait_for_selector("#player[data-state=ended]", timeout=30_000)
        assert "This show has ended" in late.inner_text("#player")
        _its_recording_plays(late, api, channel_id)
    finally:
        context.close()
        if encoder.poll() is None:
            encoder.kill()


def _on_air(api: str, channel_id: str, playlist: str) -> dict[str, Any]:
    """The show in the live-now directory, once its playlist is served (to any origin)."""
    viewer = bearer("play-directory")
    deadline = time.monotonic() + 30
    live = None
    while live is None:
        assert time.monotonic() < deadline, "the show never went on air"
        streams = httpx.get(f"{api}/v1/live", headers=viewer, timeout=10).json()["streams"]
        live = next((s for s in streams if s["channel_id"] == channel_id), None)
        time.sleep(0.5)
    found: dict[str, Any] = live
    assert found["playback_url"] == playlist
    served = httpx.get(playlist, timeout=10, headers={"Origin": "http://elsewhere.test"})
    while served.status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.5)
        served = httpx.get(playlist, timeout=10, headers={"Origin": "http://elsewhere.test"})
    assert served.status_code == 200 and served.text.startswith("#EXTM3U")
    assert served.headers["access-control-allow-origin"] == "*"  # players are elsewhere
    return found


def _its_recording_plays(page: Any, api: str, channel_id: str) -> None:
    """The ended show's recording, transcoded by the MediaConvert stand-in, plays on demand."""
    deadline = time.monotonic() + 240
    title = None
    while title is None:
        assert time.monotonic() < deadline, "the show's recording never became a READY title"
        titles = httpx.get(
            f"{api}/v1/vod", params={"limit": 50}, headers=bearer("play-late"), timeout=30
        ).json()["titles"]  # fmt: skip
        title = next((t for t in titles if t["channel_id"] == channel_id), None)
        time.sleep(2)
    page.evaluate(f"location.hash = '#/vod/{title['id']}'")
    _plays(page, "#vod-player video", 2.0)
    assert page.get_attribute("#vod-player video", "data-player") == "hls.js"
    shot(page, "viewer-play-03b-recording-on-demand")


def _ivs_player_plays(playwright_api: Any, tmp_path: Path, studio: str, channel_id: str) -> None:
    """Production's player on the same show: the IVS Player plays the local playlist.
    In its own browser: a browser's tabs share the queued events, any tab may send them."""
    other = launch(playwright_api, tmp_path / "profile-ivs", None)
    try:
        ivs = _viewer(other, studio, "play-viewer-ivs", "/live", player="ivs")
        ivs.click(f"#live-list li[data-channel='{channel_id}'] a")
        _plays(ivs, "#player video", 2.0)
        assert ivs.get_attribute("#player video", "data-player") == "ivs"
        assert ivs.get_attribute("#player video", "data-player-fallback") is None
        _accepted(ivs, "play_start")
        shot(ivs, "viewer-play-02-live-ivs-player")
    finally:
        other.close()


def _unreachable_is_told(context: Any, studio: str, channel_id: str) -> None:
    """A playlist the edge cannot give is told, not left as a black box."""
    broken = _viewer(context, studio, "play-viewer-2", "/live")
    broken.route("**/live/*/playlist.m3u8", lambda route: route.fulfill(status=404))
    broken.click(f"#live-list li[data-channel='{channel_id}'] a")
    broken.wait_for_selector("#player .video-problem", timeout=60_000)
    assert "could not be loaded" in broken.inner_text("#player .video-problem")
    shot(broken, "viewer-play-02-live-unreachable")
    broken.close()


# --- on demand -------------------------------------------------------------------------


def _ready_title(tmp_path: Path, seconds: int) -> str:
    """A READY title as the MediaConvert stand-in leaves one: a master and one rendition
    of real segments in the media bucket, the title's rows in Spanner."""
    title_id = f"t{uuid.uuid4().hex[:16]}"
    bucket, prefix = settings().media_bucket, f"vod/{title_id}/hls"
    files = _hls(tmp_path / title_id, seconds)
    for file in files:
        kind = "application/vnd.apple.mpegurl" if file.suffix == ".m3u8" else "video/mp2t"
        s3.put_bytes(file.read_bytes(), bucket, f"{prefix}/{file.name}", kind)
    master = ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=800000,"
              "RESOLUTION=640x360,CODECS=\"avc1.42c01e,mp4a.40.2\"\nindex_360p.m3u8\n")  # fmt: skip
    s3.put_bytes(master.encode(), bucket, f"{prefix}/index.m3u8", "application/vnd.apple.mpegurl")
    row = {
        "TitleId": title_id, "Kind": "upload", "ChannelId": "ch-vod-play", "Title": "Played show",
        "SourceBucket": "uploads", "SourceKey": f"uploads/{title_id}.mp4", "State": "READY",
        "Attempts": 1, "Bucket": bucket, "MasterKey": f"{prefix}/index.m3u8",
        "DurationMs": seconds * 1000, "ReadyAt": datetime.now(UTC) - timedelta(seconds=1),
        "CreatedAt": gspanner.COMMIT_TIMESTAMP, "UpdatedAt": gspanner.COMMIT_TIMESTAMP,
    }  # fmt: skip
    rendition = {
        "TitleId": title_id, "Name": "360p", "Width": 640, "Height": 360, "Bandwidth": 800_000,
        "PlaylistKey": f"{prefix}/index_360p.m3u8", "DurationMs": seconds * 1000,
    }  # fmt: skip
    with spanner.database().batch() as batch:  # type: ignore[no-untyped-call]
        batch.insert("VodAssets", columns=tuple(row), values=[tuple(row.values())])
        batch.insert("VodRenditions", columns=tuple(rendition), values=[tuple(rendition.values())])
    return title_id


def _held(route: Any) -> None:
    time.sleep(STALL_S)
    route.continue_()


def test_a_title_plays_and_continue_watching_lists_it_with_progress(
    cloud: dict[str, str], playwright_api: Any, tmp_path: Path
) -> None:
    title_id = _ready_title(tmp_path, 40)
    user = f"vod-player-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = _viewer(context, cloud["LIVECLIPS_STUDIO_URL"], user, "/vod")
        page.wait_for_selector("#continue li.empty")  # nothing started yet
        # The second segment comes late: the player stalls once it has played the first.
        late = re.compile(r".*/index_360p_001\.ts(\?.*)?$")
        page.route(late, _held)
        page.click(f"#titles li[data-title='{title_id}'] a")
        page.wait_for_selector("#vod-player video")
        _plays(page, "#vod-player video", 6.0)
        # The API's playlists, fetched through the page's /api with the viewer's token.
        assert page.get_attribute("#vod-player video", "data-player") == "hls.js"
        _accepted(page, "play_start")
        _accepted(page, "stall")
        shot(page, "viewer-play-04-vod")
        page.click("a.back")  # leaving reports where the viewer stopped
        row = page.wait_for_selector(f"#continue li[data-title='{title_id}']", timeout=30_000)
        fraction = float(row.get_attribute("data-fraction") or 0)
        assert 5 / 40 <= fraction < 0.95
        shot(page, "viewer-play-05-continue-watching")

        listed = httpx.get(
            f"{cloud['LIVECLIPS_API_URL']}/v1/me/continue-watching",
            headers=bearer(user), timeout=30,
        ).json()["titles"]  # fmt: skip
        mine = next(t for t in listed if t["title_id"] == title_id)
        assert mine["position_s"] >= 5 and mine["duration_s"] == pytest.approx(40, abs=1)

        # Opened again: it resumes where it was left.
        page.click(f"#continue li[data-title='{title_id}'] a")
        page.wait_for_function(
            "(() => { const v = document.querySelector('#vod-player video');"
            f" return v && v.currentTime >= {mine['position_s'] - 1}; }})()",
            timeout=60_000,
        )

        # A playlist that is not there: told on the page.
        page.click("a.back")
        page.wait_for_selector(f"#titles li[data-title='{title_id}']")
        page.route("**/master.m3u8", lambda route: route.fulfill(status=404))
        page.route("**/index.m3u8", lambda route: route.fulfill(status=404))
        page.click(f"#titles li[data-title='{title_id}'] a")
        page.wait_for_selector("#vod-player[data-state=failed]", timeout=60_000)
        assert "The video could not be loaded" in page.inner_text("#vod-player")
        shot(page, "viewer-play-06-vod-missing")
    finally:
        context.close()


# --- instant clips -------------------------------------------------------------------------


def _instant_clip(tmp_path: Path) -> str:
    """An instant clip as the pipeline publishes one: a playlist in the media bucket whose
    segments are signed URLs of the recording's own segments."""
    seeded = seed_clip(f"ch{uuid.uuid4().hex[:10]}", announce=False)
    files = _hls(tmp_path / "recording", 8, size="360x640")
    recordings = settings().recordings_bucket
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:3",
             "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-MEDIA-SEQUENCE:0"]  # fmt: skip
    for segment in files[1:]:
        key = f"ivs/test/{seeded.recording_id}/media/hls/720p30/{segment.name}"
        s3.put_bytes(segment.read_bytes(), recordings, key, "video/mp2t")
        lines += ["#EXTINF:2.000,", s3.signed_url(recordings, key)]
    lines.append("#EXT-X-ENDLIST")
    text = "\n".join(lines) + "\n"
    hls_type = "application/vnd.apple.mpegurl"
    s3.put_bytes(text.encode(), settings().media_bucket, seeded.key, hls_type)
    announce_clip(seeded.highlight, seeded.key)
    fresh_feed()
    return seeded.clip_id


def test_an_instant_clip_plays_in_the_feed(
    cloud: dict[str, str], playwright_api: Any, tmp_path: Path
) -> None:
    clip_id = _instant_clip(tmp_path)
    card = f"article.clip[data-clip='{clip_id}']"
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = _viewer(context, cloud["LIVECLIPS_STUDIO_URL"], "instant-viewer", "/feed")
        page.set_viewport_size({"width": 400, "height": 800})
        _scroll_to(page, card)
        assert page.get_attribute(card, "data-rendition") == "instant"
        _plays(page, f"{card} video", 1.0)
        assert page.get_attribute(f"{card} video", "data-player") == "hls.js"
        assert page.query_selector(f"{card} .video-problem") is None
        _accepted(page, "clip_play")
        shot(page, "viewer-play-07-instant-clip")

        # Production's player, config.json "ivs": the IVS Player plays the instant clip ...
        studio = cloud["LIVECLIPS_STUDIO_URL"]
        ivs = _viewer(context, studio, "ivs-viewer", f"/clip/{clip_id}", player="ivs")
        _plays(ivs, f"{card} video", 1.0)
        assert ivs.get_attribute(f"{card} video", "data-player") == "ivs"
        assert ivs.evaluate("IVSPlayer.isPlayerSupported") is True
        shot(ivs, "viewer-play-08-instant-clip-ivs-player")
        # ... and its npm dist as a plain script defines nothing: the seam says so and
        # hls.js plays instead.
        plain = _viewer(context, studio, "ivs-viewer-2", f"/clip/{clip_id}", player="plain")
        _plays(plain, f"{card} video", 1.0)
        fallback = plain.get_attribute(f"{card} video", "data-player-fallback") or ""
        assert "did not define IVSPlayer" in fallback
        assert plain.get_attribute(f"{card} video", "data-player") == "hls.js"
    finally:
        context.close()


def _scroll_to(page: Any, selector: str) -> None:
    """Scroll the feed until the card is there (other tests' clips may rank above it)."""
    deadline = time.monotonic() + 60
    while page.query_selector(selector) is None:
        assert time.monotonic() < deadline, f"{selector} never came in the feed"
        assert "caught up" not in page.inner_text("#more"), f"{selector} is not in the feed"
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(500)
    page.locator(selector).scroll_into_view_if_needed()
