"""EventBridge input the bridges may receive: anything parses into a model that the
translation routes (or passes over), or is refused with a ValueError the bridge
dead-letters (InvalidAwsEvent, NotForThisBridge). Anything else would fail the Lambda,
and EventBridge would retry a poison event for a day."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from liveclips.contracts.aws_events import InvalidAwsEvent, parse_aws_event
from liveclips.contracts.ivs_recording import (
    RecordingPrefix,
    parse_recording_metadata,
    parse_recording_prefix,
    split_recording_key,
)
from liveclips.contracts.ivs_translation import Forward, PassOver, translate
from liveclips.contracts.mediaconvert_translation import translate_job_event
from tests.fuzz.inputs import (
    AWS_FIXTURES,
    FUZZ,
    IVS_RECORDING,
    aws_fixture,
    json_values,
    mutations,
    nasty_text,
)

SAMPLES = {path.name: aws_fixture(path.name) for path in sorted(AWS_FIXTURES.glob("*.json"))}
EVENTS = {name: doc for name, doc in SAMPLES.items() if "source" in doc}
IVS_SAMPLES = [doc for doc in EVENTS.values() if doc["source"] in {"aws.ivs", "aws.s3"}]
MEDIACONVERT_SAMPLES = [doc for doc in EVENTS.values() if doc["source"] == "aws.mediaconvert"]
RECORDING_FILES = [
    json.loads(path.read_text()) for path in sorted((IVS_RECORDING / "events").glob("*.json"))
] + [doc for doc in SAMPLES.values() if "source" not in doc]


def bridged(raw: Any, route: Any) -> Forward | PassOver | None:
    """What the bridge would do with `raw`: the route, or None when it dead-letters."""
    try:
        return route(parse_aws_event(raw))
    except ValueError:
        return None


def test_the_samples_are_there():
    assert len(IVS_SAMPLES) >= 15
    assert len(MEDIACONVERT_SAMPLES) >= 8
    assert RECORDING_FILES


@FUZZ
@given(st.one_of(json_values, st.binary(max_size=300), nasty_text))
@example(None)  # was a TypeError: a Lambda may be invoked with any JSON value
@example({"source": ["aws.ivs"], "detail-type": "IVS Stream State Change"})  # was a TypeError
@example("[" * 100_000)  # was a RecursionError from json.loads
def test_arbitrary_input_is_refused_with_a_reason(raw):
    try:
        parse_aws_event(raw)
    except InvalidAwsEvent as refusal:
        assert str(refusal)


@FUZZ
@given(st.sampled_from(IVS_SAMPLES).flatmap(mutations))
def test_near_valid_ivs_and_s3_events_are_routed_or_refused(raw):
    outcome = bridged(raw, translate)
    assert outcome is None or isinstance(outcome, Forward | PassOver)


@FUZZ
@given(st.sampled_from(MEDIACONVERT_SAMPLES).flatmap(mutations))
def test_near_valid_mediaconvert_events_are_routed_or_refused(raw):
    outcome = bridged(raw, translate_job_event)
    assert outcome is None or isinstance(outcome, Forward | PassOver)


@FUZZ
@given(
    st.sampled_from(IVS_SAMPLES + MEDIACONVERT_SAMPLES).flatmap(mutations).map(json.dumps),
)
def test_each_bridge_refuses_the_others_events(text):
    # Routing rules are configuration: a mis-sent event must be refused, not crash.
    for route in (translate, translate_job_event):
        outcome = bridged(text, route)
        assert outcome is None or isinstance(outcome, Forward | PassOver)


@FUZZ
@given(
    st.sampled_from([SAMPLES["s3-object-created.json"], SAMPLES["ivs-recording-end.json"]]),
    st.one_of(
        nasty_text,
        st.from_regex(r"/?ivs/v1/\d{12}/[A-Za-z0-9]{1,8}(/\d{1,5}){5}/[a-z0-9-]{1,8}(/.*)?"),
    ),
)
@example(SAMPLES["ivs-recording-end.json"], "ivs/v1/123456789012/ch/2023/13/5/13/51/rec")
def test_object_keys_and_recording_prefixes_are_routed_or_refused(sample, key):
    # The key is the part of an event AWS lets a client choose (S3 object names).
    raw = json.loads(json.dumps(sample))
    if raw["source"] == "aws.s3":
        raw["detail"]["object"]["key"] = key
    else:
        raw["detail"]["recording_s3_key_prefix"] = key
    outcome = bridged(raw, translate)
    assert outcome is None or isinstance(outcome, Forward | PassOver)


@FUZZ
@given(nasty_text)
def test_recording_prefixes_and_keys_parse_or_raise_value_error(text):
    for parse in (parse_recording_prefix, split_recording_key):
        try:
            parsed = parse(text)
        except ValueError:
            continue
        prefix = parsed if isinstance(parsed, RecordingPrefix) else parsed[0]
        assert parse_recording_prefix(prefix.prefix) == prefix


@FUZZ
@given(st.one_of(st.sampled_from(RECORDING_FILES).flatmap(mutations), json_values))
def test_recording_metadata_files_parse_or_are_refused(raw):
    try:
        metadata = parse_recording_metadata(raw)
    except InvalidAwsEvent:
        return
    hls = metadata.media.hls
    for rendition in hls.renditions:
        assert hls.rendition_playlist_path(rendition).startswith(hls.path)
