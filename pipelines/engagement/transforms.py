"""The shared composite transforms: raw event rows -> rows of every `analytics` table.

Streaming (Pub/Sub) and batch (files) differ only in where the elements' event time comes
from (`ParseEvents(stamp=...)`), how duplicates are removed, and whether late data exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.pvalue import PCollection
from apache_beam.transforms.combiners import CountCombineFn
from apache_beam.transforms.deduplicate import DeduplicatePerKey
from apache_beam.transforms.window import TimestampedValue
from apache_beam.utils.timestamp import Duration

from pipelines.engagement import combiners, rules
from pipelines.engagement.events import BAD, BadRow, Event, ParseEvents, to_json
from pipelines.engagement.late import TooLate
from pipelines.engagement.tables import Row
from pipelines.engagement.windows import (
    ALLOWED_LATENESS_S,
    DAY_S,
    HOUR_S,
    MINUTE_S,
    day_of,
    start_of,
    windowed,
)

UNKNOWN_CHANNEL = "unknown"  # concurrent_viewers.channel_id is NOT NULL
UNKNOWN_PLATFORM = "unknown"
VIEWING_KINDS = frozenset({"heartbeat", "live_join", "play_start"})
DEAD_LETTERS = "dead_letters"  # the output next to one per table
TOO_LATE_REASON = "too late: after the allowed lateness of its 1-minute window"


class _ToRows(beam.DoFn):
    """(key, combined) in a window -> rows, via fn(key, combined, window)."""

    def __init__(self, fn: Callable[[Any, Any, Any], Iterator[Row]]) -> None:
        self._fn = fn

    def process(self, kv: tuple[Any, Any], w: Any = beam.DoFn.WindowParam) -> Iterator[Row]:
        yield from self._fn(kv[0], kv[1], w)


def _viewers_row(stream_id: str, out: tuple[int, str | None], w: Any) -> Iterator[Row]:
    viewers, channel = out
    yield (
        "concurrent_viewers",
        {
            "stream_id": stream_id,
            "channel_id": channel or UNKNOWN_CHANNEL,
            "minute": start_of(w),
            "viewers": viewers,
        },
    )


def _watch_row(key: tuple[str, str], out: tuple[float, int, str | None], w: Any) -> Iterator[Row]:
    seconds, sessions, channel = out
    yield (
        "watch_time",
        {
            "subject_id": key[0],
            "kind": key[1],
            "channel_id": channel,
            "minute": start_of(w),
            "watch_seconds": seconds,
            "sessions": sessions,
        },
    )


def _retention_rows(title_id: str, furthest: dict[str, float], w: Any) -> Iterator[Row]:
    for percent, sessions in rules.retention_curve(furthest.values()).items():
        yield (
            "retention",
            {
                "title_id": title_id,
                "percent": percent,
                "sessions": sessions,
                "day": day_of(w),
            },
        )


def _clip_row(clip_id: str, out: tuple[float, ...], w: Any) -> Iterator[Row]:
    impressions, plays, shares = (int(n) for n in out)
    yield (
        "clip_engagement",
        {
            "clip_id": clip_id,
            "hour": start_of(w),
            "impressions": impressions,
            "plays": plays,
            "shares": shares,
            "ctr": rules.click_through(plays, impressions),
        },
    )


def _qos_row(platform: str, out: dict[str, Any], w: Any) -> Iterator[Row]:
    yield "qos", {"minute": start_of(w), "platform": platform, **out}


def _creator_row(channel_id: str, out: dict[str, Any], w: Any) -> Iterator[Row]:
    yield "creator_daily", {"channel_id": channel_id, "day": day_of(w), **out}


def _bad_row(reason: str, count: int, w: Any) -> Iterator[Row]:
    yield "bad_rows", {"minute": start_of(w), "reason": reason, "count": count}


def _viewing(e: Event) -> Iterator[tuple[str, tuple[str, str | None]]]:
    if e.kind in VIEWING_KINDS and e.stream_id:
        yield e.stream_id, (e.session_id, e.channel_id)


def _heartbeat(e: Event) -> Iterator[tuple[tuple[str, str], tuple[str, float, str | None]]]:
    # A title wins over a stream: a heartbeat of a past show's VOD may still name the show.
    if e.kind != "heartbeat":
        return
    if e.title_id:
        yield (e.title_id, "vod"), (e.session_id, e.at, e.channel_id)
    elif e.stream_id:
        yield (e.stream_id, "live"), (e.session_id, e.at, e.channel_id)


def _position(e: Event) -> Iterator[tuple[str, tuple[str, float]]]:
    if e.title_id and e.position_s is not None and e.duration_s:
        yield e.title_id, (e.session_id, rules.watched_fraction(e.position_s, e.duration_s))


_CLIP_COUNTS = {"clip_impression": (1, 0, 0), "clip_play": (0, 1, 0), "share": (0, 0, 1)}


def _clip(e: Event) -> Iterator[tuple[str, tuple[int, int, int]]]:
    if e.clip_id and e.kind in _CLIP_COUNTS:
        yield e.clip_id, _CLIP_COUNTS[e.kind]


def _qos(e: Event) -> Iterator[tuple[str, tuple[str, float]]]:
    platform = e.platform or UNKNOWN_PLATFORM
    if e.kind == "play_start" and e.ttff_ms is not None:
        yield platform, ("play", float(e.ttff_ms))
    elif e.kind == "stall" and e.stall_ms is not None:
        yield platform, ("stall", float(e.stall_ms))


def _creator_events(e: Event) -> Iterator[tuple[str, tuple[str, int]]]:
    # Only clip plays and clip shares that name their channel are a creator's.
    if e.channel_id and e.clip_id and e.kind in ("clip_play", "share"):
        yield e.channel_id, ("play" if e.kind == "clip_play" else "share", 1)


def _creator_from_minutes(row: Row) -> Iterator[tuple[str, tuple[Any, ...]]]:
    table, v = row
    if table == "concurrent_viewers" and v["channel_id"] != UNKNOWN_CHANNEL:
        yield v["channel_id"], ("peak", v["viewers"])
    elif table == "watch_time" and v["channel_id"]:
        yield v["channel_id"], ("watch", (v["subject_id"], v["minute"]), v["watch_seconds"])


class _CombineRows(beam.PTransform[Any, Any]):
    """(key, value) already windowed -> combine per key -> rows (Flatten first if several)."""

    def __init__(self, combine: beam.CombineFn, to_rows: Callable[..., Iterator[Row]]) -> None:
        super().__init__()
        self._combine = combine
        self._to_rows = to_rows

    def expand(self, pcolls: Any) -> PCollection[Any]:
        merged = pcolls | "Flatten" >> beam.Flatten() if isinstance(pcolls, tuple) else pcolls
        return (
            merged
            | "Combine" >> beam.CombinePerKey(self._combine)
            | "Rows" >> beam.ParDo(_ToRows(self._to_rows))
        )


class _Aggregate(beam.PTransform[Any, Any]):
    """events -> select (key, value) -> windows -> combine per key -> rows."""

    def __init__(
        self,
        select: Callable[[Any], Iterator[tuple[Any, Any]]],
        size_s: int,
        combine: beam.CombineFn,
        to_rows: Callable[[Any, Any, Any], Iterator[Row]],
        lateness_s: int,
    ) -> None:
        super().__init__()
        self._args = (select, size_s, combine, to_rows, lateness_s)

    def expand(self, pcoll: PCollection[Any]) -> PCollection[Any]:
        select, size_s, combine, to_rows, lateness_s = self._args
        return (
            pcoll
            | "Select" >> beam.FlatMap(select)
            | "Window" >> windowed(size_s, lateness_s)
            | "Combine" >> _CombineRows(combine, to_rows)
        )


class Dedupe(beam.PTransform[Any, Any]):
    """One event per event_id (the client's id: a resent batch is counted once).

    Streaming: state per id for a window's lateness, as Pub/Sub's id_label would do on
    Dataflow (the DirectRunner refuses id_label). Batch: a combine per id, then the event
    is stamped again (a grouping re-stamps its output at the end of the global window).
    """

    def __init__(self, *, batch: bool, lateness_s: int) -> None:
        super().__init__()
        self._batch = batch
        self._lateness_s = lateness_s

    def expand(self, events: PCollection[Any]) -> PCollection[Any]:
        keyed = events | "ById" >> beam.Map(lambda e: (e.event_id, e))
        if self._batch:
            return (
                keyed
                | "OnePerId" >> beam.CombinePerKey(min)
                | "Restamp" >> beam.Map(lambda kv: TimestampedValue(kv[1], kv[1].at))
            )
        horizon = Duration(seconds=MINUTE_S + self._lateness_s)
        return (
            keyed
            | "OnePerId" >> DeduplicatePerKey(event_time_duration=horizon)
            | "Values" >> beam.Values()
        )


class Engagement(beam.PTransform[Any, Any]):
    """Raw rows (bytes or str) -> {table: PCollection of Row, ..., "dead_letters": BadRow}.

    batch=True: rows from files, stamped from occurred_at, nothing is ever late.
    batch=False: rows from Pub/Sub, stamped by its event_time attribute; events later than
    the allowed lateness are counted and dead-lettered (late.py).
    """

    def __init__(self, *, batch: bool, lateness_s: int = ALLOWED_LATENESS_S) -> None:
        super().__init__()
        self._batch = batch
        self._lateness_s = lateness_s

    def expand(self, raw: PCollection[Any]) -> dict[str, PCollection[Any]]:
        late = self._lateness_s
        parsed = raw | "Parse" >> beam.ParDo(ParseEvents(stamp=self._batch)).with_outputs(
            BAD, main="events"
        )
        events = parsed.events | "Dedupe" >> Dedupe(batch=self._batch, lateness_s=late)

        def agg(select: Any, size_s: int, combine: Any, to_rows: Any) -> _Aggregate:
            return _Aggregate(select, size_s, combine, to_rows, late)

        viewers = events | "ConcurrentViewers" >> agg(
            _viewing, MINUTE_S, combiners.DistinctSessions(), _viewers_row
        )
        watch = events | "WatchTime" >> agg(
            _heartbeat, MINUTE_S, combiners.WatchTime(MINUTE_S), _watch_row
        )
        retention = events | "Retention" >> agg(
            _position, DAY_S, combiners.FurthestFraction(), _retention_rows
        )
        clips = events | "ClipEngagement" >> agg(_clip, HOUR_S, combiners.SumTuples(3), _clip_row)
        qos = events | "Qos" >> agg(_qos, MINUTE_S, combiners.Qos(), _qos_row)
        creators = (
            (viewers, watch)
            | "MinuteRows" >> beam.Flatten()
            | "FromMinutes" >> beam.FlatMap(_creator_from_minutes)
            | "MinutesByDay" >> windowed(DAY_S, late),
            events
            | "CreatorEvents" >> beam.FlatMap(_creator_events)
            | "EventsByDay" >> windowed(DAY_S, late),
        ) | "CreatorDaily" >> _CombineRows(combiners.CreatorDay(), _creator_row)
        bad = parsed[BAD]
        bad_counts = bad | "BadRows" >> agg(
            lambda b: iter([(b.reason, 1)]), MINUTE_S, CountCombineFn(), _bad_row
        )
        tables = {
            "concurrent_viewers": viewers,
            "watch_time": watch,
            "retention": retention,
            "clip_engagement": clips,
            "qos": qos,
            "creator_daily": creators,
            "bad_rows": bad_counts,
        }
        dead: PCollection[Any] = bad
        if not self._batch:
            too_late = (
                events
                | "TooLate" >> TooLate(MINUTE_S, late)
                | "AsDeadLetter" >> beam.Map(_too_late_row)
            )
            for size_s in (HOUR_S, DAY_S):  # counted only; the 1-minute branch dead-letters
                _ = events | f"TooLate{size_s}s" >> TooLate(size_s, late)
            dead = (bad, too_late) | "DeadLetters" >> beam.Flatten()
        return {**tables, DEAD_LETTERS: dead}


def _too_late_row(e: Event) -> BadRow:
    return BadRow(to_json(e), TOO_LATE_REASON, e.at)
