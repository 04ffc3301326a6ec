"""The `analytics` tables the job writes (schemas/spanner/analytics.sql): columns in write
order and the primary key, which is what makes every write an overwrite."""

from __future__ import annotations

from typing import Any

Row = tuple[str, dict[str, Any]]  # (table, column -> value)

COLUMNS: dict[str, tuple[str, ...]] = {
    "concurrent_viewers": ("stream_id", "channel_id", "minute", "viewers"),
    "watch_time": ("subject_id", "kind", "channel_id", "minute", "watch_seconds", "sessions"),
    "retention": ("title_id", "percent", "sessions", "day"),
    "clip_engagement": ("clip_id", "hour", "impressions", "plays", "shares", "ctr"),
    "qos": (
        "minute",
        "platform",
        "plays",
        "ttff_p50_ms",
        "ttff_p95_ms",
        "stalls",
        "stall_seconds",
    ),
    "creator_daily": (
        "channel_id",
        "day",
        "watch_seconds",
        "peak_viewers",
        "clip_plays",
        "clip_shares",
    ),
    "bad_rows": ("minute", "reason", "count"),
}

KEYS: dict[str, tuple[str, ...]] = {
    "concurrent_viewers": ("stream_id", "minute"),
    "watch_time": ("subject_id", "minute"),
    "retention": ("title_id", "day", "percent"),
    "clip_engagement": ("clip_id", "hour"),
    "qos": ("minute", "platform"),
    "creator_daily": ("channel_id", "day"),
    "bad_rows": ("minute", "reason"),
}


def key_of(row: Row) -> tuple[Any, ...]:
    table, values = row
    return (table, *(values[c] for c in KEYS[table]))


# double precision columns: the client encodes a Python int as an INT64 string, which
# Spanner refuses for FLOAT64, so whole numbers (60 s watched) are sent as floats.
FLOAT_COLUMNS = frozenset({"watch_seconds", "ctr", "ttff_p50_ms", "ttff_p95_ms", "stall_seconds"})


def values_of(row: Row) -> tuple[Any, ...]:
    """The row's values in COLUMNS order, typed as the table's columns are."""
    table, values = row
    return tuple(
        float(values[c]) if c in FLOAT_COLUMNS and values[c] is not None else values[c]
        for c in COLUMNS[table]
    )
