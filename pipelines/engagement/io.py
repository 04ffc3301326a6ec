"""Where the engagement job reads from and writes to.

Spanner is written from a DoFn with the google-cloud-spanner client rather than Beam's
SpannerIO, which is a Java transform needing a downloaded expansion service (no network
here, and the DirectRunner cannot run cross-language transforms in streaming anyway).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import apache_beam as beam
from apache_beam.metrics.metric import Metrics
from apache_beam.pvalue import PCollection

from liveclips.adapters.pubsub import attribute_value
from liveclips.resources import DEAD_LETTER_TOPIC
from pipelines.engagement.events import NAMESPACE, BadRow
from pipelines.engagement.tables import COLUMNS, Row, key_of, values_of

DEAD_LETTER_SOURCE = "engagement-pipeline"


def read_pubsub(subscription: str, *, direct_runner: bool) -> beam.PTransform[Any, Any]:
    """Payload bytes stamped with the `event_time` attribute (RFC 3339).

    id_label dedupes redeliveries on Dataflow; the DirectRunner raises NotImplementedError
    for it, so locally the pipeline's own Dedupe (by event_id) is what counts a resent
    batch once, and it runs in both cases.
    """
    return beam.io.ReadFromPubSub(
        subscription=subscription,
        timestamp_attribute="event_time",
        id_label=None if direct_runner else "event_id",
        with_attributes=False,
    )


def read_files(pattern: str) -> beam.PTransform[Any, Any]:
    """JSONL lines; ParseEvents(stamp=True) gives each its occurred_at as event time."""
    return beam.io.ReadFromText(pattern)


class UpsertToSpanner(beam.DoFn):
    """Rows -> insert_or_update mutations, one transaction per bundle (or per `max_rows`).

    insert_or_update on the table's primary key (window included) is what makes every write
    idempotent: a refined pane or a re-run overwrites the row. Within a bundle only the
    latest pane of a key is written, so an older pane can never land after a newer one in
    the same commit.
    """

    def __init__(self, project: str, instance: str, database: str, max_rows: int = 1000) -> None:
        self._where = (project, instance, database)
        self._max_rows = max_rows
        self._written = Metrics.counter(NAMESPACE, "rows_written")

    def setup(self) -> None:
        from google.cloud import spanner  # noqa: PLC0415  (workers import it, not the CLI)

        if os.environ.get("SPANNER_EMULATOR_HOST"):
            # The emulator rejects multiplexed sessions for read-write transactions.
            os.environ.setdefault("GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW", "false")
        project, instance, database = self._where
        self._client = spanner.Client(project=project)
        self._database = self._client.instance(instance).database(database)

    def start_bundle(self) -> None:
        self._pending: dict[tuple[Any, ...], tuple[int, Row]] = {}

    def process(self, row: Row, pane: Any = beam.DoFn.PaneInfoParam) -> None:
        key = key_of(row)
        index = pane.index if pane is not None else 0
        if key not in self._pending or self._pending[key][0] <= index:
            self._pending[key] = (index, row)
        if len(self._pending) >= self._max_rows:
            self._flush()

    def finish_bundle(self) -> None:
        self._flush()

    def teardown(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()

    def _flush(self) -> None:
        if not self._pending:
            return
        by_table: dict[str, list[tuple[Any, ...]]] = {}
        for _, row in self._pending.values():
            by_table.setdefault(row[0], []).append(values_of(row))

        def write(txn: Any) -> None:
            for table, values in by_table.items():
                txn.insert_or_update(table, columns=COLUMNS[table], values=values)

        # A transaction, not a blind batch: run_in_transaction retries ABORTED commits,
        # which the emulator answers when transactions overlap.
        self._database.run_in_transaction(write)
        self._written.inc(len(self._pending))
        self._pending = {}


class PublishDeadLetters(beam.DoFn):
    """BadRow -> the `dead-letter` topic, original bytes, reason as an attribute (the same
    attributes as liveclips.adapters.pubsub.dead_letter, the reason cut to what Pub/Sub accepts the
    same way); published per bundle, awaited at its end."""

    def __init__(self, project: str, topic: str = DEAD_LETTER_TOPIC) -> None:
        self._topic = f"projects/{project}/topics/{topic}"

    def setup(self) -> None:
        from google.cloud import pubsub_v1  # noqa: PLC0415

        self._publisher = pubsub_v1.PublisherClient()

    def start_bundle(self) -> None:
        self._futures: list[Any] = []

    def process(self, bad: BadRow) -> None:
        self._futures.append(
            self._publisher.publish(
                self._topic,
                bad.raw,
                dead_letter_reason=attribute_value(bad.reason),
                dead_letter_source=DEAD_LETTER_SOURCE,
            )
        )

    def finish_bundle(self) -> None:
        for future in self._futures:
            future.result(timeout=60)  # raise: the bundle is retried, nothing is lost
        self._futures = []


def dead_letter_json(bad: BadRow) -> str:
    return json.dumps(
        {
            "reason": bad.reason,
            "at": datetime.fromtimestamp(bad.at, tz=UTC).isoformat(),
            "raw": bad.raw.decode("utf-8", "replace"),
        },
        sort_keys=True,
    )


class RowToJson(beam.DoFn):
    """The jsonl sink's rows (counted as written, like the Spanner writer's)."""

    def __init__(self) -> None:
        self._written = Metrics.counter(NAMESPACE, "rows_written")

    def process(self, row: Row) -> Iterator[str]:
        self._written.inc()
        table, values = row
        yield json.dumps({"table": table, **values}, default=str, sort_keys=True)


class WriteJsonl(beam.PTransform[Any, Any]):
    """Lines (global window) -> exactly one file at `path` (local backfills and benchmarks
    are small)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path

    def expand(self, lines: PCollection[Any]) -> PCollection[Any]:
        return lines | "Write" >> beam.io.WriteToText(
            self._path, shard_name_template="", num_shards=1
        )
