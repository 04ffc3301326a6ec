"""AWS event and IVS recording models against AWS's documented examples and a real recording."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.contracts.aws_events import (
    EventBridgeEvent,
    InvalidAwsEvent,
    IvsLimitBreach,
    IvsRecordingStateChange,
    IvsStreamHealthChange,
    IvsStreamStateChange,
    MediaConvertJobStateChange,
    S3ObjectCreated,
    parse_aws_event,
)
from liveclips.contracts.ivs_recording import (
    RECORDING_ENDED_KEY,
    RECORDING_STARTED_KEY,
    RecordingPrefix,
    parse_recording_metadata,
    parse_recording_prefix,
    split_recording_key,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws"
# The repo is cloned with shared/ beside it (<repo>/../shared), locally and in CI.
SHARED = Path(
    os.environ.get("LIVECLIPS_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)
RECORDING = SHARED / "fixtures" / "ivs-recording"
DOC_PREFIX = "ivs/v1/123456789012/AsXego4U6tnj/2020/6/23/20/12/j8Z9O91ndcVs"
EVENT_MODELS: dict[str, type[Any]] = {
    "ivs-stream-state-": IvsStreamStateChange,
    "ivs-stream-health-": IvsStreamHealthChange,
    "ivs-limit-breach-": IvsLimitBreach,
    "ivs-recording-": IvsRecordingStateChange,
    "s3-object-created": S3ObjectCreated,
    "mediaconvert-": MediaConvertJobStateChange,
}
# ivs-recording-metadata-*.json are files IVS writes to S3, not EventBridge events.
EVENT_FILES = sorted(p for p in FIXTURES.glob("*.json") if "-metadata-" not in p.name)
_DELETE = object()


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def mutated(name: str, dotted: str, value: Any = _DELETE) -> dict[str, Any]:
    """``name``'s fixture with the field at ``dotted`` replaced, or removed by default."""
    data = fixture(name)
    *parents, last = dotted.split(".")
    target = data
    for part in parents:
        target = target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return data


def invalid_message(raw: Any) -> str:
    with pytest.raises(InvalidAwsEvent) as info:
        parse_aws_event(raw)
    return str(info.value)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.name)
def test_every_documented_example_parses_to_its_model(path: Path) -> None:
    raw = path.read_bytes()
    event = parse_aws_event(raw)
    expected = [m for start, m in EVENT_MODELS.items() if path.name.startswith(start)]
    assert expected == [type(event)]
    assert event == parse_aws_event(raw.decode()) == parse_aws_event(json.loads(raw))
    assert event.time.tzinfo is not None
    # Dumping writes AWS's key spelling back, so a re-parse yields the same event.
    assert parse_aws_event(json.dumps(event.model_dump(mode="json"))) == event


def test_every_event_type_has_a_documented_example() -> None:
    assert all(any(p.name.startswith(s) for p in EVENT_FILES) for s in EVENT_MODELS)


def test_generic_envelope_reads_any_event() -> None:
    envelope = EventBridgeEvent[dict[str, Any]].model_validate(fixture("s3-object-created.json"))
    assert (envelope.source, envelope.detail_type) == ("aws.s3", "Object Created")
    assert envelope.detail["object"]["key"] == "example-key"


def test_ivs_stream_state_fields() -> None:
    failure = parse_aws_event(fixture("ivs-stream-state-stream-failure.json"))
    assert isinstance(failure, IvsStreamStateChange)
    assert failure.detail.reason == "Transcode capacity exceeded. Please try again."
    assert failure.channel_id == "12345678-1a23-4567-a1bc-1a2b34567890"
    takeover = parse_aws_event(fixture("ivs-stream-state-stream-takeover-failure.json"))
    assert isinstance(takeover, IvsStreamStateChange)
    assert takeover.detail.code == "StreamTakeoverInvalidPriority"
    created = parse_aws_event(fixture("ivs-stream-state-session-created.json"))
    assert isinstance(created, IvsStreamStateChange)
    assert created.detail.channel_name == ""
    assert created.channel_arn == "arn:aws:ivs:us-west-2:535011710559:channel/UCGaMPGLCbcE"
    assert created.channel_id == "UCGaMPGLCbcE"


def test_ivs_recording_events_link_to_their_prefix() -> None:
    event = parse_aws_event(fixture("ivs-recording-end.json"))
    assert isinstance(event, IvsRecordingStateChange)
    detail = event.detail
    assert (detail.recording_status, detail.recording_duration_ms) == ("Recording End", 99370264)
    assert detail.recording_session_stream_ids == (
        "st-254sopYUvi6F78ghpO9vn0A",
        "st-1A2b3c4D5e6F78ghij9Klmn",
    )
    prefix = parse_recording_prefix(detail.recording_s3_key_prefix)
    assert (prefix.account, prefix.channel_id) == (event.account, event.channel_id)
    assert prefix.started_at == datetime(2020, 6, 23, 20, 12, tzinfo=UTC)
    assert prefix.prefix == detail.recording_s3_key_prefix

    start_failure = parse_aws_event(fixture("ivs-recording-start-failure.json"))
    assert isinstance(start_failure, IvsRecordingStateChange)
    assert start_failure.detail.recording_status_reason == "ValidationException"
    assert start_failure.detail.recording_session_stream_ids == ()
    assert start_failure.detail.recording_s3_key_prefix == ""
    end_failure = parse_aws_event(fixture("ivs-recording-end-failure.json"))
    assert isinstance(end_failure, IvsRecordingStateChange)
    assert end_failure.channel_arn is not None
    assert end_failure.channel_id is None  # AWS's example ARN has no "channel/" part


def test_ivs_limit_breach_account_wide_has_no_channel() -> None:
    viewers = parse_aws_event(fixture("ivs-limit-breach-concurrent-viewers.json"))
    assert isinstance(viewers, IvsLimitBreach)
    assert (viewers.channel_arn, viewers.channel_id, viewers.detail.stream_id) == (None, None, None)
    assert (viewers.detail.limit_value, viewers.detail.exceeded_by) == (10, 11)
    bitrate = parse_aws_event(fixture("ivs-limit-breach-ingest-bitrate.json"))
    assert isinstance(bitrate, IvsLimitBreach)
    assert (bitrate.detail.limit_unit, bitrate.detail.channel_name) == (
        "bits per second",
        "Your Channel",
    )


def test_s3_object_created_fields_and_optional_keys() -> None:
    event = parse_aws_event(fixture("s3-object-created.json"))
    assert isinstance(event, S3ObjectCreated)
    obj, detail = event.detail.object, event.detail
    assert (obj.key, obj.size, obj.etag, obj.sequencer) == (
        "example-key",
        5,
        "b1946ac92492d2347c6235b4d2611184",
        "617f08299329d189",
    )
    assert obj.version_id == "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"
    assert (detail.request_id, detail.source_ip_address) == ("N4N7GDK58NMKJ12R", "1.2.3.4")
    assert "aws-generated-tags" in (detail.bucket.model_extra or {})
    older = mutated("s3-object-created.json", "detail.event-version")
    del older["detail"]["source-ip-address"], older["detail"]["object"]["version-id"]
    parsed = parse_aws_event(older)
    assert isinstance(parsed, S3ObjectCreated)
    assert parsed.detail.event_version is parsed.detail.source_ip_address is None
    assert parsed.detail.object.version_id is None


def test_mediaconvert_outputs_and_errors() -> None:
    event = parse_aws_event(fixture("mediaconvert-complete.json"))
    assert isinstance(event, MediaConvertJobStateChange)
    assert event.detail.job_id == "1671476818694-phptj0"
    group = event.detail.output_group_details[0]
    output = group.output_details[0]
    assert (group.type, output.duration_in_ms) == ("FILE_GROUP", 30041)
    assert output.output_file_paths == ("s3://DOC-EXAMPLE-BUCKET/file/file.mp4",)
    assert output.video_details is not None
    assert (output.video_details.width_in_px, output.video_details.height_in_px) == (1920, 1080)
    hls = parse_aws_event(fixture("mediaconvert-complete-hls.json"))
    assert isinstance(hls, MediaConvertJobStateChange)
    assert hls.detail.output_group_details[0].playlist_file_paths == (
        "s3://DOC-EXAMPLE-BUCKET/hls/main.m3u8",
    )
    error = parse_aws_event(fixture("mediaconvert-error.json"))
    assert isinstance(error, MediaConvertJobStateChange)
    assert (error.detail.error_code, error.detail.error_message) == (1040, "Example error message")


# fmt: off
FOREIGN_INPUT = [
    (b"{not json", "not valid JSON: Expecting property name enclosed in double quotes"),
    (b"\xc3\x28", "not valid JSON: 'utf-8' codec can't decode byte 0xc3"),
    ("[1, 2]", "expected a JSON object, got list"),
    ({"source": "aws.foo", "detail-type": "Bar"},
     "unsupported event: source=aws.foo detail-type=Bar"),
    ({}, "unsupported event: source=None detail-type=None"),
]
S3, REC, MC = "s3-object-created.json", "ivs-recording-end.json", "mediaconvert-complete.json"
STREAM, MC_ERR = "ivs-stream-state-stream-start.json", "mediaconvert-error.json"
# (fixture, field, new value, message after "<detail-type>: ")
MALFORMED = [
    (REC, "detail.recording_session_id", _DELETE, "detail.recording_session_id: Field required"),
    (S3, "detail.object.etag", _DELETE, "detail.object.etag: Field required"),
    (MC, "time", _DELETE, "time: Field required"),
    (REC, "detail.recording_duration_ms", "x", "detail.recording_duration_ms: Input should be a"),
    (STREAM, "detail.event_name", "Stream Exploded", "detail.event_name: Input should be 'Session"),
    (STREAM, "time", "2017-06-12T10:23:43", "time: Input should have timezone info"),
    (S3, "detail", ["a", "list"], "detail: Input should be a valid dictionary"),
    (MC, "detail.outputGroupDetails", _DELETE, "detail: Value error, COMPLETE events carry output"),
    (MC_ERR, "detail.errorCode", _DELETE, "detail: Value error, ERROR events carry errorCode"),
    # MediaConvert documents that it never emits SUBMITTED.
    (MC, "detail.status", "SUBMITTED", "detail.status: Input should be 'INPUT_INFORMATION'"),
]
# fmt: on


@pytest.mark.parametrize(("raw", "message"), FOREIGN_INPUT)
def test_foreign_input_is_rejected(raw: Any, message: str) -> None:
    assert invalid_message(raw).startswith(message)
    assert issubclass(InvalidAwsEvent, ValueError)


def test_known_detail_type_from_another_source_is_unsupported() -> None:
    message = invalid_message(mutated(S3, "source", "aws.ivs"))
    assert message == "unsupported event: source=aws.ivs detail-type=Object Created"
    message = invalid_message(mutated(S3, "detail-type", "Object Deleted"))
    assert message == "unsupported event: source=aws.s3 detail-type=Object Deleted"


def test_missing_field_message_is_exact() -> None:
    raw = mutated("ivs-recording-start.json", "detail.recording_s3_key_prefix")
    assert invalid_message(raw) == (
        "IVS Recording State Change: detail.recording_s3_key_prefix: Field required"
    )


@pytest.mark.parametrize(("name", "field", "value", "message"), MALFORMED)
def test_malformed_event_names_the_field(name: str, field: str, value: Any, message: str) -> None:
    detail_type = fixture(name)["detail-type"]
    assert invalid_message(mutated(name, field, value)).startswith(f"{detail_type}: {message}")


def test_many_errors_are_capped() -> None:
    message = invalid_message(mutated("ivs-recording-end.json", "detail", {}))
    assert message.count("Field required") == 5
    assert message.endswith("(+3 more)")


def test_unknown_fields_are_kept_and_events_are_frozen() -> None:
    event = mutated("ivs-recording-end.json", "detail.recording_new_field", 7)
    parsed = parse_aws_event(event | {"replay-name": "replay-1"})
    assert parsed.model_extra == {"replay-name": "replay-1"}
    assert parsed.detail.model_extra == {"recording_new_field": 7}
    assert parsed.model_dump(mode="json")["detail"]["recording_new_field"] == 7
    with pytest.raises(ValueError, match="frozen"):
        parsed.region = "eu-west-1"  # type: ignore[misc]


def test_real_recording_metadata_files_parse_and_point_at_real_files() -> None:
    files = [RECORDING / RECORDING_STARTED_KEY, RECORDING / RECORDING_ENDED_KEY]
    if not all(f.is_file() for f in files):
        pytest.fail(f"real IVS recording missing under {RECORDING} (set LIVECLIPS_SHARED_DIR)")
    started, ended = (parse_recording_metadata(f.read_bytes()) for f in files)
    assert started.recording_status == "RECORDING_STARTED"
    assert ended.recording_status == "RECORDING_ENDED"
    assert started.recording_ended_at is None
    assert started.media.hls.duration_ms is None
    assert ended.media.hls.duration_ms == 171546
    assert ended.recording_ended_at == datetime(2023, 2, 9, 22, 58, 30, tzinfo=UTC)
    assert started.media.thumbnails is not None
    assert started.media.thumbnails.path == "media/thumbnails"
    for meta in (started, ended):
        hls = meta.media.hls
        assert {r.path for r in hls.renditions} == {"720p30", "480p30", "360p30", "160p30"}
        paths = [hls.playlist_path(), hls.playlist_path(byte_range=True)]
        for rendition in hls.renditions:
            paths.append(hls.rendition_playlist_path(rendition))
            paths.append(hls.rendition_playlist_path(rendition, byte_range=True))
        assert all((RECORDING / p).is_file() for p in paths), paths
    top = max(ended.media.hls.renditions, key=lambda r: r.resolution_height or 0)
    assert (top.path, top.resolution_width, top.resolution_height) == ("720p30", 1280, 720)


def test_documented_recording_metadata_examples() -> None:
    ended = parse_recording_metadata((FIXTURES / "ivs-recording-metadata-ended.json").read_text())
    assert ended.media.latest_thumbnail is not None
    assert ended.media.latest_thumbnail.path == "media/latest_thumbnail/thumb.jpg"
    failed = parse_recording_metadata(fixture("ivs-recording-metadata-failed.json"))
    assert failed.recording_status_message == "InternalServerException"
    rendition = failed.media.hls.renditions[0]
    assert failed.media.hls.rendition_playlist_path(rendition) == "media/hls/480p30/playlist.m3u8"
    with pytest.raises(ValueError, match="no byte-range playlist"):
        failed.media.hls.rendition_playlist_path(rendition, byte_range=True)


META = "ivs-recording-metadata-ended.json"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (mutated(META, "media.hls.renditions"), "media.hls.renditions: Field required"),
        (
            mutated(META, "media.hls.renditions", []),
            "media.hls.renditions: Tuple should have at least 1",
        ),
        (mutated(META, "version", "v2"), "version: Input should be 'v1'"),
        (b"", "not valid JSON"),
    ],
)
def test_malformed_recording_metadata_is_named(raw: Any, message: str) -> None:
    with pytest.raises(InvalidAwsEvent) as info:
        parse_recording_metadata(raw)
    assert message in str(info.value)


def test_prefix_accepts_documented_spellings_and_splits_keys() -> None:
    parsed = parse_recording_prefix(DOC_PREFIX)
    minute = datetime(2020, 6, 23, 20, 12, tzinfo=UTC)
    assert parsed == RecordingPrefix("123456789012", "AsXego4U6tnj", minute, "j8Z9O91ndcVs")
    assert parse_recording_prefix(f"/{DOC_PREFIX}/") == parsed  # the docs' format starts with "/"
    padded = parse_recording_prefix("ivs/v1/123456789012/AsXego4U6tnj/2020/06/03/05/07/abc")
    assert padded.prefix == "ivs/v1/123456789012/AsXego4U6tnj/2020/6/3/5/7/abc"
    key = f"{DOC_PREFIX}/media/hls/720p30/playlist.m3u8"
    assert split_recording_key(key) == (parsed, "media/hls/720p30/playlist.m3u8")
    assert parsed.key("/media/hls/720p30/playlist.m3u8") == key


NOT_PREFIX, NOT_KEY = "not an IVS recording prefix", "not an object key inside an IVS recording"
PARSE, SPLIT = parse_recording_prefix, split_recording_key


@pytest.mark.parametrize(
    ("function", "bad", "message"),
    [
        (PARSE, "", NOT_PREFIX),
        (PARSE, DOC_PREFIX.replace("v1", "v2"), NOT_PREFIX),
        (PARSE, DOC_PREFIX.replace("123456789012", "12345678901"), NOT_PREFIX),
        (PARSE, DOC_PREFIX.replace("/12/", "/"), NOT_PREFIX),
        (PARSE, DOC_PREFIX.rsplit("/", 1)[0], NOT_PREFIX),
        (PARSE, f"{DOC_PREFIX}/media/hls/master.m3u8", NOT_PREFIX),
        (PARSE, f"bucket/{DOC_PREFIX}", NOT_PREFIX),
        (PARSE, DOC_PREFIX.replace("/6/", "/13/"), "invalid date"),
        (SPLIT, DOC_PREFIX.replace("/6/23/", "/2/30/") + "/x.ts", "invalid date"),
        (SPLIT, DOC_PREFIX, NOT_KEY),
        (SPLIT, f"{DOC_PREFIX}/", NOT_KEY),
        (SPLIT, "", NOT_KEY),
    ],
)
def test_prefix_rejects_keys_that_do_not_fit(function: Any, bad: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        function(bad)


def test_hand_built_prefix_is_validated() -> None:
    minute = datetime(2020, 6, 23, 20, 12, tzinfo=UTC)
    for args, message in [
        (("1234", "c", minute, "r"), "account"),
        (("123456789012", "a/b", minute, "r"), "channel_id"),
        (("123456789012", "c", minute.replace(tzinfo=None), "r"), "whole UTC minute"),
        (("123456789012", "c", minute.replace(second=5), "r"), "whole UTC minute"),
    ]:
        with pytest.raises(ValueError, match=message):
            RecordingPrefix(*args)


ids = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
    min_size=1,
    max_size=16,
)
prefixes = st.builds(
    RecordingPrefix,
    account=st.from_regex(r"\d{12}", fullmatch=True),
    channel_id=ids,
    started_at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2999, 12, 31)).map(
        lambda t: t.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
    recording_id=ids,
)
relative_paths = st.lists(
    st.from_regex(r"[a-z0-9._-]{1,12}", fullmatch=True), min_size=1, max_size=5
).map("/".join)


@given(prefixes, relative_paths)
def test_prefix_and_key_round_trip(prefix: RecordingPrefix, relative: str) -> None:
    assert (
        parse_recording_prefix(prefix.prefix)
        == parse_recording_prefix(prefix.prefix + "/")
        == prefix
    )
    assert split_recording_key(prefix.key(relative)) == (prefix, relative)
