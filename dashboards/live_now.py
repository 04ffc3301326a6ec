"""Live now: who is watching which stream, minute by minute (concurrent_viewers, watch_time)."""

from __future__ import annotations

from dashboards import panels
from dashboards.board import Board
from dashboards.query import PanelQuery

# "Now" is the newest minute the job has written inside the range, not the clock: the
# job lags by a window plus its allowed lateness, so the current minute is often absent.
CURRENT_VIEWERS = PanelQuery(
    title="Viewers now",
    description="Sessions watching any live stream in the newest minute of the range.",
    sql="""\
SELECT coalesce(sum(viewers)::bigint, 0) AS viewers
FROM concurrent_viewers
WHERE minute = (SELECT max(minute) FROM concurrent_viewers WHERE $__timeFilter(minute))""",
    columns=("viewers",),
)

LIVE_STREAMS = PanelQuery(
    title="Streams live now",
    description="Streams with at least one viewer in the newest minute of the range.",
    sql="""\
SELECT count(DISTINCT stream_id) AS streams
FROM concurrent_viewers
WHERE minute = (SELECT max(minute) FROM concurrent_viewers WHERE $__timeFilter(minute))""",
    columns=("streams",),
)

LIVE_WATCH_HOURS = PanelQuery(
    title="Live watch hours",
    description="Hours of live video watched over the range (heartbeats).",
    sql="""\
SELECT coalesce(sum(watch_seconds), 0) / 3600.0 AS watch_hours
FROM watch_time
WHERE kind = 'live' AND $__timeFilter(minute)""",
    columns=("watch_hours",),
)

VIEWERS_PER_STREAM = PanelQuery(
    title="Concurrent viewers per stream",
    sql="""\
SELECT minute AS time, stream_id AS metric, viewers
FROM concurrent_viewers
WHERE $__timeFilter(minute)
ORDER BY minute, stream_id""",
    columns=("time", "metric", "viewers"),
    format="time_series",
)

# Seconds watched in a minute / 60 = the average number of people watching that minute.
WATCH_MINUTES = PanelQuery(
    title="Watch minutes per minute, live and VOD",
    description="Seconds watched per minute / 60: the average audience of that minute.",
    sql="""\
SELECT minute AS time, kind AS metric, sum(watch_seconds) / 60.0 AS watch_minutes
FROM watch_time
WHERE $__timeFilter(minute)
GROUP BY minute, kind
ORDER BY minute, kind""",
    columns=("time", "metric", "watch_minutes"),
    format="time_series",
)

TOP_STREAMS = PanelQuery(
    title="Streams in the range by peak viewers",
    sql="""\
SELECT stream_id, channel_id, max(viewers) AS peak_viewers, max(minute) AS last_minute
FROM concurrent_viewers
WHERE $__timeFilter(minute)
GROUP BY stream_id, channel_id
ORDER BY peak_viewers DESC, stream_id
LIMIT 20""",
    columns=("stream_id", "channel_id", "peak_viewers", "last_minute"),
)


def board() -> Board:
    b = Board(
        "liveclips-live-now",
        "Live now",
        "Concurrent viewers and watch time of live streams, per minute.",
        time_from="now-3h",
        refresh="30s",
    )
    b.row("Now")
    b.add(CURRENT_VIEWERS, panels.big_number("short"), width=8, height=5)
    b.add(LIVE_STREAMS, panels.big_number("short"), width=8, height=5)
    b.add(LIVE_WATCH_HOURS, panels.big_number("h"), width=8, height=5)
    b.row("Over the range")
    b.add(VIEWERS_PER_STREAM, panels.series("short"), width=24, height=9)
    b.add(WATCH_MINUTES, panels.series("short", stacked=True), width=12, height=8)
    b.add(TOP_STREAMS, panels.grid(), width=12, height=8)
    return b
