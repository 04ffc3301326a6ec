"""Creator performance: per channel per day (creator_daily), filtered by `$channel`."""

from __future__ import annotations

from dashboards import panels
from dashboards.board import Board
from dashboards.query import PanelQuery

# creator_daily.day is a date. Compared with `$__timeFilter`'s timestamp literals it is
# read as a date (the time part dropped), so a range keeps every day it touches. For the
# time axis it becomes midnight UTC: a plain `day::timestamptz` would be midnight in
# Spanner's default zone (America/Los_Angeles) and shift every point by 7-8 hours.
# Only this constant is formatted into the SQL below; Grafana fills the rest.
_DAY_AS_TIME = "(day::text || 'T00:00:00Z')::timestamptz"

CHANNELS = PanelQuery(
    title="channel",
    sql="""\
SELECT DISTINCT channel_id
FROM creator_daily
WHERE $__timeFilter(day)
ORDER BY channel_id""",
    columns=("channel_id",),
)

WATCH_HOURS = PanelQuery(
    title="Watch hours per day",
    description="Live and VOD hours watched of the channel's streams and titles.",
    sql=f"""\
SELECT {_DAY_AS_TIME} AS time, channel_id AS metric, watch_seconds / 3600.0 AS watch_hours
FROM creator_daily
WHERE $__timeFilter(day) AND channel_id IN ($channel)
ORDER BY day, channel_id""",  # noqa: S608
    columns=("time", "metric", "watch_hours"),
    format="time_series",
)

PEAK_VIEWERS = PanelQuery(
    title="Peak concurrent viewers per day",
    sql=f"""\
SELECT {_DAY_AS_TIME} AS time, channel_id AS metric, peak_viewers
FROM creator_daily
WHERE $__timeFilter(day) AND channel_id IN ($channel)
ORDER BY day, channel_id""",  # noqa: S608
    columns=("time", "metric", "peak_viewers"),
    format="time_series",
)

CLIP_PLAYS = PanelQuery(
    title="Clip plays per day",
    sql=f"""\
SELECT {_DAY_AS_TIME} AS time, channel_id AS metric, clip_plays
FROM creator_daily
WHERE $__timeFilter(day) AND channel_id IN ($channel)
ORDER BY day, channel_id""",  # noqa: S608
    columns=("time", "metric", "clip_plays"),
    format="time_series",
)

CLIP_SHARES = PanelQuery(
    title="Clip shares per day",
    sql=f"""\
SELECT {_DAY_AS_TIME} AS time, channel_id AS metric, clip_shares
FROM creator_daily
WHERE $__timeFilter(day) AND channel_id IN ($channel)
ORDER BY day, channel_id""",  # noqa: S608
    columns=("time", "metric", "clip_shares"),
    format="time_series",
)

TOTALS = PanelQuery(
    title="Channels over the range",
    sql="""\
SELECT channel_id,
       sum(watch_seconds) / 3600.0 AS watch_hours,
       max(peak_viewers) AS peak_viewers,
       sum(clip_plays)::bigint AS clip_plays,
       sum(clip_shares)::bigint AS clip_shares,
       count(*) AS days
FROM creator_daily
WHERE $__timeFilter(day) AND channel_id IN ($channel)
GROUP BY channel_id
ORDER BY watch_hours DESC, channel_id""",
    columns=("channel_id", "watch_hours", "peak_viewers", "clip_plays", "clip_shares", "days"),
)


def board() -> Board:
    b = Board(
        "liveclips-creator-performance",
        "Creator performance",
        "Per channel per day: watch hours, peak viewers, clip plays and shares.",
        time_from="now-30d",
    )
    b.variable("channel", "Channel", CHANNELS)
    b.add(TOTALS, panels.grid(), width=24, height=7)
    b.add(WATCH_HOURS, panels.series("h", bars=True), width=12)
    b.add(PEAK_VIEWERS, panels.series("short"), width=12)
    b.add(CLIP_PLAYS, panels.series("short", bars=True), width=12)
    b.add(CLIP_SHARES, panels.series("short", bars=True), width=12)
    return b
