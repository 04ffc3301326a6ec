"""Pure rules the aggregations apply, kept out of Beam so they are unit-tested directly."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

# The player sends a heartbeat about every 10 s while playing (liveclips/contracts/player.py).
HEARTBEAT_S = 10.0
RETENTION_STEP = 5  # percent
RETENTION_BUCKETS: tuple[int, ...] = tuple(range(0, 101, RETENTION_STEP))
# A position reported as 49.9999999 % because of float division still reached 50 %.
_EPSILON = 1e-9


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks (numpy's
    default), or None for no values: an empty minute has no TTFF, not a TTFF of 0."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def session_watch_seconds(heartbeats: Iterable[float], window_s: float) -> float:
    """Seconds one session watched in one window, from its heartbeat times (epoch seconds).

    Each heartbeat credits min(HEARTBEAT_S, time since the session's previous heartbeat in
    the window); the first one in the window credits a full HEARTBEAT_S, since the player
    was playing for the interval that heartbeat closes (the previous one fell in the window
    before, or the session just started and the first report comes one period in). So a
    paused player (no heartbeats) earns nothing, extra heartbeats after a resume or a seek
    do not earn more than the time between them, and resent duplicates earn 0. The total
    is capped at the window's length.
    """
    ordered = sorted(heartbeats)
    total = 0.0
    previous: float | None = None
    for at in ordered:
        total += HEARTBEAT_S if previous is None else min(HEARTBEAT_S, at - previous)
        previous = at
    return min(total, window_s)


def watched_fraction(position_s: float, duration_s: float) -> float:
    """How far into a title a position is, 0..1 (positions past the end count as the end)."""
    return min(max(position_s / duration_s, 0.0), 1.0)


def retention_curve(max_fractions: Iterable[float]) -> dict[int, int]:
    """Sessions that reached each 5 % bucket, from each session's furthest fraction (0..1).

    Bucket 0 counts every session that reported a position; a session counts in bucket p
    when it got to at least p % of the duration (100 only if it reached the very end).
    """
    fractions = list(max_fractions)
    return {
        percent: sum(1 for f in fractions if f + _EPSILON >= percent / 100)
        for percent in RETENTION_BUCKETS
    }


def click_through(plays: int, impressions: int) -> float | None:
    """Plays per impression; None without impressions (undefined, not 0). It can exceed 1:
    a clip is also played from shares and links that were never a feed impression."""
    return plays / impressions if impressions else None
