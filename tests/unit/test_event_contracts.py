from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liveclips.contracts.events import InvalidMessage, SegmentReady, StreamStateChanged, decode
from liveclips_dev.generate_schemas import drifted

EVENT = StreamStateChanged(
    event_id="e-1",
    occurred_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/abc",
    channel_id="abc",
    stream_id="st-1",
    state="started",
)


def test_round_trip_through_bytes_and_attributes():
    attributes = EVENT.envelope_attributes()
    assert attributes == {
        "type": "stream.state_changed",
        "event_id": "e-1",
        "schema_version": "1",
        "occurred_at": "2026-11-23T12:00:00Z",
    }
    assert decode((StreamStateChanged,), EVENT.model_dump_json().encode(), attributes) == EVENT


@pytest.mark.parametrize(
    ("data", "attributes", "message"),
    [
        (b"{}", {"type": "nope", "schema_version": "1"}, "type='nope' is not one of"),
        (b"{}", {"type": "stream.state_changed", "schema_version": "9"}, "schema_version='9'"),
        (b"not json", {"type": "stream.state_changed", "schema_version": "1"}, "Invalid JSON"),
        (
            b'{"event_id": "x"}',
            {"type": "stream.state_changed", "schema_version": "1"},
            "occurred_at: Field required",
        ),
    ],
)
def test_undecodable_messages_say_why(data, attributes, message):
    with pytest.raises(InvalidMessage, match=message):
        decode((StreamStateChanged, SegmentReady), data, attributes)


def test_checked_in_json_schemas_match_the_models():
    assert drifted() == []
