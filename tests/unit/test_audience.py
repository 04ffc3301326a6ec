"""The audience signal's pure part: what a batch of player events says about each live
stream, the sampling buckets every API instance agrees on, and the sample's stable id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liveclips.adapters.live_audience import Tally
from liveclips.contracts.events import AudienceSample, decode
from liveclips.contracts.player import PlayerEvent
from liveclips.domain.audience import activity_of, bucket_of, sample_event_id
from liveclips.services.audience import sample_of

AT = datetime(2025, 5, 1, 12, 0, 7, 250_000, tzinfo=UTC)


def player(kind: str, session: str = "s-1", **fields: object) -> PlayerEvent:
    defaults: dict[str, object] = {"event_id": f"{kind}-{session}", "stream_id": "st-1"}
    if kind == "play_start":
        defaults["ttff_ms"] = 300
    return PlayerEvent.model_validate(
        {"kind": kind, "session_id": session, "occurred_at": AT, **defaults, **fields}
    )


def test_viewing_leaving_and_sharing_are_sorted_per_stream():
    batch = [
        player("live_join", "a"),
        player("heartbeat", "b"),
        player("play_start", "c", stream_id="st-2"),
        player("live_leave", "d"),
        player("share", "e", event_id="share-1"),
        player("stall", "f", stall_ms=200, stream_id="st-3"),
        player("heartbeat", "g", stream_id=None, title_id="t-1"),  # VOD: no stream
    ]

    found = activity_of(batch)

    assert list(found) == ["st-1", "st-2", "st-3"]
    at = AT.timestamp()
    assert found["st-1"].seen == [("a", at), ("b", at)]
    assert found["st-1"].left == ["d"]
    assert found["st-1"].reactions == ["share-1"]
    assert found["st-2"].seen == [("c", at)]
    # Named only by a stall: no news, but it may be due a sample.
    assert (found["st-3"].seen, found["st-3"].left, found["st-3"].reactions) == ([], [], [])


def test_a_share_of_a_clip_alone_is_no_reaction_of_a_stream():
    assert activity_of([player("share", stream_id=None, clip_id="c-1")]) == {}


@pytest.mark.parametrize(
    ("epoch_s", "interval_s", "bucket"),
    [(100.0, 1, 100), (100.999, 1, 100), (101.0, 1, 101), (104.9, 5, 100), (105.0, 5, 105)],
)
def test_a_moment_falls_in_one_bucket_whichever_instance_asks(epoch_s, interval_s, bucket):
    assert bucket_of(epoch_s, interval_s) == bucket


def test_the_interval_is_whole_seconds():
    with pytest.raises(ValueError, match="at least 1 s"):
        bucket_of(100.0, 0)


def test_a_sample_is_named_by_channel_and_bucket():
    assert sample_event_id("ch-1", 1700) == sample_event_id("ch-1", 1700)
    assert len({sample_event_id("ch-1", 1700), sample_event_id("ch-1", 1701),
                sample_event_id("ch-2", 1700)}) == 3  # fmt: skip


def test_the_sample_of_a_tally_carries_the_envelope_and_decodes():
    tally = Tally("st-1", bucket_s=1_746_100_807, viewers=42, joins=3, reactions=1,
                  channel_id=None)  # fmt: skip

    sample = sample_of(tally, "ch-1")
    again = sample_of(tally, "ch-1")

    assert sample == again  # a retry is the same message
    attributes = sample.envelope_attributes()
    assert attributes == {
        "type": "audience.sample",
        "event_id": "audience:ch-1:1746100807",
        "schema_version": "1",
        "occurred_at": "2025-05-01T12:00:07Z",
    }
    decoded = decode((AudienceSample,), sample.model_dump_json().encode(), attributes)
    assert (decoded.viewers, decoded.joins, decoded.reactions) == (42, 3, 1)
