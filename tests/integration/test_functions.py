"""Cloud Functions behind real push subscriptions on the Pub/Sub emulator."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from functions.gcp.main import analyze_segment
from liveclips.adapters import pubsub, spanner
from liveclips.contracts.events import SegmentReady, StreamStateChanged
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import deliver, publish_raw, pull

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def stream_event(stream_id: str, state: str, at: datetime) -> StreamStateChanged:
    return StreamStateChanged(
        event_id=str(uuid.uuid4()),
        occurred_at=at,
        channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/FnChannel01",
        channel_id="FnChannel01",
        stream_id=stream_id,
        state=state,
    )


def test_stream_end_delivered_before_stream_start_still_ends_the_stream(cloud):
    stream_id = f"st-{uuid.uuid4().hex[:12]}"
    end = stream_event(stream_id, "ended", T0 + timedelta(minutes=30))
    start = stream_event(stream_id, "started", T0)

    for event in (end, start, end):  # reordered, and the end delivered twice
        pubsub.publish("ivs-events", event, ordering_key="FnChannel01")

    deadline = time.monotonic() + 20
    record = None
    while time.monotonic() < deadline:
        record = spanner.stream(stream_id)
        if record and record.started_at is not None:
            break
        time.sleep(0.3)
    assert record is not None
    assert record.state == "ENDED"
    assert (record.started_at, record.ended_at) == (T0, T0 + timedelta(minutes=30))


def test_a_message_that_breaks_its_contract_is_dead_lettered_by_the_function(cloud):
    with fresh_subscription("dead-letter") as dead_letters:
        body = b'{"event_id": "x", "bucket": 42}'
        publish_raw("segments", body, type="segment.ready", schema_version="1", event_id="x")
        messages = pull(dead_letters, timeout_s=20)

    assert len(messages) == 1
    assert messages[0].data == body
    assert messages[0].attributes["dead_letter_source"] == "analyze_segment"
    reason = messages[0].attributes["dead_letter_reason"]
    assert reason.startswith("segment.ready: ")
    assert "bucket: Input should be a valid string" in reason


def test_a_segment_of_a_bucket_that_does_not_exist_is_dead_lettered_not_retried(cloud):
    # GIVEN an S3 event naming a bucket that does not exist (on an ordered subscription a
    # retry for ever would hold up the channel's later segments)
    segment = SegmentReady(
        event_id=str(uuid.uuid4()),
        occurred_at=T0,
        bucket="no-such-bucket-liveclips",
        key="ivs/v1/1/c/2026/11/23/20/0/rec1/media/hls/160p30/3.ts",
        size=1,
        recording_prefix="ivs/v1/1/c/2026/11/23/20/0/rec1",
        recording_id="rec1",
        channel_id="FnChannel01",
        rendition="160p30",
        index=3,
    )

    # WHEN the function gets it
    with fresh_subscription("dead-letter") as dead_letters:
        deliver(analyze_segment, segment)
        letters = [m for m in pull(dead_letters, timeout_s=10) if b"no-such-bucket" in m.data]

    # THEN it is dead-lettered with the reason, and the delivery succeeds
    assert len(letters) == 1
    assert "no bucket no-such-bucket-liveclips" in letters[0].attributes["dead_letter_reason"]
