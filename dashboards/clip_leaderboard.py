"""Clip leaderboard: the top clips of the selected range by plays, CTR and shares."""

from __future__ import annotations

from dashboards import panels
from dashboards.board import Board
from dashboards.query import PanelQuery

# A clip with 2 impressions and 2 plays has a 100 % click-through that means nothing;
# below this many impressions over the range a clip is left out of the CTR ranking.
MIN_IMPRESSIONS_FOR_CTR = 50

# Click-through over the range is recomputed from the summed counts: the mean of the
# hourly `ctr` values would weigh a quiet hour like a busy one.
TOP_BY_PLAYS = PanelQuery(
    title="Top clips by plays",
    sql="""\
SELECT clip_id,
       sum(plays)::bigint AS plays,
       sum(impressions)::bigint AS impressions,
       sum(shares)::bigint AS shares,
       CASE WHEN sum(impressions)::bigint > 0
            THEN sum(plays)::float8 / sum(impressions)::float8 END AS ctr
FROM clip_engagement
WHERE $__timeFilter(hour)
GROUP BY clip_id
ORDER BY plays DESC, clip_id
LIMIT 25""",
    columns=("clip_id", "plays", "impressions", "shares", "ctr"),
)

TOP_BY_CTR = PanelQuery(
    title=f"Top clips by click-through (at least {MIN_IMPRESSIONS_FOR_CTR} impressions)",
    description="Plays per feed impression; it can exceed 100 % (plays from shares, links).",
    sql=f"""\
SELECT clip_id, sum(plays)::float8 / sum(impressions)::float8 AS ctr
FROM clip_engagement
WHERE $__timeFilter(hour)
GROUP BY clip_id
HAVING sum(impressions)::bigint >= {MIN_IMPRESSIONS_FOR_CTR}
ORDER BY ctr DESC, clip_id
LIMIT 10""",  # noqa: S608
    columns=("clip_id", "ctr"),
)

TOP_BY_SHARES = PanelQuery(
    title="Top clips by shares",
    sql="""\
SELECT clip_id, sum(shares)::bigint AS shares
FROM clip_engagement
WHERE $__timeFilter(hour)
GROUP BY clip_id
HAVING sum(shares)::bigint > 0
ORDER BY shares DESC, clip_id
LIMIT 10""",
    columns=("clip_id", "shares"),
)

PLAYS_PER_HOUR = PanelQuery(
    title="Clip plays and shares per hour, all clips",
    sql="""\
SELECT hour AS time, sum(plays)::bigint AS plays, sum(shares)::bigint AS shares
FROM clip_engagement
WHERE $__timeFilter(hour)
GROUP BY hour
ORDER BY hour""",
    columns=("time", "plays", "shares"),
    format="time_series",
)


def board() -> Board:
    b = Board(
        "liveclips-clip-leaderboard",
        "Clip leaderboard",
        "The clips that worked over the selected range: plays, click-through, shares.",
        time_from="now-7d",
    )
    b.add(TOP_BY_PLAYS, panels.grid().unit("short"), width=24, height=10)
    b.add(TOP_BY_CTR, panels.ranking("percentunit"), width=12, height=10)
    b.add(TOP_BY_SHARES, panels.ranking("short"), width=12, height=10)
    b.add(PLAYS_PER_HOUR, panels.series("short", bars=True), width=24, height=8)
    return b
