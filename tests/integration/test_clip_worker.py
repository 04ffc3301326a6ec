"""The clip worker service on the real local cloud: instant then rendered, exactly once."""

from __future__ import annotations

import json
import time

import httpx
import m3u8
import pytest

from liveclips.adapters import s3, spanner_clips
from liveclips.adapters.config import settings
from liveclips.contracts.events import ClipPublished, RenderClipTask
from liveclips.services import clips
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.integration.conftest import copy_of_recording, highlight_of
from tests.support import pull

pytestmark = pytest.mark.integration


def render_task(run, start_s: float, end_s: float, preset: str = "vertical") -> RenderClipTask:
    return RenderClipTask(highlight=highlight_of(run, start_s, end_s), preset=preset)


def post(task: RenderClipTask | bytes) -> httpx.Response:
    body = task if isinstance(task, bytes) else task.model_dump_json().encode()
    return httpx.post(
        settings().clip_worker_url,
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=120,
    )


def objects(prefix: str) -> list[str]:
    listed = s3.client().list_objects_v2(Bucket=settings().media_bucket, Prefix=prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def published_for(subscription: str, clip_id: str, at_least: int) -> list[ClipPublished]:
    """This clip's clip.published events: other tests' renders (an upload's post-show
    pass) may still be publishing on the same topic."""
    found: list[ClipPublished] = []
    deadline = time.monotonic() + 10
    while len(found) < at_least and time.monotonic() < deadline:
        events = [
            ClipPublished.model_validate_json(m.data) for m in pull(subscription, timeout_s=1)
        ]
        found += [e for e in events if e.clip_id == clip_id]
    return found


def clip_prefix(task: RenderClipTask) -> str:
    h = task.highlight
    return f"clips/{h.channel_id}/{h.recording_id}/{task.clip_id}/"


def test_a_feed_clip_is_instant_first_then_rendered_with_every_output(quiet_show):
    task = render_task(quiet_show, 2.0, 9.0)

    with fresh_subscription("clips") as clips:
        response = post(task)
        events = published_for(clips, task.clip_id, at_least=2)

    assert response.status_code == 200 and response.json()["status"] == "published"
    assert [e.rendition for e in events] == ["instant", "rendered"]
    instant, rendered = events
    assert instant.clip_id == rendered.clip_id == task.clip_id
    assert rendered.published_at == instant.published_at  # keeps its place in the feed
    assert rendered.rendered_at >= rendered.published_at
    playlist = m3u8.loads(s3.read_bytes(instant.bucket, instant.key).decode())
    assert playlist.is_endlist and sum(s.duration for s in playlist.segments) >= 7.0
    assert (rendered.width, rendered.height) == (720, 1280)
    keys = objects(clip_prefix(task))
    names = ["clip.mp4", "instant.m3u8", "poster.jpg", "sprite.jpg", "thumbnails.vtt"]
    assert [k for k in keys if "/hls/" not in k] == sorted(clip_prefix(task) + n for n in names)
    assert {k for k in keys if "/hls/" in k} == {rendered.hls_key, *_referenced(rendered)}
    row = spanner_clips.clip_row(task.highlight.recording_id, task.clip_id)
    assert row["State"] == "PUBLISHED" and row["Preset"] == "vertical"
    assert row["LoudnessLufs"] == pytest.approx(-14.0, abs=1.5)
    assert row["SizeBytes"] > 0 and row["DurationS"] == pytest.approx(7.0, abs=0.1)


def test_the_instant_clip_is_published_at_the_decision_and_the_render_only_replaces_it(
    quiet_show,
):
    # GIVEN a decided highlight whose instant clip is published before any render runs
    task = render_task(quiet_show, 5.0, 12.0)
    with fresh_subscription("clips") as published:
        key = clips.try_publish_instant(task.highlight)
        instant = published_for(published, task.clip_id, at_least=1)[0]
        row = spanner_clips.clip_row(task.highlight.recording_id, task.clip_id)

        # WHEN the feed preset's render task arrives afterwards
        response = post(task)
        after = published_for(published, task.clip_id, at_least=1)

    assert key == instant.key and instant.rendition == "instant"
    assert instant.clip_id == task.clip_id and instant.preset == "vertical"
    assert (row["State"], row["Attempts"], row["InstantKey"]) == ("RENDERING", 0, key)
    # THEN the render publishes only the rendered clip, in the instant clip's feed position
    assert response.json()["status"] == "published"
    assert [e.rendition for e in after] == ["rendered"]
    assert after[0].published_at == instant.published_at
    final = spanner_clips.clip_row(task.highlight.recording_id, task.clip_id)
    assert (final["State"], final["Attempts"]) == ("PUBLISHED", 1)
    # AND publishing the instant clip again (a redelivered decision) changes nothing
    assert clips.publish_instant(task.highlight) is None


def test_an_instant_clip_that_cannot_be_made_yet_is_left_to_the_renderer(quiet_show):
    # GIVEN a highlight of a recording S3 does not have (yet)
    task = render_task(quiet_show, 6.0, 13.0)
    lost = task.highlight.model_copy(update={"recording_prefix": "ivs/v1/nowhere/rec"})
    # WHEN its instant clip is attempted at the decision, THEN nothing is published
    assert clips.try_publish_instant(lost) is None
    assert spanner_clips.clip_row(lost.recording_id, lost.clip_id) is None


def _referenced(rendered: ClipPublished) -> set[str]:
    """Every object the rendered clip's HLS playlist points at (segments, init section)."""
    parsed = m3u8.loads(s3.read_bytes(rendered.bucket, rendered.hls_key).decode())
    folder = rendered.hls_key.rsplit("/", 1)[0]
    uris = {s.uri for s in parsed.segments} | {
        s.init_section.uri for s in parsed.segments if s.init_section
    }
    return {f"{folder}/{uri}" for uri in uris}


def test_the_same_task_delivered_twice_makes_one_clip(quiet_show):
    task = render_task(quiet_show, 3.0, 9.0, preset="landscape")

    first = post(task)
    listed = objects(clip_prefix(task))
    second = post(task)

    assert first.json()["status"] == "published"
    assert second.json()["status"] == "already_published"
    assert objects(clip_prefix(task)) == listed
    assert "instant.m3u8" not in " ".join(listed)  # only the feed preset has an instant clip


def test_a_worker_that_died_mid_render_is_finished_by_the_retry(quiet_show):
    # GIVEN a worker claimed the clip and was killed before uploading anything
    task = render_task(quiet_show, 4.0, 11.0, preset="square")
    spanner_clips.claim(task.highlight, task.clip_id, task.preset)
    assert objects(clip_prefix(task)) == []

    # WHEN Cloud Tasks redelivers the task
    response = post(task)

    # THEN it is rendered once, on the second attempt
    assert response.json()["status"] == "published"
    row = spanner_clips.clip_row(task.highlight.recording_id, task.clip_id)
    assert (row["State"], row["Attempts"]) == ("PUBLISHED", 2)
    assert (row["Width"], row["Height"]) == (1080, 1080)


def unreadable_task(run) -> RenderClipTask:
    """A landscape clip of a copy of the show whose media segments are all zeros."""
    recording_id, prefix = copy_of_recording(run, "broken")
    bucket = run.broadcast.bucket
    listed = s3.client().list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/media/hls/")
    for item in listed["Contents"]:
        if item["Key"].endswith(".ts"):
            s3.put_bytes(b"\0" * item["Size"], bucket, item["Key"], "video/MP2T")
    highlight = highlight_of(run, 2.0, 6.0).model_copy(
        update={"recording_id": recording_id, "recording_prefix": prefix}
    )
    return RenderClipTask(highlight=highlight, preset="landscape")


def test_a_failed_render_before_its_last_attempt_is_retried(quiet_show):
    response = post(unreadable_task(quiet_show))
    assert response.status_code == 500  # Cloud Tasks tries again with backoff


def test_a_render_that_fails_on_its_last_attempt_is_dead_lettered(quiet_show):
    # GIVEN a clip whose media is unreadable, with every attempt but one used up
    task = unreadable_task(quiet_show)
    for _ in range(settings().render_max_attempts - 1):
        spanner_clips.claim(task.highlight, task.clip_id, task.preset)

    # WHEN the task is delivered once more and the render fails again
    with fresh_subscription("dead-letter") as dead_letters:
        response = post(task)
        recording_id = task.highlight.recording_id
        letters = [m for m in pull(dead_letters, timeout_s=5) if recording_id in m.data.decode()]

    # THEN Cloud Tasks is told it is done, the clip is FAILED, and the task is kept
    assert response.status_code == 200 and response.json()["status"] == "failed"
    row = spanner_clips.clip_row(recording_id, task.clip_id)
    assert (row["State"], row["Attempts"]) == ("FAILED", settings().render_max_attempts)
    assert len(letters) == 1
    assert "last attempt" in letters[0].attributes["dead_letter_reason"]


def test_a_clip_past_the_end_of_a_finished_recording_is_trimmed_to_it(quiet_show):
    response = post(render_task(quiet_show, 10.0, 30.0, preset="landscape"))
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_an_unreadable_task_is_dead_lettered_not_retried(cloud):
    with fresh_subscription("dead-letter") as dead_letters:
        response = post(b'{"highlight": {"clip_id": 7}}')
        messages = pull(dead_letters)

    assert response.status_code == 200  # any other answer makes Cloud Tasks retry forever
    assert response.json()["status"] == "dead_lettered"
    assert "highlight.event_id: Field required" in response.json()["reason"]
    assert [m.attributes["dead_letter_source"] for m in messages] == ["clip_worker"]
    assert messages[0].data == b'{"highlight": {"clip_id": 7}}'


def test_an_unknown_preset_is_dead_lettered_with_the_reason(quiet_show):
    body = json.loads(render_task(quiet_show, 2.0, 5.0).model_dump_json())
    body["preset"] = "portrait"
    response = post(json.dumps(body).encode())
    assert response.json()["status"] == "dead_lettered"
    assert "preset" in response.json()["reason"]


def test_the_worker_stays_up_after_bad_input(cloud):
    health = settings().clip_worker_url.rsplit("/tasks", 1)[0] + "/healthz"
    assert httpx.get(health).status_code == 200
