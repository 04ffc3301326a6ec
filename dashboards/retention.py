"""Retention: how far into each VOD title its viewers get (retention), per `$title`."""

from __future__ import annotations

from dashboards import panels
from dashboards.board import Board
from dashboards.query import PanelQuery

# Only the most started titles of the range: the curve panel repeats once per value.
TITLES = PanelQuery(
    title="title",
    sql="""\
SELECT title_id
FROM retention
WHERE percent = 0 AND $__timeFilter(day)
GROUP BY title_id
ORDER BY sum(sessions)::bigint DESC, title_id
LIMIT 20""",
    columns=("title_id",),
)

# Bucket 0 counts every session that reported a position, so it is the 100 % mark. No
# window functions in Spanner: the starters come from a scalar subquery.
CURVE = PanelQuery(
    title="Retention of $title",
    description="Share of the sessions that started the title still watching at each 5 %.",
    sql="""\
SELECT percent,
       100.0 * sum(sessions)::float8 / (
           SELECT sum(s.sessions)::float8
           FROM retention s
           WHERE s.percent = 0 AND s.title_id IN ($title) AND $__timeFilter(s.day)
       ) AS retained_pct
FROM retention
WHERE title_id IN ($title) AND $__timeFilter(day)
GROUP BY percent
ORDER BY percent""",
    columns=("percent", "retained_pct"),
)

SUMMARY = PanelQuery(
    title="Titles: starts, halfway, finished",
    sql="""\
SELECT title_id,
       sum(CASE WHEN percent = 0 THEN sessions ELSE 0 END)::bigint AS starts,
       sum(CASE WHEN percent = 50 THEN sessions ELSE 0 END)::bigint AS halfway,
       sum(CASE WHEN percent = 100 THEN sessions ELSE 0 END)::bigint AS finished,
       CASE WHEN sum(CASE WHEN percent = 0 THEN sessions ELSE 0 END)::bigint > 0
            THEN sum(CASE WHEN percent = 100 THEN sessions ELSE 0 END)::float8
                 / sum(CASE WHEN percent = 0 THEN sessions ELSE 0 END)::float8
       END AS completion
FROM retention
WHERE title_id IN ($title) AND $__timeFilter(day)
GROUP BY title_id
ORDER BY starts DESC, title_id""",
    columns=("title_id", "starts", "halfway", "finished", "completion"),
)


def board() -> Board:
    b = Board(
        "liveclips-retention",
        "Retention",
        "Retention curve per VOD title: who is still watching at each 5 % of its duration.",
        time_from="now-30d",
    )
    b.variable("title", "Title", TITLES, ordered=True)
    b.add(SUMMARY, panels.grid(), width=24, height=7)
    curve = panels.curve("percent", "percent").max(100).repeat("title").repeat_direction("h")
    b.add(CURVE, curve, width=12, height=9)
    return b
