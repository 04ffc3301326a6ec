from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from liveclips.contracts.aws_events import parse_aws_event
from liveclips.contracts.events import RecordingStateChanged, SegmentReady, StreamStateChanged
from liveclips.contracts.ivs_translation import (
    LIFECYCLE_TOPIC,
    SEGMENTS_TOPIC,
    UPLOADS_TOPIC,
    Forward,
    NotForThisBridge,
    PassOver,
    translate,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_stream_start_becomes_an_ordered_lifecycle_event():
    raw = fixture("ivs-stream-state-stream-start.json")
    routed = translate(parse_aws_event(raw))
    assert isinstance(routed, Forward)
    assert routed.topic == LIFECYCLE_TOPIC
    assert isinstance(routed.event, StreamStateChanged)
    assert routed.event.state == "started"
    assert routed.event.event_id == raw["id"]
    assert routed.ordering_key == "12345678-1a23-4567-a1bc-1a2b34567890"


def test_recording_start_names_the_recording_from_its_prefix():
    routed = translate(parse_aws_event(fixture("ivs-recording-start.json")))
    assert isinstance(routed, Forward)
    assert isinstance(routed.event, RecordingStateChanged)
    assert routed.event.recording_id == "j8Z9O91ndcVs"
    assert routed.event.status == "started"


def segment_created(key: str) -> dict:
    raw = copy.deepcopy(fixture("s3-object-created.json"))
    raw["detail"]["object"]["key"] = key
    return raw


def test_a_recorded_segment_becomes_segment_ready():
    prefix = "ivs/v1/123456789012/AbCdef1G2hij/2020/6/23/20/12/j8Z9O91ndcVs"
    routed = translate(parse_aws_event(segment_created(f"{prefix}/media/hls/160p30/7.ts")))
    assert isinstance(routed, Forward)
    assert routed.topic == SEGMENTS_TOPIC
    assert isinstance(routed.event, SegmentReady)
    assert (routed.event.rendition, routed.event.index) == ("160p30", 7)
    assert routed.event.recording_prefix == prefix
    assert routed.ordering_key == "AbCdef1G2hij"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("example-key", "not inside an IVS recording"),
        (
            "ivs/v1/123456789012/AbCdef1G2hij/2020/6/23/20/12/j8Z9O91ndcVs/media/hls/master.m3u8",
            "not a media segment",
        ),
    ],
)
def test_other_objects_are_passed_over_with_a_reason(key, reason):
    routed = translate(parse_aws_event(segment_created(key)))
    assert isinstance(routed, PassOver)
    assert reason in routed.reason


def test_a_mediaconvert_event_is_not_for_the_ivs_bridge():
    with pytest.raises(NotForThisBridge, match=r"aws\.mediaconvert"):
        translate(parse_aws_event(fixture("mediaconvert-complete.json")))


def test_a_creators_upload_goes_to_the_uploads_topic():
    raw = fixture("s3-object-created.json")
    raw["detail"]["bucket"]["name"] = "liveclips-uploads"
    raw["detail"]["object"]["key"] = "uploads/0b6d2c1e-5a43-4a1f-9d3e-2f8c8e6b7a10/source"
    routed = translate(parse_aws_event(raw))
    assert isinstance(routed, Forward)
    assert routed.topic == UPLOADS_TOPIC
    assert routed.event.upload_id == "0b6d2c1e-5a43-4a1f-9d3e-2f8c8e6b7a10"
    assert routed.ordering_key == routed.event.upload_id


def test_other_objects_in_an_upload_folder_are_passed_over():
    raw = fixture("s3-object-created.json")
    raw["detail"]["object"]["key"] = "uploads/0b6d2c1e-5a43-4a1f-9d3e-2f8c8e6b7a10/notes.txt"
    assert isinstance(translate(parse_aws_event(raw)), PassOver)
