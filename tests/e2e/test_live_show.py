"""One whole show through the local cloud: studio -> IVS bridge -> functions -> Cloud
Tasks -> clip worker -> Spanner -> feed API, then the show as a VOD title (MediaConvert
stand-in), on the real emulators."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from liveclips.adapters import s3, spanner, spanner_clips, spanner_vod
from liveclips.adapters.config import settings
from liveclips.media.ffmpeg import MediaInfo, ffprobe_json, probe
from liveclips.services import vod
from liveclips_dev.cli.broadcast import ingest_sink
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from liveclips_dev.studio.channels import ensure_channel
from liveclips_dev.studio.run import run_studio
from liveclips_dev.studio.synth import PlantedMoment
from tests.support import approve_pending, bearer, pull

pytestmark = pytest.mark.e2e
# After the engine's ~20 s of learning the room; the last one ends too close to the end of
# the show to be decided live, so the post-show step (Recording End) has to finish it.
PLANTED = (PlantedMoment(26.0, 30.0), PlantedMoment(41.0, 44.0))


def wait_for(check, *, timeout_s: float, every_s: float = 0.5):
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every_s)


def probe_api(url: str) -> MediaInfo:
    """A playlist the API serves (to signed-in users): probed with the viewer's token."""
    token = bearer("e2e-viewer")["Authorization"]
    data = ffprobe_json(
        url,
        ["-headers", f"Authorization: {token}\r\n", "-show_entries", "format=duration"],
    )
    return MediaInfo(float(data.get("format", {}).get("duration", 0.0)), 0, 0, 0)


def test_a_live_show_becomes_one_playable_clip_per_planted_moment(cloud, tmp_path: Path):
    api, viewer = cloud["LIVECLIPS_API_URL"], bearer("e2e-viewer")
    # A creator's channel, made through the API as the web studio makes it
    channel = ensure_channel(api, bearer("e2e-creator", "creator"), "e2e-show")
    with fresh_subscription("dead-letter") as dead_letters:
        # GIVEN a 50 s show with two loud moments, broadcast 4x faster than real time
        run = run_studio(
            "synthetic",
            s3=s3.client(),
            bucket=settings().recordings_bucket,
            channel_arn=channel["arn"],
            event_sink=ingest_sink(),
            workdir=tmp_path,
            duration_s=50.0,
            speed=4.0,
            moments=PLANTED,
            serve_live=False,
        )
        recording_id = run.broadcast.recording_prefix.rsplit("/", 1)[-1]

        # WHEN the pipeline has had time to clip them, the content team approving any
        # marquee highlight that waits for a person
        def clips_of_this_show():
            approve_pending(api, recording_id)
            page = httpx.get(
                f"{api}/v1/feed", params={"limit": 50}, headers=viewer, timeout=5
            ).json()
            mine = [c for c in page["clips"] if c["recording_id"] == recording_id]
            rendered = [c for c in mine if c["rendition"] == "rendered"]
            return mine if len(rendered) >= len(PLANTED) else None

        clips = wait_for(clips_of_this_show, timeout_s=120) or []
        rejected = pull(dead_letters, at_least=1, timeout_s=1)

    # THEN each planted moment is inside exactly one clip, and nothing was dead-lettered
    assert len(clips) == len(PLANTED), clips
    for moment in PLANTED:
        covering = [
            c for c in clips if c["start_s"] <= moment.start_s and c["end_s"] >= moment.end_s
        ]
        assert len(covering) == 1, (moment, clips)
    assert rejected == []

    # AND each clip plays from its signed URL as a 9:16 clip as long as its time range says,
    # having been playable first as an instant clip over the recording
    for clip in clips:
        assert clip["stream_id"] == run.broadcast.stream_id
        info = probe(clip["url"])
        assert info.duration_s == pytest.approx(clip["end_s"] - clip["start_s"], abs=0.5)
        assert (info.width, info.height) == (clip["width"], clip["height"]) == (720, 1280)
        assert probe_api(clip["hls_url"]).duration_s == pytest.approx(info.duration_s, abs=0.2)
        row = spanner_clips.clip_row(clip["recording_id"], clip["id"])
        assert row["InstantKey"] and row["PublishedAt"] <= row["RenderedAt"]
        track = httpx.get(clip["thumbnails_url"], headers=viewer, timeout=5).text
        sprite_url = track.split("#xywh=", 1)[0].rsplit("\n", 1)[-1]
        assert httpx.get(sprite_url, timeout=5).headers["content-type"] == "image/jpeg"
        instant = probe(s3.signed_url(row["Bucket"], row["InstantKey"]))
        assert instant.duration_s >= info.duration_s - 0.5

    # AND the stream's record is final
    stream = wait_for(
        lambda: (s := spanner.stream(run.broadcast.stream_id)) and s.state == "ENDED" and s,
        timeout_s=20,
    )
    assert stream and stream.state == "ENDED"
    assert stream.started_at is not None and stream.ended_at > stream.started_at

    # AND after Recording End the whole show is an on-demand title whose HLS plays
    title_id = vod.title_id_for_recording(recording_id)
    title = wait_for(
        lambda: (t := spanner_vod.get(title_id)) and t.state in ("READY", "FAILED") and t,
        timeout_s=120,
    )
    assert title and title.state == "READY", title
    detail = httpx.get(f"{api}/v1/vod/{title_id}", headers=viewer, timeout=5).json()
    assert [r["height"] for r in detail["renditions"]] == [720, 540, 360, 234]
    assert probe_api(detail["hls_url"]).duration_s == pytest.approx(run.broadcast.duration_s, abs=2)
