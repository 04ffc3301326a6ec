"""The MediaConvert bridge Lambda against the real Pub/Sub emulator and moto DynamoDB."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest

from functions.aws.mediaconvert_bridge import lambda_handler
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import pull

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws"


def bridge(event):
    return lambda_handler(event, LocalLambdaContext("mediaconvert-bridge"))


def job_event(name: str, **metadata: str) -> dict:
    event = json.loads((FIXTURES / name).read_text())
    event["id"] = str(uuid.uuid4())
    event["detail"]["userMetadata"] = metadata
    return event


def test_a_finished_job_delivered_twice_is_published_once_per_title(emulators):
    event = job_event("mediaconvert-error.json", title_id="t-1", attempt="1")
    with fresh_subscription("vod-jobs") as sub:
        first = bridge(event)
        second = bridge(copy.deepcopy(event))
        messages = pull(sub, at_least=2, timeout_s=4)

    assert first["status"] == "published" and second == first
    assert len(messages) == 1
    assert messages[0].attributes["type"] == "vod.job_changed"
    assert messages[0].ordering_key == "t-1"
    assert json.loads(messages[0].data)["status"] == "ERROR"


def test_progress_and_foreign_jobs_are_passed_over_not_published(emulators):
    progress = job_event("mediaconvert-progressing.json", title_id="t-2", attempt="1")
    foreign = job_event("mediaconvert-complete.json")
    with fresh_subscription("vod-jobs") as sub:
        answers = [bridge(progress), bridge(foreign)]
        messages = pull(sub, timeout_s=2)

    assert [a["status"] for a in answers] == ["passed_over", "passed_over"]
    assert messages == []


def test_an_ivs_event_sent_here_is_dead_lettered_with_the_reason(emulators):
    ivs = json.loads((FIXTURES / "ivs-recording-end.json").read_text())
    ivs["id"] = str(uuid.uuid4())
    with fresh_subscription("dead-letter") as sub:
        answer = bridge(ivs)
        messages = pull(sub)

    assert answer["status"] == "rejected"
    assert "is not a MediaConvert event" in answer["reason"]
    assert messages[0].attributes["dead_letter_source"] == "mediaconvert_bridge"
    assert json.loads(messages[0].data) == ivs
