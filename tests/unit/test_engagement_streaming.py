"""The engagement transforms in streaming (TestStream): the on-time pane, a late event within
the allowed lateness refining the same row, and one past it dropped, counted, dead-lettered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing import test_stream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import Timestamp

from pipelines.engagement import direct_metrics
from pipelines.engagement.events import NAMESPACE
from pipelines.engagement.transforms import DEAD_LETTERS, TOO_LATE_REASON, Engagement
from tests.engagement_events import T0_S, at, raw

LIVE = {"stream_id": "st1", "channel_id": "ch1"}
LATENESS_S = 600


def _stamped(seconds: float, session: str, **fields: Any) -> TimestampedValue:
    # As Pub/Sub delivers it: the payload, stamped with its event_time attribute.
    return TimestampedValue(raw("heartbeat", seconds, session, **fields), T0_S + seconds)


class _WithPane(beam.DoFn):
    def process(self, row: Any, pane: Any = beam.DoFn.PaneInfoParam) -> Iterator[Any]:
        yield row[1]["viewers"], pane.timing


def _streaming_pipeline() -> beam.Pipeline:
    options = PipelineOptions([], runner="BundleBasedDirectRunner")
    options.view_as(StandardOptions).streaming = True
    return beam.Pipeline(options=options)


# Without it the DirectRunner drops a step's counts after its first bundle on each thread.
direct_metrics.apply()


def _counter(result: Any, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE).with_name(name))
    return sum(c.committed for c in found["counters"])


def test_on_time_then_refined_late_then_too_late_dropped_and_counted():
    horizon = 60 + LATENESS_S  # minute 0's window closes for good here
    stream = (
        test_stream.TestStream()
        .advance_watermark_to(Timestamp(T0_S))
        .add_elements([_stamped(10, "a", **LIVE), _stamped(20, "b", **LIVE)])
        .advance_watermark_to(Timestamp(T0_S + 61))  # minute 0: on-time pane, 2 viewers
        .add_elements([_stamped(30, "c", **LIVE)])  # late but within lateness: refines to 3
        .advance_watermark_to(Timestamp(T0_S + horizon + 1))
        .add_elements([_stamped(40, "d", **LIVE)])  # too late: dropped from minute 0
        .advance_watermark_to_infinity()
    )
    p = _streaming_pipeline()
    out = p | stream | Engagement(batch=False, lateness_s=LATENESS_S)
    panes = out["concurrent_viewers"] | beam.ParDo(_WithPane())
    assert_that(
        panes,
        equal_to(
            [
                (2, beam.utils.windowed_value.PaneInfoTiming.ON_TIME),
                (3, beam.utils.windowed_value.PaneInfoTiming.LATE),
            ]
        ),
        label="OnTimeThenRefined",
    )
    watch = out["watch_time"] | "Watch" >> beam.Map(lambda r: (r[1]["minute"], r[1]["sessions"]))
    assert_that(watch, equal_to([(at(0), 2), (at(0), 3)]), label="WatchNeverSeesTooLate")
    dead = out[DEAD_LETTERS] | "Dead" >> beam.Map(lambda b: (b.reason, b.at))
    assert_that(dead, equal_to([(TOO_LATE_REASON, T0_S + 40)]), label="DeadLettered")
    result = p.run()
    result.wait_until_finish()
    assert _counter(result, "too_late_60s") == 1
    # the same event is in time for its hour and its day, which still count it
    assert _counter(result, "too_late_3600s") == 0
    assert _counter(result, "too_late_86400s") == 0
    assert _counter(result, "events") == 4


def test_a_late_event_refines_the_hourly_clip_row_it_belongs_to():
    clip = {"clip_id": "c1", "channel_id": "ch1"}

    def impression(seconds: float, session: str) -> TimestampedValue:
        return TimestampedValue(raw("clip_impression", seconds, session, **clip), T0_S + seconds)

    stream = (
        test_stream.TestStream()
        .add_elements([impression(100, "a"), impression(200, "b")])
        .advance_watermark_to(Timestamp(T0_S + 3600 + 5))  # the hour closes: 2
        .add_elements([impression(300, "c")])  # 5 s late: refined to 3
        .advance_watermark_to_infinity()
    )
    p = _streaming_pipeline()
    out = p | stream | Engagement(batch=False, lateness_s=LATENESS_S)
    impressions = out["clip_engagement"] | beam.Map(lambda r: r[1]["impressions"])
    assert_that(impressions, equal_to([2, 3]))
    result = p.run()
    result.wait_until_finish()
    assert _counter(result, "too_late_3600s") == 0


def test_resent_events_on_the_stream_count_once():
    same = _stamped(10, "a", event_id="dup", **LIVE)
    stream = (
        test_stream.TestStream()
        .add_elements([same, _stamped(11, "b", **LIVE)])
        .add_elements([same])  # a resent batch, redelivered later
        .advance_watermark_to_infinity()
    )
    p = _streaming_pipeline()
    out = p | stream | Engagement(batch=False, lateness_s=LATENESS_S)
    watch = out["watch_time"] | beam.Map(lambda r: r[1]["watch_seconds"])
    assert_that(watch, equal_to([20.0]))
    p.run().wait_until_finish()


class _Count(beam.DoFn):
    def process(self, x: int) -> Iterator[int]:
        beam.metrics.Metrics.counter(NAMESPACE, "probe").inc()
        yield x


def test_counters_add_up_over_many_bundles_with_the_direct_runner_fix():
    stream = (
        test_stream.TestStream()
        .add_elements([1, 2])
        .advance_watermark_to(Timestamp(10))
        .add_elements([3])
        .advance_watermark_to(Timestamp(20))
        .add_elements([4])
        .advance_watermark_to_infinity()
    )
    p = _streaming_pipeline()
    _ = p | stream | beam.ParDo(_Count())
    result = p.run()
    result.wait_until_finish()
    assert _counter(result, "probe") == 4
