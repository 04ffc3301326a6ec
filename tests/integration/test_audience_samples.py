"""The audience signal's live producer: player events posted to the ingest API become
AudienceSamples on `audience-samples` (at most one per stream and second, whichever API
instance takes it), record_signal stores them, and the detector's reader returns them.

The Redis part (counting and claiming) is run against the real Redis with chosen clocks;
the whole path against the local cloud's API, functions and emulators."""

from __future__ import annotations

import math
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from functions.gcp.main import record_signal
from liveclips.adapters import live_audience, pubsub, signal_store, spanner
from liveclips.contracts.events import AudienceSample, StreamStateChanged, decode, utc_rfc3339
from liveclips.domain.audience import StreamActivity
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import bearer, deliver, pull

pytestmark = pytest.mark.integration
NOW = 1_900_000_000.25  # a second's start + 0.25 s


def stream() -> str:
    return f"st-{uuid.uuid4().hex[:12]}"


def news(stream_id: str, seen=(), left=(), reactions=()) -> StreamActivity:
    return StreamActivity(stream_id, list(seen), list(left), list(reactions))


def test_one_sample_per_stream_and_second_across_instances(emulators):
    st = stream()
    claimed: list[live_audience.Tally] = []
    start = threading.Barrier(16)

    def instance(i: int) -> None:
        start.wait()
        found = live_audience.track([news(st, seen=[(f"s-{i}", NOW)])], NOW + i / 100, 1)
        claimed.extend(found)

    threads = [threading.Thread(target=instance, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # One of 16 requests in the same second takes the sample; the joins of the others
    # wait for the next sample, none lost or counted twice.
    assert len(claimed) == 1 and claimed[0].bucket_s == math.floor(NOW)
    assert 1 <= claimed[0].joins == claimed[0].viewers <= 16
    later = live_audience.track([news(st)], NOW + 1, 1)
    assert [(t.bucket_s, t.viewers, t.joins) for t in later] == [
        (math.floor(NOW) + 1, 16, 16 - claimed[0].joins)
    ]


def test_joins_are_new_sessions_and_reactions_count_once(emulators):
    st = stream()
    first = live_audience.track(
        [news(st, seen=[("a", NOW), ("b", NOW), ("a", NOW), ("old", NOW - 300)],
              reactions=["share-1", "share-1"])],
        NOW, 1,
    )  # fmt: skip
    # A resent batch: the same sessions and the same share.
    again = live_audience.track(
        [news(st, seen=[("a", NOW + 1), ("b", NOW + 1)], reactions=["share-1"])], NOW + 1, 1
    )

    assert [(t.viewers, t.joins, t.reactions) for t in first] == [(2, 2, 1)]
    assert [(t.viewers, t.joins, t.reactions) for t in again] == [(2, 0, 0)]


def test_the_last_leave_gets_a_sample_of_zero_even_when_its_second_is_taken(emulators):
    st = stream()
    assert live_audience.track([news(st, seen=[("a", NOW), ("b", NOW)])], NOW, 1)
    # Same second: the sample is taken; "a" leaving changes nothing worth another one.
    assert live_audience.track([news(st, left=["a"])], NOW + 0.1, 1) == []
    last = live_audience.track([news(st, left=["b"])], NOW + 0.2, 1)

    assert [(t.bucket_s, t.viewers) for t in last] == [(math.floor(NOW) + 1, 0)]
    # The next second is the one it took: nobody samples it twice.
    assert live_audience.track([news(st, seen=[("c", NOW + 1.1)])], NOW + 1.1, 1) == []


def test_silent_viewers_drop_out_of_the_next_sample(emulators):
    st = stream()
    live_audience.track([news(st, seen=[("a", NOW), ("b", NOW)])], NOW, 1)
    # "a" is heard from again, "b" not for 30 s (an app killed without live_leave).
    later = live_audience.track([news(st, seen=[("a", NOW + 31)])], NOW + 31, 1)

    assert [t.viewers for t in later] == [1]


def next_second() -> None:
    time.sleep(math.ceil(time.time()) - time.time() + 0.05)


def player(kind: str, stream_id: str, session: str, **fields: object) -> dict[str, object]:
    at = datetime.now(UTC).isoformat()
    return {"event_id": uuid.uuid4().hex, "kind": kind, "stream_id": stream_id,
            "session_id": session, "occurred_at": at, **fields}  # fmt: skip


def test_player_events_become_audience_samples_for_the_detector(cloud):
    api, headers = cloud["LIVECLIPS_API_URL"], bearer("audience-viewer")
    channel, st = f"Aud{uuid.uuid4().hex[:10]}", stream()
    started = StreamStateChanged(
        event_id=str(uuid.uuid4()), occurred_at=datetime.now(UTC),
        channel_arn=f"arn:aws:ivs:us-east-1:123456789012:channel/{channel}",
        channel_id=channel, stream_id=st, state="started",
    )  # fmt: skip
    pubsub.publish("ivs-events", started, ordering_key=channel)
    assert poll(lambda: spanner.stream(st))  # the Streams row says whose stream it is
    batches = [
        [player("live_join", st, s) for s in "abc"] + [player("share", st, "a")],
        [player("heartbeat", st, s) for s in "abc"] + [player("live_join", st, "a")],
        [player("live_leave", st, s) for s in "abc"],
    ]
    with fresh_subscription("audience-samples") as sub, httpx.Client(headers=headers) as http:
        for batch in batches:
            next_second()
            answer = http.post(f"{api}/v1/events", json={"events": batch}, timeout=10)
            assert answer.json() == {"accepted": len(batch), "rejected": []}
        messages = pull(sub, at_least=3, timeout_s=20)

    pairs = sorted(
        ((decode((AudienceSample,), m.data, dict(m.attributes)), m) for m in messages),
        key=lambda pair: pair[0].occurred_at,
    )
    samples = [sample for sample, _ in pairs]
    assert [(s.viewers, s.joins, s.reactions) for s in samples] == [(3, 3, 1), (3, 0, 0), (0, 0, 0)]
    for sample, message in pairs:
        assert sample.channel_id == channel
        assert sample.occurred_at.microsecond == 0
        assert sample.event_id == f"audience:{channel}:{int(sample.occurred_at.timestamp())}"
        assert message.attributes["event_id"] == sample.event_id
        assert message.attributes["type"] == "audience.sample"
        assert message.attributes["schema_version"] == "1"
        assert message.attributes["occurred_at"] == utc_rfc3339(sample.occurred_at)
    seconds = [s.occurred_at.timestamp() for s in samples]
    assert seconds[1] - seconds[0] >= 1 and seconds[2] - seconds[1] >= 1

    # record_signal (pushed by the emulator) has stored them on the show's time axis.
    origin = seconds[0] - 2

    def stored() -> signal_store.RawSignals | None:
        raw = signal_store.between(channel, origin, 0, 10)
        return raw if len(raw.viewers) == 3 else None

    raw = poll(stored)
    assert raw is not None
    assert raw.viewers == [(t - origin, s.viewers) for t, s in zip(seconds, samples, strict=True)]
    assert [n for _, n in raw.joins] == [3, 0, 0]
    assert [n for _, n in raw.reactions] == [1, 0, 0]

    # A redelivered sample (a publish retried, a push repeated) lands on itself.
    deliver(record_signal, samples[0])
    assert len(signal_store.between(channel, origin, 0, 10).viewers) == 3


def poll(check, timeout_s: float = 20.0):
    deadline = time.monotonic() + timeout_s
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.3)
    return result
