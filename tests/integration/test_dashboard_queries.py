"""Every panel's SQL, macros expanded as Grafana would, runs on the emulator's `analytics`
database (PostgreSQL dialect) and returns the columns the panel declares.

Twice: on rows seeded here (a fixed 2025 show, so values can be checked exactly), and on
the Beam job's own output (a synthetic day backfilled by pipelines/engagement), so the
panels are known to read what the job really writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from google.cloud import spanner
from google.cloud.spanner_v1.database import Database

from dashboards import clip_leaderboard, live_now, retention
from dashboards.board import Board
from dashboards.build import all_boards
from dashboards.macros import expand
from dashboards.query import PanelQuery
from liveclips.adapters.config import settings
from pipelines.engagement import pipeline, synthetic
from pipelines.engagement.tables import COLUMNS

pytestmark = pytest.mark.integration

# A fixed past show, far from the "now" other tests write at, so their rows stay out.
SHOW = datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
MINUTES = 30
RANGE = (datetime(2025, 5, 30, tzinfo=UTC), datetime(2025, 6, 2, tzinfo=UTC))
DAYS = (date(2025, 5, 30), date(2025, 5, 31), date(2025, 6, 1))
STREAMS = {"st-dash-a": "ch-dash-1", "st-dash-b": "ch-dash-2"}
# title -> (sessions started per day, share of them left at each next 5 %)
TITLES = {"ti-dash-1": (200, 0.9), "ti-dash-2": (100, 0.6)}
# clip -> (impressions, plays, shares) per hour, for three hours
CLIPS = {
    "cl-dash-hit": (400, 120, 9),
    "cl-dash-ok": (300, 30, 1),
    "cl-dash-niche": (10, 8, 0),  # best CTR, but 30 impressions: too few to rank on it
}


def _minutes() -> list[datetime]:
    return [SHOW + timedelta(minutes=m) for m in range(MINUTES)]


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    minutes = _minutes()
    viewers = [
        (stream, channel, at, 10 + 5 * i + m)
        for i, (stream, channel) in enumerate(STREAMS.items())
        for m, at in enumerate(minutes)
    ]
    watch = [(s, "live", c, at, 60.0 * n, n) for s, c, at, n in viewers]
    watch += [("ti-dash-1", "vod", "ch-dash-1", at, 240.0, 4) for at in minutes]
    curve = [
        (title, p, round(starts * keep ** (p // 5)), day)
        for title, (starts, keep) in TITLES.items()
        for day in DAYS
        for p in range(0, 101, 5)
    ]
    hours = [SHOW + timedelta(hours=h) for h in range(3)]
    clips = [
        (clip, at, imp, plays, shares, plays / imp)
        for clip, (imp, plays, shares) in CLIPS.items()
        for at in hours
    ]
    qos = [
        (at, platform, 20, 600.0 + 100 * k, 1500.0 + 300 * k, k, 2.5 * k)
        for k, platform in enumerate(("ios", "android", "web"))
        for at in minutes
    ]
    # A minute without play starts has no percentiles (NULL), only stalls.
    qos.append((SHOW + timedelta(minutes=MINUTES), "web", 0, None, None, 3, 4.0))
    creators = [
        (channel, day, 3600.0 * (d + 1), 40 + d, 100 * (d + 1), 10 * d)
        for channel in STREAMS.values()
        for d, day in enumerate(DAYS)
    ]
    bad = [
        (SHOW, "unknown kind", 3),
        (SHOW + timedelta(minutes=5), "play_start events need ttff_ms", 1),
    ]
    # Columns in the order the Beam job writes them (pipelines/engagement/tables.py).
    return {
        "concurrent_viewers": viewers,
        "watch_time": watch,
        "retention": curve,
        "clip_engagement": clips,
        "qos": qos,
        "creator_daily": creators,
        "bad_rows": bad,
    }


@pytest.fixture(scope="module")
def analytics(emulators) -> Iterator[Database]:
    config = settings()
    client = spanner.Client(project=config.gcp_project)
    database = client.instance(config.spanner_instance).database("analytics")
    with database.batch() as batch:
        for table, values in _rows().items():
            batch.insert_or_update(table, columns=COLUMNS[table], values=values)
    yield database
    client.close()


def run(database: Database, sql: str) -> tuple[list[str], list[list[Any]]]:
    with database.snapshot() as snapshot:
        # A deadline: a query the emulator cannot plan may hang rather than fail.
        results = snapshot.execute_sql(sql, timeout=60)
        rows = [list(row) for row in results]
        return [field.name for field in results.fields], rows


def variable_values(database: Database, board: Board) -> dict[str, list[str]]:
    """What Grafana would offer for each variable with "All" selected: its query's rows."""
    values: dict[str, list[str]] = {}
    for variable in board.variables:
        sql = expand(variable.query.sql, start=RANGE[0], end=RANGE[1], variables=values)
        _, rows = run(database, sql)
        values[variable.name] = [str(row[0]) for row in rows]
    return values


def panel(database: Database, board: Board, query: PanelQuery) -> tuple[list[str], list[list[Any]]]:
    variables = variable_values(database, board)
    return run(database, expand(query.sql, start=RANGE[0], end=RANGE[1], variables=variables))


CASES = [
    pytest.param(board, query, id=f"{board.uid}/{query.title}")
    for board in all_boards()
    for query in board.queries()
]


@pytest.mark.parametrize(("board", "query"), CASES)
def test_every_panel_runs_and_returns_the_columns_it_declares(analytics, board, query):
    columns, rows = panel(analytics, board, query)

    assert rows, f"no rows for {query.title}"
    assert tuple(columns) == query.columns


def test_variables_offer_the_seeded_channels_and_titles_most_started_first(analytics):
    by_uid = {board.uid: board for board in all_boards()}

    channels = variable_values(analytics, by_uid["liveclips-creator-performance"])["channel"]
    titles = variable_values(analytics, by_uid["liveclips-retention"])["title"]

    assert {"ch-dash-1", "ch-dash-2"} <= set(channels)
    assert [title for title in titles if title in TITLES] == ["ti-dash-1", "ti-dash-2"]


def test_viewers_now_adds_every_stream_in_the_newest_minute(analytics):
    board = live_now.board()
    _, rows = panel(analytics, board, live_now.CURRENT_VIEWERS)

    last = MINUTES - 1
    assert rows == [[sum(10 + 5 * i + last for i in range(len(STREAMS)))]]


def test_the_ctr_ranking_leaves_out_clips_with_few_impressions(analytics):
    board = clip_leaderboard.board()
    _, by_ctr = panel(analytics, board, clip_leaderboard.TOP_BY_CTR)
    _, by_plays = panel(analytics, board, clip_leaderboard.TOP_BY_PLAYS)

    ranked = [clip for clip, _ in by_ctr]
    assert "cl-dash-niche" not in ranked
    assert ranked.index("cl-dash-hit") < ranked.index("cl-dash-ok")
    hit = next(row for row in by_plays if row[0] == "cl-dash-hit")
    assert hit[1:4] == [360, 1200, 27]
    assert hit[4] == pytest.approx(0.3)  # from the summed counts, not the hourly means


def test_a_retention_curve_starts_at_100_percent_and_falls(analytics):
    # A repeated panel gets one title: what Grafana sends for the ti-dash-2 copy.
    sql = expand(
        retention.CURVE.sql, start=RANGE[0], end=RANGE[1], variables={"title": ["ti-dash-2"]}
    )
    _, curve = run(analytics, sql)

    percents = [row[0] for row in curve]
    retained = [row[1] for row in curve]
    assert percents == list(range(0, 101, 5))
    assert retained[0] == pytest.approx(100.0)
    assert retained == sorted(retained, reverse=True)
    assert retained[1] == pytest.approx(60.0)


@pytest.fixture(scope="module")
def filled_by_the_pipeline(analytics, tmp_path_factory) -> tuple[datetime, datetime]:
    """The Beam job's own output: a synthetic day of player events (live viewers, VOD
    sessions, a clip feed, stalls, duplicates, bad rows) backfilled into `analytics`."""
    events = tmp_path_factory.mktemp("engagement") / "events.jsonl"
    events.write_text("\n".join(synthetic.events(4000)) + "\n")
    pipeline.run(["--mode", "batch", "--input", str(events),
                  "--out", str(events.parent / "out")])  # fmt: skip
    return synthetic.START - timedelta(hours=1), synthetic.START + timedelta(days=1)


@pytest.mark.parametrize(("board", "query"), CASES)
def test_every_panel_reads_the_pipelines_own_output(
    analytics, filled_by_the_pipeline, board, query
):
    start, end = filled_by_the_pipeline
    variables: dict[str, list[str]] = {}
    for variable in board.variables:
        _, found = run(analytics, expand(variable.query.sql, start=start, end=end,
                                         variables=variables))  # fmt: skip
        variables[variable.name] = [str(row[0]) for row in found]
    columns, rows = run(analytics, expand(query.sql, start=start, end=end, variables=variables))

    assert tuple(columns) == query.columns
    # The synthetic day's clips get ~20 impressions each, under the CTR ranking's floor;
    # that panel's rows are checked on the seeded data above.
    if query is not clip_leaderboard.TOP_BY_CTR:
        assert rows, f"the pipeline's output gives {query.title} no rows"
