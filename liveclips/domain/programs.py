"""A channel's schedule: what a program must be, and when two programs collide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DURATION_S = 12 * 3600
MAX_TAGS = 10
MAX_TITLE = 120


@dataclass(frozen=True)
class Program:
    channel_id: str
    program_id: str
    title: str
    tags: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a program may start the moment the previous one ends."""
    return a_start < b_end and b_start < a_end


def scheduling_problem(starts_at: datetime, duration_s: int, now: datetime) -> str | None:
    if starts_at <= now:
        return "a program must start in the future"
    if not 0 < duration_s <= MAX_DURATION_S:
        return f"a program lasts 1 s to {MAX_DURATION_S // 3600} h"
    return None


def earliest_overlapping_start(starts_at: datetime) -> datetime:
    """No program lasts longer than MAX_DURATION_S, so one that began earlier than this
    has ended by `starts_at`: the bound keeps overlap searches to a short index range."""
    return starts_at - timedelta(seconds=MAX_DURATION_S)
