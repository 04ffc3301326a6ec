"""Event-time windows, lateness and triggers shared by every aggregate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import apache_beam as beam
from apache_beam.transforms import trigger, window
from apache_beam.utils.timestamp import Duration

MINUTE_S = 60
HOUR_S = 3600
DAY_S = 86400
# Events up to this long after their window closed (by the watermark) still refine it.
ALLOWED_LATENESS_S = 600


def windowed(size_s: int, lateness_s: int = ALLOWED_LATENESS_S) -> beam.WindowInto:
    """Fixed event-time windows: one on-time pane when the watermark passes the window's
    end, then one refined pane per late element until `lateness_s` after it. Panes
    accumulate, so each refinement is the full aggregate, which the Spanner upsert writes
    over the previous one; an event later than that is dropped by Beam (see late.py)."""
    return beam.WindowInto(
        window.FixedWindows(size_s),
        trigger=trigger.AfterWatermark(late=trigger.AfterCount(1)),
        accumulation_mode=trigger.AccumulationMode.ACCUMULATING,
        allowed_lateness=Duration(seconds=lateness_s),
    )


def start_of(w: window.BoundedWindow) -> datetime:
    return datetime.fromtimestamp(float(w.start.micros) / 1e6, tz=UTC)


def day_of(w: window.BoundedWindow) -> date:
    return start_of(w).date()
