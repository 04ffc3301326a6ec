"""The studio's events and recording JSON have AWS's documented shapes and parse as such."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from liveclips.contracts.aws_events import (
    IvsRecordingStateChange,
    IvsStreamStateChange,
    S3ObjectCreated,
    parse_aws_event,
)
from liveclips.contracts.ivs_recording import parse_recording_metadata
from liveclips_dev.studio import ivs_events, recording_json
from liveclips_dev.studio.layout import DEFAULT_RENDITIONS

AWS_EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "aws"
SHARED = Path(
    os.environ.get("LIVECLIPS_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)
RECORDING_EVENTS = SHARED / "fixtures" / "ivs-recording" / "events"
ARN = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdef1G2hij"
PREFIX = "ivs/v1/123456789012/AbCdef1G2hij/2020/6/23/20/12/j8Z9O91ndcVs"
AT = datetime(2020, 6, 23, 20, 12, 36, 250_000, tzinfo=UTC)
CHANNEL = ivs_events.parse_channel_arn(ARN)


def shape(value: Any) -> Any:
    """Keys (recursively) and JSON types, without the values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value[:1]]
    return type(value).__name__


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((AWS_EXAMPLES / name).read_text())
    return data


def test_channel_arn_parts():
    assert (CHANNEL.region, CHANNEL.account, CHANNEL.channel_id) == (
        "us-west-2",
        "123456789012",
        "AbCdef1G2hij",
    )
    with pytest.raises(ValueError, match="not an IVS channel ARN"):
        ivs_events.parse_channel_arn("arn:aws:s3:::bucket")


@pytest.mark.parametrize(
    ("event_name", "doc"),
    [
        ("Session Created", "ivs-stream-state-session-created.json"),
        ("Stream Start", "ivs-stream-state-stream-start.json"),
        ("Stream End", "ivs-stream-state-stream-end.json"),
    ],
)
def test_stream_state_change_has_the_documented_shape(event_name, doc):
    event = ivs_events.stream_state_change(
        CHANNEL, event_name=event_name, stream_id="st-1A2b3c4D5e6F78ghij9Klmn", at=AT
    )
    assert shape(event) == shape(example(doc))
    assert event["time"] == "2020-06-23T20:12:36Z"
    assert event["resources"] == [ARN]
    assert re.fullmatch(r"[0-9a-f-]{36}", event["id"])
    parsed = parse_aws_event(event)
    assert isinstance(parsed, IvsStreamStateChange)
    assert parsed.detail.event_name == event_name
    assert parsed.channel_id == "AbCdef1G2hij"


@pytest.mark.parametrize(
    ("status", "doc"),
    [("Recording Start", "ivs-recording-start.json"), ("Recording End", "ivs-recording-end.json")],
)
def test_recording_state_change_has_the_documented_shape(status, doc):
    event = ivs_events.recording_state_change(
        CHANNEL,
        status=status,
        stream_id="st-1A2b3c4D5e6F78ghij9Klmn",
        bucket="recordings",
        key_prefix=PREFIX + "/",
        duration_ms=99370264 if status == "Recording End" else 0,
        recording_session_id="a6RfV23ES97iyfoQ",
        at=AT,
    )
    documented = example(doc)
    # Real Recording Start events carry the stream ids too (AWS shows them on End only).
    documented["detail"].setdefault("recording_session_stream_ids", ["st-x"])
    assert shape(event) == shape(documented)
    assert event["detail"]["recording_s3_key_prefix"] == PREFIX
    parsed = parse_aws_event(event)
    assert isinstance(parsed, IvsRecordingStateChange)
    assert parsed.detail.recording_status == status
    assert parsed.detail.recording_session_stream_ids == ("st-1A2b3c4D5e6F78ghij9Klmn",)


def test_s3_object_created_has_the_documented_shape():
    event = ivs_events.s3_object_created(
        bucket="recordings",
        key=f"{PREFIX}/media/hls/720p30/0.ts",
        size=366600,
        etag='"b1946ac92492d2347c6235b4d2611184"',
        sequencer="0172E1E5F40000000001",
        request_id="N4N7GDK58NMKJ12R",
        account="123456789012",
        region="us-west-2",
        at=AT,
    )
    documented = example("s3-object-created.json")
    # Only tagged buckets get aws-generated-tags; only versioned ones a version-id.
    del documented["detail"]["bucket"]["aws-generated-tags"]
    del documented["detail"]["object"]["version-id"]
    assert shape(event) == shape(documented)
    assert event["resources"] == ["arn:aws:s3:::recordings"]
    assert event["detail"]["object"]["etag"] == "b1946ac92492d2347c6235b4d2611184"
    parsed = parse_aws_event(event)
    assert isinstance(parsed, S3ObjectCreated)
    assert parsed.detail.object.size == 366600


def test_event_times_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        ivs_events.event_time(datetime(2020, 1, 1))


def test_recording_json_files_have_the_shape_ivs_writes():
    started = datetime(2023, 2, 9, 22, 55, 41, tzinfo=UTC)
    ended = datetime(2023, 2, 9, 22, 58, 30, tzinfo=UTC)
    docs = {
        "recording-started.json": recording_json.recording_started(
            channel_arn=ARN, started_at=started, renditions=DEFAULT_RENDITIONS
        ),
        "recording-ended.json": recording_json.recording_ended(
            channel_arn=ARN,
            started_at=started,
            ended_at=ended,
            duration_ms=171546,
            renditions=DEFAULT_RENDITIONS,
        ),
    }
    for name, doc in docs.items():
        real = json.loads((RECORDING_EVENTS / name).read_text())
        del real["media"]["thumbnails"]  # the studio records with thumbnails disabled
        assert shape(doc) == shape(real)
        assert list(doc) == list(real)  # same key order, too
        raw = recording_json.to_bytes(doc)
        assert b" " not in raw
        assert not raw.endswith(b"\n")
        parsed = parse_recording_metadata(raw)
        assert [r.path for r in parsed.media.hls.renditions] == ["720p30", "160p30"]
    ended_doc = docs["recording-ended.json"]
    assert ended_doc["recording_ended_at"] == "2023-02-09T22:58:30Z"
    assert ended_doc["media"]["hls"]["duration_ms"] == 171546
