"""The engagement job on the emulators: a backfill with BundleBasedDirectRunner into the
PostgreSQL `analytics` database, a second run of the same file leaving every row as it was,
and the streaming dead-letter sink publishing to `dead-letter`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from google.cloud import spanner

from liveclips.resources import SPANNER_INSTANCE
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from pipelines.engagement import synthetic
from pipelines.engagement.events import BadRow, Event, parse
from pipelines.engagement.io import PublishDeadLetters
from pipelines.engagement.pipeline import run
from pipelines.engagement.tables import COLUMNS, KEYS
from tests.support import pull

pytestmark = pytest.mark.integration


def _database(project: str) -> Any:
    return spanner.Client(project=project).instance(SPANNER_INSTANCE).database("analytics")


def _read_all(project: str) -> dict[str, list[tuple[Any, ...]]]:
    tables = {}
    with _database(project).snapshot(multi_use=True) as snapshot:
        for table, columns in COLUMNS.items():
            order = ", ".join(KEYS[table])
            sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"  # noqa: S608
            tables[table] = [tuple(row) for row in snapshot.execute_sql(sql)]
    return tables


def _empty_tables(project: str) -> None:
    def clear(txn: Any) -> None:
        for table in COLUMNS:
            txn.delete(table, spanner.KeySet(all_=True))

    _database(project).run_in_transaction(clear)


def test_backfill_writes_every_table_and_a_rerun_overwrites(
    emulators: dict[str, str], tmp_path: Path
) -> None:
    project = emulators["LIVECLIPS_GCP_PROJECT"]
    lines = synthetic.events(1500, seed=3)
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(lines) + "\n")
    _empty_tables(project)
    argv = [
        "--mode",
        "batch",
        "--input",
        str(events),
        "--out",
        str(tmp_path / "out"),
        "--spanner_project",
        project,
        "--runner",
        "BundleBasedDirectRunner",
    ]

    run(argv)
    first = _read_all(project)
    run(argv)
    second = _read_all(project)

    assert {table: len(rows) for table, rows in first.items() if not rows} == {}
    assert second == first  # overwritten in place: nothing added, nothing changed

    parsed = [parse(line.encode()) for line in lines]
    good = {e.event_id: e for e in parsed if isinstance(e, Event)}  # resends count once
    impressions = sum(1 for e in good.values() if e.kind == "clip_impression")
    assert sum(row[2] for row in first["clip_engagement"]) == impressions
    bad = [p for p in parsed if isinstance(p, str)]
    assert sum(row[2] for row in first["bad_rows"]) == len(bad)
    dead = (tmp_path / "out" / "dead-letter.jsonl").read_text().splitlines()
    assert sorted(json.loads(d)["reason"] for d in dead) == sorted(bad)


def test_streaming_dead_letters_go_to_the_topic_with_their_reason(
    emulators: dict[str, str],
) -> None:

    with fresh_subscription("dead-letter") as subscription:
        with beam.Pipeline(options=PipelineOptions([], runner="BundleBasedDirectRunner")) as p:
            _ = (
                p
                | beam.Create([BadRow(b"{not json", "not json", 0.0)])
                | beam.ParDo(PublishDeadLetters(emulators["LIVECLIPS_GCP_PROJECT"]))
            )
        letters = pull(subscription)
    assert [m.data for m in letters] == [b"{not json"]
    assert letters[0].attributes["dead_letter_reason"] == "not json"
    assert letters[0].attributes["dead_letter_source"] == "engagement-pipeline"
