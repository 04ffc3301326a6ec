"""Every show becomes a VOD title: Recording End -> MediaConvert (the local ffmpeg
stand-in, over its REST API) -> job event -> MediaConvert bridge -> promotion in Spanner.
Failures are retried with backoff and dead-lettered after the last attempt."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import m3u8
import pytest
from botocore.exceptions import ClientError

from liveclips.adapters import mediaconvert, s3, spanner_vod
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_vod import VodTitle
from liveclips.contracts.events import VodJobChanged
from liveclips.domain.ids import stable_id
from liveclips.media.vod import probe_segment
from liveclips.services import vod
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import pull

pytestmark = pytest.mark.integration


def wait_for_state(title_id: str, states: set[str], timeout_s: float = 120) -> VodTitle:
    deadline = time.monotonic() + timeout_s
    title = None
    while time.monotonic() < deadline:
        title = spanner_vod.get(title_id)
        if title is not None and title.state in states:
            return title
        time.sleep(0.5)
    raise AssertionError(f"title {title_id} did not reach {states}; last seen {title}")


def recording_id_of(run) -> str:
    return run.broadcast.recording_prefix.rsplit("/", 1)[-1]


def test_a_recorded_show_becomes_a_validated_vod_title(quiet_show):
    # GIVEN a show recorded through the pipeline (its Recording End started the VOD job)
    title_id = vod.title_id_for_recording(recording_id_of(quiet_show))

    # WHEN its job has run
    title = wait_for_state(title_id, {"READY", "FAILED"})

    # THEN the title is READY with the ladder of its 720p source, best first
    assert title.state == "READY", title.last_error
    assert title.kind == "recording"
    assert title.source_key.endswith("/720p30/playlist.m3u8")
    renditions = spanner_vod.renditions(title_id)
    assert [(r.width, r.height) for r in renditions] == [
        (1280, 720), (960, 540), (640, 360), (416, 234),
    ]  # fmt: skip
    assert [r.name for r in renditions] == ["720p", "540p", "360p", "234p"]
    # ... each as long as the show within one 2 s segment
    show_s = quiet_show.broadcast.duration_s
    assert all(abs(r.duration_ms / 1000 - show_s) <= 2 for r in renditions)
    # ... the master playlist in the media bucket lists them with their sizes
    master = m3u8.loads(s3.read_bytes(title.bucket, title.master_key).decode())
    assert [p.stream_info.resolution for p in master.playlists] == [
        (r.width, r.height) for r in renditions
    ]
    # ... every segment of the smallest rung is a 2 s one, and one of them decodes at 416x234
    smallest = m3u8.loads(s3.read_bytes(title.bucket, renditions[-1].playlist_key).decode())
    assert all(seg.duration <= 2.05 for seg in smallest.segments)
    with tempfile.TemporaryDirectory() as scratch:
        segment = Path(scratch) / "s.ts"
        key = renditions[-1].playlist_key.rsplit("/", 1)[0] + "/" + smallest.segments[-1].uri
        segment.write_bytes(s3.read_bytes(title.bucket, key))
        assert probe_segment(segment).width == 416
    # ... a poster frame exists, and the one job is on record as COMPLETE
    assert title.poster_key and s3.read_bytes(title.bucket, title.poster_key)[:2] == b"\xff\xd8"
    assert [(j["attempt"], j["status"]) for j in spanner_vod.jobs(title_id)] == [(1, "COMPLETE")]


def test_a_redelivered_completion_changes_nothing(quiet_show):
    title_id = vod.title_id_for_recording(recording_id_of(quiet_show))
    title = wait_for_state(title_id, {"READY"})
    job = spanner_vod.jobs(title_id)[0]
    assert title.master_key is not None
    event = VodJobChanged(
        event_id="redelivered",
        occurred_at=title.ready_at,
        title_id=title_id,
        attempt=1,
        job_id=job["job_id"],
        status="COMPLETE",
        master_uri=f"s3://{title.bucket}/{title.master_key}",
    )
    with fresh_subscription("vod-assets") as sub:
        vod.on_job_changed(event)
        ready = pull(sub, timeout_s=5)

    again = spanner_vod.get(title_id)
    assert again is not None and again.ready_at == title.ready_at
    assert len(spanner_vod.renditions(title_id)) == 4
    assert len(spanner_vod.jobs(title_id)) == 1
    # vod.ready is announced again, under the same event id, for whoever missed it
    assert [m.attributes["event_id"] for m in ready] == [stable_id("vod.ready", title_id)]


def test_a_job_that_keeps_failing_is_retried_with_backoff_then_dead_lettered(cloud):
    # GIVEN a title whose input does not exist (every attempt fails with MediaConvert's
    # 1010 input error); locally the backoff base is 1 s: retries after 1 s and 4 s
    title_id = stable_id("test-vod-missing-input", time.time())
    title = spanner_vod.create(
        VodTitle(
            title_id=title_id, kind="recording", channel_id="chan", recording_id=None,
            title="missing", source_bucket=settings().recordings_bucket,
            source_key="nowhere/playlist.m3u8", source_width=1280, source_height=720,
            source_duration_ms=10_000, state="PENDING", attempts=0,
        )
    )  # fmt: skip

    with fresh_subscription("dead-letter") as dead:
        vod.start(title)
        failed = wait_for_state(title_id, {"FAILED"}, timeout_s=60)
        letters = [m for m in pull(dead, timeout_s=10) if m.attributes.get("title_id") == title_id
                   or title_id in m.data.decode()]  # fmt: skip

    jobs = spanner_vod.jobs(title_id)
    assert [(j["attempt"], j["status"], j["error_code"]) for j in jobs] == [
        (1, "ERROR", 1010), (2, "ERROR", 1010), (3, "ERROR", 1010),
    ]  # fmt: skip
    assert len({j["job_id"] for j in jobs}) == 3
    assert "Unable to open input file" in (failed.last_error or "")
    assert len(letters) == 1
    assert letters[0].attributes["dead_letter_source"] == "promote_vod"
    assert "gave up after 3 attempts" in letters[0].attributes["dead_letter_reason"]
    assert json.loads(letters[0].data)["title_id"] == title_id


def test_the_stand_in_refuses_what_mediaconvert_would(cloud):
    # An enum value the AWS model does not have: botocore sends it, AWS answers 400.
    with pytest.raises(ClientError) as refused:
        mediaconvert.client().create_job(
            Role="arn:aws:iam::000000000000:role/r",
            Settings={"Inputs": [{"FileInput": "s3://b/k.mp4", "TimecodeSource": "SOMETIMES"}]},
        )
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert "TimecodeSource" in str(refused.value)
