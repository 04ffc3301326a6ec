"""The engagement transforms in batch (TestPipeline): each table's rows from small event
sets, bad rows counted and dead-lettered, resent events counted once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from pipelines.engagement import direct_metrics
from pipelines.engagement.events import NAMESPACE
from pipelines.engagement.transforms import DEAD_LETTERS, Engagement
from tests.engagement_events import at, event, raw

LIVE = {"stream_id": "st1", "channel_id": "ch1"}
# Rows with no time of their own (not even a readable occurred_at) are filed here.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
VOD = {"title_id": "t1", "channel_id": "ch1", "duration_s": 100.0}


def _run(lines: list[bytes], expected: dict[str, list[Any]]) -> Any:
    """Runs Engagement(batch=True) on lines; asserts each named output's rows (values dicts
    for tables, (reason, raw) for dead letters); returns the pipeline result."""
    p = beam.Pipeline(options=PipelineOptions([], runner="BundleBasedDirectRunner"))
    out = p | beam.Create(lines) | Engagement(batch=True)
    for name, rows in expected.items():
        if name == DEAD_LETTERS:
            got = out[name] | f"Pick{name}" >> beam.Map(lambda b: (b.reason, b.raw))
        else:
            got = out[name] | f"Pick{name}" >> beam.Map(lambda row: row[1])
        assert_that(got, equal_to(rows), label=f"Check{name}")
    result = p.run()
    result.wait_until_finish()
    return result


# Without it the DirectRunner drops a step's counts after its first bundle on each thread.
direct_metrics.apply()


def _counter(result: Any, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE).with_name(name))
    return sum(c.committed for c in found["counters"])


def test_concurrent_viewers_are_distinct_sessions_per_stream_minute():
    lines = [
        raw("live_join", 1, "a", **LIVE),
        raw("play_start", 2, "a", ttff_ms=500, **LIVE),
        raw("heartbeat", 12, "a", **LIVE),
        raw("heartbeat", 30, "b", stream_id="st1"),  # no channel: still a viewer
        raw("heartbeat", 65, "a", **LIVE),
        raw("live_leave", 70, "b", **LIVE),  # leaving is not viewing
        raw("heartbeat", 5, "c", stream_id="st2"),
        raw("clip_play", 5, "d", clip_id="c1"),  # no stream
    ]
    _run(
        lines,
        {
            "concurrent_viewers": [
                {"stream_id": "st1", "channel_id": "ch1", "minute": at(0), "viewers": 2},
                {"stream_id": "st1", "channel_id": "ch1", "minute": at(60), "viewers": 1},
                {"stream_id": "st2", "channel_id": "unknown", "minute": at(0), "viewers": 1},
            ]
        },
    )


def test_watch_time_per_subject_minute_follows_the_heartbeat_rule():
    lines = [
        *(raw("heartbeat", 5 + 10 * i, "a", **LIVE) for i in range(6)),  # a full minute
        raw("heartbeat", 40, "b", **LIVE),  # one heartbeat: 10 s
        raw("heartbeat", 20, "v", position_s=20.0, **{**VOD, "stream_id": "st1"}),
        raw("heartbeat", 25, "v", position_s=25.0, **VOD),
        raw("play_start", 1, "v", ttff_ms=300, **VOD),  # not a heartbeat
    ]
    _run(
        lines,
        {
            "watch_time": [
                {
                    "subject_id": "st1",
                    "kind": "live",
                    "channel_id": "ch1",
                    "minute": at(0),
                    "watch_seconds": 70.0,
                    "sessions": 2,
                },
                {
                    "subject_id": "t1",
                    "kind": "vod",
                    "channel_id": "ch1",
                    "minute": at(0),
                    "watch_seconds": 15.0,
                    "sessions": 1,
                },
            ]
        },
    )


def test_retention_counts_each_session_at_its_furthest_position():
    lines = [
        raw("play_start", 0, "a", ttff_ms=300, position_s=0.0, **VOD),
        raw("heartbeat", 10, "a", position_s=10.0, **VOD),
        raw("heartbeat", 20, "a", position_s=52.0, **VOD),  # a seek forward
        raw("stop", 30, "a", position_s=12.0, **VOD),  # then back: furthest stays 52 %
        raw("heartbeat", 10, "b", position_s=100.0, **VOD),
        raw("heartbeat", 10, "c", position_s=3.0, **VOD),
    ]
    sessions = {0: 3, 5: 2, 50: 2, 55: 1, 100: 1}
    expected = []
    for percent in range(0, 101, 5):
        count = next(n for p, n in sorted(sessions.items(), reverse=True) if p <= percent)
        expected.append(
            {"title_id": "t1", "percent": percent, "sessions": count, "day": date(2026, 1, 5)}
        )
    _run(lines, {"retention": expected})


def test_clip_engagement_per_hour_with_click_through():
    clip = {"clip_id": "c1", "channel_id": "ch1"}
    lines = [
        *(raw("clip_impression", 10 * i, f"s{i}", **clip) for i in range(4)),
        raw("clip_play", 11, "s1", **clip),
        raw("share", 20, "s1", **clip),
        raw("clip_play", 3700, "s9", **clip),  # next hour, no impression
        raw("share", 30, "s1", title_id="t1"),  # a title share is not a clip's
    ]
    _run(
        lines,
        {
            "clip_engagement": [
                {
                    "clip_id": "c1",
                    "hour": at(0),
                    "impressions": 4,
                    "plays": 1,
                    "shares": 1,
                    "ctr": 0.25,
                },
                {
                    "clip_id": "c1",
                    "hour": at(3600),
                    "impressions": 0,
                    "plays": 1,
                    "shares": 0,
                    "ctr": None,
                },
            ]
        },
    )


def test_qos_per_minute_and_platform():
    lines = [
        *(
            raw("play_start", i, f"s{i}", ttff_ms=ms, platform="ios", **LIVE)
            for i, ms in enumerate([100, 200, 300, 400, 1000])
        ),
        raw("stall", 20, "s1", stall_ms=1500, platform="ios", **LIVE),
        raw("stall", 21, "s1", stall_ms=500, platform="ios", **LIVE),
        raw("stall", 22, "s2", stall_ms=250, **LIVE),
    ]
    _run(
        lines,
        {
            "qos": [
                {
                    "minute": at(0),
                    "platform": "ios",
                    "plays": 5,
                    "ttff_p50_ms": 300.0,
                    "ttff_p95_ms": pytest.approx(880.0),
                    "stalls": 2,
                    "stall_seconds": 2.0,
                },
                {
                    "minute": at(0),
                    "platform": "unknown",
                    "plays": 0,
                    "ttff_p50_ms": None,
                    "ttff_p95_ms": None,
                    "stalls": 1,
                    "stall_seconds": 0.25,
                },
            ]
        },
    )


def test_creator_daily_rolls_up_watch_peak_and_clips():
    lines = [
        # minute 0: two viewers of st1 (ch1), 10 s + 10 s; minute 1: three viewers, 30 s
        raw("heartbeat", 5, "a", **LIVE),
        raw("heartbeat", 6, "b", **LIVE),
        *(raw("heartbeat", 65, s, **LIVE) for s in ("a", "b", "c")),
        # a second stream of the same channel, one viewer
        raw("heartbeat", 70, "d", stream_id="st9", channel_id="ch1"),
        raw("clip_play", 100, "e", clip_id="c1", channel_id="ch1"),
        raw("share", 101, "e", clip_id="c1", channel_id="ch1"),
        raw("share", 102, "e", title_id="t1", channel_id="ch1"),  # not a clip share
        raw("clip_play", 103, "f", clip_id="c2"),  # no channel named
    ]
    _run(
        lines,
        {
            "creator_daily": [
                {
                    "channel_id": "ch1",
                    "day": date(2026, 1, 5),
                    "watch_seconds": 60.0,
                    "peak_viewers": 3,
                    "clip_plays": 1,
                    "clip_shares": 1,
                },
            ]
        },
    )


def test_bad_rows_are_counted_dead_lettered_and_never_raised():
    broken_kind = event("teleport", 10, **LIVE)
    no_ttff = event("play_start", 20, **LIVE)
    lines = [
        raw("heartbeat", 5, "a", **LIVE),
        b"{not json",
        b"[1, 2]",
        json.dumps(broken_kind).encode(),
        json.dumps(no_ttff).encode(),
        b"   ",  # blank lines are skipped, not bad
    ]
    result = _run(
        lines,
        {
            DEAD_LETTERS: [
                ("not json", b"{not json"),
                ("not a json object", b"[1, 2]"),
                ("invalid kind: literal_error", lines[3]),
                ("invalid event: play_start events need ttff_ms", lines[4]),
            ],
            "bad_rows": [
                {"minute": EPOCH, "reason": "not json", "count": 1},
                {"minute": EPOCH, "reason": "not a json object", "count": 1},
                {"minute": at(0), "reason": "invalid kind: literal_error", "count": 1},
                {
                    "minute": at(0),
                    "reason": "invalid event: play_start events need ttff_ms",
                    "count": 1,
                },
            ],
            "concurrent_viewers": [
                {"stream_id": "st1", "channel_id": "ch1", "minute": at(0), "viewers": 1}
            ],
        },
    )
    assert _counter(result, "bad_rows") == 4
    assert _counter(result, "events") == 1


def test_a_resent_event_counts_once():
    once = raw("clip_impression", 5, "a", clip_id="c1", event_id="same")
    _run(
        [once, once, raw("clip_impression", 6, "b", clip_id="c1")],
        {
            "clip_engagement": [
                {
                    "clip_id": "c1",
                    "hour": at(0),
                    "impressions": 2,
                    "plays": 0,
                    "shares": 0,
                    "ctr": 0.0,
                },
            ]
        },
    )
