"""The clip worker service: duplicate tasks, bad bodies, on the real local cloud."""

from __future__ import annotations

import httpx
import pytest

from adapters import s3
from adapters.config import settings
from schemas.events import RenderClipTask
from tests.integration.conftest import highlight_of
from tests.support import fresh_subscription, pull

pytestmark = pytest.mark.integration


def render_task(run, start_s: float, end_s: float) -> RenderClipTask:
    return RenderClipTask(highlight=highlight_of(run, start_s, end_s))


def post(body: bytes) -> httpx.Response:
    return httpx.post(
        settings().clip_worker_url,
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


def test_the_same_task_delivered_twice_makes_one_clip(quiet_show):
    task = render_task(quiet_show, 3.0, 9.0)

    first = post(task.model_dump_json().encode())
    second = post(task.model_dump_json().encode())

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "published"
    assert second.json() == {
        "status": "already_published",
        "clip_id": task.highlight.clip_id,
        "key": None,
    }
    prefix = f"clips/QuietChannel1/{task.highlight.recording_id}/{task.highlight.clip_id}"
    listed = s3.client().list_objects_v2(Bucket=settings().media_bucket, Prefix=prefix)
    assert [o["Key"] for o in listed.get("Contents", [])] == [first.json()["key"]]


def test_a_clip_past_the_end_of_a_finished_recording_is_trimmed_to_it(quiet_show):
    response = post(render_task(quiet_show, 10.0, 30.0).model_dump_json().encode())
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


def test_the_worker_stays_up_after_bad_input(cloud):
    assert (
        httpx.get(settings().clip_worker_url.rsplit("/tasks", 1)[0] + "/healthz").status_code == 200
    )
