"""QoS: time to first frame and stalls per platform (qos), and rows the job dropped."""

from __future__ import annotations

from dashboards import panels
from dashboards.board import Board
from dashboards.query import PanelQuery

# The job writes exact percentiles per minute; a minute without play starts has none,
# and those gaps must stay gaps rather than drop to zero.
TTFF_P50 = PanelQuery(
    title="Time to first frame, p50",
    sql="""\
SELECT minute AS time, platform AS metric, ttff_p50_ms
FROM qos
WHERE $__timeFilter(minute) AND ttff_p50_ms IS NOT NULL
ORDER BY minute, platform""",
    columns=("time", "metric", "ttff_p50_ms"),
    format="time_series",
)

TTFF_P95 = PanelQuery(
    title="Time to first frame, p95",
    sql="""\
SELECT minute AS time, platform AS metric, ttff_p95_ms
FROM qos
WHERE $__timeFilter(minute) AND ttff_p95_ms IS NOT NULL
ORDER BY minute, platform""",
    columns=("time", "metric", "ttff_p95_ms"),
    format="time_series",
)

STALLS = PanelQuery(
    title="Stalls per minute",
    sql="""\
SELECT minute AS time, platform AS metric, stalls
FROM qos
WHERE $__timeFilter(minute)
ORDER BY minute, platform""",
    columns=("time", "metric", "stalls"),
    format="time_series",
)

# Percentiles cannot be merged across minutes: over the range the table shows the
# play-weighted mean of the minute medians and the worst minute's p95, and says so.
PER_PLATFORM = PanelQuery(
    title="Per platform over the range",
    description=(
        "ttff_p50_ms: mean of the per-minute medians weighted by plays; "
        "worst_ttff_p95_ms: the worst minute's p95."
    ),
    sql="""\
SELECT platform,
       sum(plays)::bigint AS plays,
       sum(CASE WHEN ttff_p50_ms IS NOT NULL THEN ttff_p50_ms * plays END)
         / sum(CASE WHEN ttff_p50_ms IS NOT NULL THEN plays END)::float8 AS ttff_p50_ms,
       max(ttff_p95_ms) AS worst_ttff_p95_ms,
       sum(stalls)::bigint AS stalls,
       CASE WHEN sum(plays)::bigint > 0
            THEN 100.0 * sum(stalls)::float8 / sum(plays)::float8 END AS stalls_per_100_plays,
       sum(stall_seconds) AS stall_seconds
FROM qos
WHERE $__timeFilter(minute)
GROUP BY platform
ORDER BY plays DESC, platform""",
    columns=(
        "platform",
        "plays",
        "ttff_p50_ms",
        "worst_ttff_p95_ms",
        "stalls",
        "stalls_per_100_plays",
        "stall_seconds",
    ),
)

BAD_ROWS = PanelQuery(
    title="Rows the analytics job could not read, per minute",
    description="Each went to the dead-letter topic with this reason.",
    sql="""\
SELECT minute AS time, reason AS metric, count AS bad_rows
FROM bad_rows
WHERE $__timeFilter(minute)
ORDER BY minute, reason""",
    columns=("time", "metric", "bad_rows"),
    format="time_series",
)

BAD_ROWS_TOTAL = PanelQuery(
    title="Unreadable rows in the range",
    sql="""\
SELECT coalesce(sum(count)::bigint, 0) AS bad_rows
FROM bad_rows
WHERE $__timeFilter(minute)""",
    columns=("bad_rows",),
)

# Colour bands to read the charts by, not an agreed objective: change them freely.
_TTFF_STEPS = panels.thresholds((None, "green"), (1000, "orange"), (2500, "red"))


def board() -> Board:
    b = Board(
        "liveclips-qos",
        "QoS",
        "Playback quality per platform: time to first frame and stalls; data problems.",
        time_from="now-6h",
        refresh="1m",
    )
    b.row("Playback")
    b.add(TTFF_P50, panels.series("ms", steps=_TTFF_STEPS), width=12)
    b.add(TTFF_P95, panels.series("ms", steps=_TTFF_STEPS), width=12)
    b.add(STALLS, panels.series("short", bars=True), width=12)
    b.add(PER_PLATFORM, panels.grid(), width=12)
    b.row("Data problems")
    any_is_red = panels.thresholds((None, "green"), (1, "red"))
    b.add(BAD_ROWS_TOTAL, panels.big_number("short", any_is_red), width=6)
    b.add(BAD_ROWS, panels.series("short", bars=True, stacked=True), width=18)
    return b
