"""Counting events that arrive too late to be aggregated.

Beam drops an element whose window expired (watermark > window end + allowed lateness)
inside GroupByKey, silently: Python has no counterpart of the Java runners'
`droppedDueToLateness` metric, and no DoFn can read the watermark to tell.

What a DoFn can do is be told the watermark passed a time: an event-time timer fires once
the input watermark reaches it. So a side branch, keyed by window and kept in the global
window (where nothing expires), sets a timer at each window's drop horizon (end + lateness
+ 1 µs: Beam drops when the watermark is strictly past end + lateness, and fires a timer
when it is at or past the timer). Once that timer fired the window is closed, and every
later event of that window is exactly one the aggregation dropped: it is counted
(`too_late_<size>s`) and sent on for dead-lettering. Both branches read the same
PCollection, so they see the same watermark.

Limits, also in docs/analytics.md: a window only closes after one event reached it in
time (a window whose every event is too late has no timer, so those go uncounted), and it
is forgotten a day after its horizon (state is not kept forever), so events more than a
day too late are not counted either.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.coders import BooleanCoder
from apache_beam.metrics.metric import Metrics
from apache_beam.pvalue import PCollection
from apache_beam.transforms import userstate, window
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.utils.timestamp import Duration, Timestamp

from pipelines.engagement.events import NAMESPACE, Event
from pipelines.engagement.windows import DAY_S

FORGET_AFTER_S = DAY_S
_EPSILON = Duration(micros=1)


CLOSED = userstate.ReadModifyWriteStateSpec("closed", BooleanCoder())
HORIZON = userstate.TimerSpec("horizon", TimeDomain.WATERMARK)
FORGET = userstate.TimerSpec("forget", TimeDomain.WATERMARK)
_CLOSED = beam.DoFn.StateParam(CLOSED)
_HORIZON = beam.DoFn.TimerParam(HORIZON)
_FORGET = beam.DoFn.TimerParam(FORGET)


class _FlagTooLate(beam.DoFn):
    def __init__(self, size_s: int, lateness_s: int) -> None:
        self._size_s = size_s
        self._lateness_s = lateness_s
        self._too_late = Metrics.counter(NAMESPACE, f"too_late_{size_s}s")

    def process(
        self,
        element: tuple[int, Event],
        closed: Any = _CLOSED,
        horizon: Any = _HORIZON,
    ) -> Iterator[Event]:
        start, event = element
        if closed.read():
            self._too_late.inc()
            yield event
            return
        horizon.set(Timestamp(start + self._size_s + self._lateness_s) + _EPSILON)

    @userstate.on_timer(HORIZON)
    def _close(
        self,
        fired: Any = beam.DoFn.TimestampParam,
        closed: Any = _CLOSED,
        forget: Any = _FORGET,
    ) -> None:
        closed.write(True)
        forget.set(fired + Duration(seconds=FORGET_AFTER_S))

    @userstate.on_timer(FORGET)
    def _forget(self, closed: Any = _CLOSED) -> None:
        closed.clear()


class _KeyByWindow(beam.DoFn):
    def __init__(self, size_s: int) -> None:
        self._size_s = size_s

    def process(
        self, event: Event, timestamp: Any = beam.DoFn.TimestampParam
    ) -> Iterator[tuple[int, Event]]:
        # The element's timestamp, not event.at: windows are assigned from the former.
        seconds = int(timestamp.micros // 1_000_000)
        yield seconds - seconds % self._size_s, event


class TooLate(beam.PTransform[Any, Any]):
    """Events (streaming, timestamped) -> those the `size_s` windows dropped as too late."""

    def __init__(self, size_s: int, lateness_s: int) -> None:
        super().__init__()
        self._size_s = size_s
        self._lateness_s = lateness_s

    def expand(self, events: PCollection[Any]) -> PCollection[Any]:
        return (
            events
            | "Global" >> beam.WindowInto(window.GlobalWindows())
            | "KeyByWindow" >> beam.ParDo(_KeyByWindow(self._size_s))
            | "Flag" >> beam.ParDo(_FlagTooLate(self._size_s, self._lateness_s))
        )
