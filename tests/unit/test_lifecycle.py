from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from liveclips.domain.lifecycle import apply_recording_change, apply_stream_change

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EVENTS = [
    ("session_created", T0),
    ("started", T0 + timedelta(seconds=1)),
    ("ended", T0 + timedelta(minutes=30)),
    ("session_ended", T0 + timedelta(minutes=31)),
]


def apply_all(events):
    record = None
    for change, at in events:
        record = apply_stream_change(
            record, stream_id="st-1", channel_id="ch", change=change, at=at
        )
    return record


def test_any_delivery_order_converges_to_the_same_stream():
    expected = apply_all(EVENTS)
    assert expected.state == "ENDED"
    assert expected.started_at == T0 + timedelta(seconds=1)
    assert expected.ended_at == T0 + timedelta(minutes=31)
    for order in itertools.permutations(EVENTS):
        assert apply_all(order) == expected


def test_stream_end_before_stream_start_still_ends_the_stream():
    record = apply_all([EVENTS[2], EVENTS[1]])
    assert record.state == "ENDED"
    assert record.started_at == EVENTS[1][1]


def test_duplicates_are_harmless():
    assert apply_all(EVENTS + EVENTS) == apply_all(EVENTS)


def test_failure_is_terminal():
    record = apply_all([("failed", T0), ("started", T0 + timedelta(seconds=5))])
    assert record.state == "FAILED"


def test_recording_end_keeps_duration_and_stream_from_any_order():
    common = {"recording_id": "r1", "channel_id": "ch", "bucket": "b", "key_prefix": "p"}
    end = {"change": "ended", "at": T0 + timedelta(minutes=5), "duration_ms": 300_000}
    start = {"change": "started", "at": T0}
    late_start = apply_recording_change(
        apply_recording_change(None, stream_id=None, **common, **end),
        stream_id="st-1",
        **common,
        **start,
    )
    in_order = apply_recording_change(
        apply_recording_change(None, stream_id="st-1", **common, **start),
        stream_id="st-1",
        **common,
        **end,
    )
    assert late_start == in_order
    assert in_order.state == "ENDED"
    assert in_order.duration_ms == 300_000
