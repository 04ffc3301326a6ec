"""CombineFns of the engagement aggregates. Each keeps what it needs to recompute the whole
aggregate (sets of sessions, heartbeat times), not a running number, so an accumulating
pane that adds a late event re-emits the exact full value rather than an increment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import apache_beam as beam

from pipelines.engagement import rules

# The channel a key belongs to, from whichever of its events named one.
Channel = str | None


def _channel(a: Channel, b: Channel) -> Channel:
    # max(), not "first seen": the merge order of accumulators is not deterministic.
    return max(a, b) if a and b else a or b


class DistinctSessions(beam.CombineFn):
    """(session_id, channel) -> (distinct sessions, channel)."""

    def create_accumulator(self) -> tuple[set[str], Channel]:
        return set(), None

    def add_input(
        self, acc: tuple[set[str], Channel], value: tuple[str, Channel]
    ) -> tuple[set[str], Channel]:
        acc[0].add(value[0])
        return acc[0], _channel(acc[1], value[1])

    def merge_accumulators(
        self, accs: Iterable[tuple[set[str], Channel]]
    ) -> tuple[set[str], Channel]:
        sessions: set[str] = set()
        channel: Channel = None
        for s, c in accs:
            sessions |= s
            channel = _channel(channel, c)
        return sessions, channel

    def extract_output(self, acc: tuple[set[str], Channel]) -> tuple[int, Channel]:
        return len(acc[0]), acc[1]


class WatchTime(beam.CombineFn):
    """(session_id, heartbeat epoch s, channel) -> (watch seconds, sessions, channel)."""

    def __init__(self, window_s: float) -> None:
        self._window_s = window_s

    def create_accumulator(self) -> tuple[dict[str, list[float]], Channel]:
        return {}, None

    def add_input(
        self, acc: tuple[dict[str, list[float]], Channel], value: tuple[str, float, Channel]
    ) -> tuple[dict[str, list[float]], Channel]:
        acc[0].setdefault(value[0], []).append(value[1])
        return acc[0], _channel(acc[1], value[2])

    def merge_accumulators(
        self, accs: Iterable[tuple[dict[str, list[float]], Channel]]
    ) -> tuple[dict[str, list[float]], Channel]:
        merged: dict[str, list[float]] = {}
        channel: Channel = None
        for sessions, c in accs:
            for session, beats in sessions.items():
                merged.setdefault(session, []).extend(beats)
            channel = _channel(channel, c)
        return merged, channel

    def extract_output(
        self, acc: tuple[dict[str, list[float]], Channel]
    ) -> tuple[float, int, Channel]:
        seconds = sum(rules.session_watch_seconds(b, self._window_s) for b in acc[0].values())
        return round(seconds, 3), len(acc[0]), acc[1]


class FurthestFraction(beam.CombineFn):
    """(session_id, fraction of the title) -> {session: furthest fraction}."""

    def create_accumulator(self) -> dict[str, float]:
        return {}

    def add_input(self, acc: dict[str, float], value: tuple[str, float]) -> dict[str, float]:
        acc[value[0]] = max(acc.get(value[0], 0.0), value[1])
        return acc

    def merge_accumulators(self, accs: Iterable[dict[str, float]]) -> dict[str, float]:
        merged: dict[str, float] = {}
        for acc in accs:
            for session, fraction in acc.items():
                merged[session] = max(merged.get(session, 0.0), fraction)
        return merged

    def extract_output(self, acc: dict[str, float]) -> dict[str, float]:
        return acc


class SumTuples(beam.CombineFn):
    """Element-wise sums of fixed-length numeric tuples (counts of several kinds at once)."""

    def __init__(self, width: int) -> None:
        self._width = width

    def create_accumulator(self) -> list[float]:
        return [0] * self._width

    def add_input(self, acc: list[float], value: tuple[float, ...]) -> list[float]:
        for i, v in enumerate(value):
            acc[i] += v
        return acc

    def merge_accumulators(self, accs: Iterable[list[float]]) -> list[float]:
        merged = [0.0] * self._width
        for acc in accs:
            for i, v in enumerate(acc):
                merged[i] += v
        return merged

    def extract_output(self, acc: list[float]) -> tuple[float, ...]:
        return tuple(acc)


class Qos(beam.CombineFn):
    """('play', ttff_ms) | ('stall', stall_ms) -> (plays, p50, p95, stalls, stall seconds).

    Exact percentiles: a minute of one platform's play starts is small. At a scale where it
    is not, this is the place for beam.ApproximateQuantiles' sketch.
    """

    def create_accumulator(self) -> tuple[list[float], int, float]:
        return [], 0, 0.0

    def add_input(
        self, acc: tuple[list[float], int, float], value: tuple[str, float]
    ) -> tuple[list[float], int, float]:
        ttffs, stalls, stall_ms = acc
        if value[0] == "play":
            ttffs.append(value[1])
            return ttffs, stalls, stall_ms
        return ttffs, stalls + 1, stall_ms + value[1]

    def merge_accumulators(
        self, accs: Iterable[tuple[list[float], int, float]]
    ) -> tuple[list[float], int, float]:
        ttffs: list[float] = []
        stalls, stall_ms = 0, 0.0
        for t, s, ms in accs:
            ttffs.extend(t)
            stalls += s
            stall_ms += ms
        return ttffs, stalls, stall_ms

    def extract_output(self, acc: tuple[list[float], int, float]) -> dict[str, Any]:
        ttffs, stalls, stall_ms = acc
        return {
            "plays": len(ttffs),
            "ttff_p50_ms": rules.percentile(ttffs, 50),
            "ttff_p95_ms": rules.percentile(ttffs, 95),
            "stalls": stalls,
            "stall_seconds": stall_ms / 1000,
        }


class CreatorDay(beam.CombineFn):
    """A channel's day from three inputs: ('peak', viewers) per stream-minute row,
    ('watch', (subject, minute), seconds) per watch_time row, ('play'|'share', 1) per event.

    The minute rows arrive once per pane; accumulating panes only ever grow, so the max per
    (subject, minute) is the latest pane and watch seconds are summed over those, never
    over every pane: the day equals the sum of the channel's watch_time rows.
    """

    def create_accumulator(self) -> dict[str, Any]:
        return {"peak": 0, "watch": {}, "play": 0, "share": 0}

    def add_input(self, acc: dict[str, Any], value: tuple[Any, ...]) -> dict[str, Any]:
        what = value[0]
        if what == "peak":
            acc["peak"] = max(acc["peak"], value[1])
        elif what == "watch":
            acc["watch"][value[1]] = max(acc["watch"].get(value[1], 0.0), value[2])
        else:
            acc[what] += value[1]
        return acc

    def merge_accumulators(self, accs: Iterable[dict[str, Any]]) -> dict[str, Any]:
        merged = self.create_accumulator()
        for acc in accs:
            merged["peak"] = max(merged["peak"], acc["peak"])
            merged["play"] += acc["play"]
            merged["share"] += acc["share"]
            for key, seconds in acc["watch"].items():
                merged["watch"][key] = max(merged["watch"].get(key, 0.0), seconds)
        return merged

    def extract_output(self, acc: dict[str, Any]) -> dict[str, Any]:
        return {
            "watch_seconds": round(sum(acc["watch"].values()), 3),
            "peak_viewers": acc["peak"],
            "clip_plays": acc["play"],
            "clip_shares": acc["share"],
        }
