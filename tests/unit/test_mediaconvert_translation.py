from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from liveclips.contracts.aws_events import parse_aws_event
from liveclips.contracts.events import VodJobChanged
from liveclips.contracts.ivs_translation import Forward, NotForThisBridge, PassOver
from liveclips.contracts.mediaconvert_translation import VOD_JOBS_TOPIC, translate_job_event

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws"
OURS = {"title_id": "title-1", "attempt": "2", "kind": "recording", "channel_id": "c"}


def event(name: str, **metadata: str) -> dict:
    raw = json.loads((FIXTURES / name).read_text())
    raw = copy.deepcopy(raw)
    raw["detail"]["userMetadata"] = metadata
    return raw


def test_a_complete_job_of_ours_becomes_vod_job_changed_with_its_outputs():
    routed = translate_job_event(parse_aws_event(event("mediaconvert-complete-hls.json", **OURS)))
    assert isinstance(routed, Forward)
    assert (routed.topic, routed.ordering_key) == (VOD_JOBS_TOPIC, "title-1")
    changed = routed.event
    assert isinstance(changed, VodJobChanged)
    assert (changed.title_id, changed.attempt, changed.status) == ("title-1", 2, "COMPLETE")
    assert changed.master_uri == "s3://DOC-EXAMPLE-BUCKET/hls/main.m3u8"
    assert [(r.playlist_uri, r.width, r.height, r.duration_ms) for r in changed.renditions] == [
        ("s3://DOC-EXAMPLE-BUCKET/hls/mainv2.m3u8", 426, 240, 180041),
        ("s3://DOC-EXAMPLE-BUCKET/hls/mainv1.m3u8", 1280, 720, 180041),
    ]


def test_an_error_carries_its_code_and_message():
    routed = translate_job_event(parse_aws_event(event("mediaconvert-error.json", **OURS)))
    assert isinstance(routed, Forward)
    assert routed.event.status == "ERROR"
    assert routed.event.error_code is not None and routed.event.error_message


@pytest.mark.parametrize(
    "name", ["mediaconvert-progressing.json", "mediaconvert-status-update.json",
             "mediaconvert-input-information.json"],
)  # fmt: skip
def test_progress_is_passed_over(name):
    routed = translate_job_event(parse_aws_event(event(name, **OURS)))
    assert isinstance(routed, PassOver)
    assert "not finished" in routed.reason


def test_someone_elses_job_is_passed_over():
    routed = translate_job_event(parse_aws_event(event("mediaconvert-complete.json")))
    assert isinstance(routed, PassOver)
    assert "no title_id" in routed.reason


def test_a_garbled_attempt_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="attempt='x'"):
        translate_job_event(
            parse_aws_event(event("mediaconvert-error.json", **{**OURS, "attempt": "x"}))
        )


def test_an_ivs_event_was_routed_to_the_wrong_bridge():
    raw = json.loads((FIXTURES / "ivs-recording-end.json").read_text())
    with pytest.raises(NotForThisBridge):
        translate_job_event(parse_aws_event(raw))
