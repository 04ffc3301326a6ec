"""Cloud Spanner: the system of record for streams, recordings, highlights and clips."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from typing import Any

from google.cloud import spanner
from google.cloud.spanner_v1.database import Database
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.config import settings
from liveclips.contracts.events import HighlightDetected
from liveclips.domain import lifecycle

COMMIT_TS = spanner.COMMIT_TIMESTAMP


@lru_cache(maxsize=1)
def database() -> Database:
    # SPANNER_EMULATOR_HOST, when set, points this client at the emulator.
    config = settings()
    client = spanner.Client(project=config.gcp_project)
    return client.instance(config.spanner_instance).database(config.spanner_database)


def _one(txn: Transaction, sql: str, **params: Any) -> list[Any] | None:
    rows = list(txn.execute_sql(sql, params=params, param_types=_types(params)))
    return rows[0] if rows else None


def rows_by_column(sql: str, **params: Any) -> list[dict[str, Any]]:
    """A read-only query's rows, each as {column name: value} (tests, CLI, checks)."""
    with database().snapshot() as snapshot:
        results = snapshot.execute_sql(sql, params=params, param_types=_types(params))
        rows = list(results)
        names = [field.name for field in results.fields]
    return [dict(zip(names, row, strict=True)) for row in rows]


def column_name(field_name: str) -> str:
    """A dataclass field's Spanner column: started_at -> StartedAt."""
    return "".join(part.capitalize() for part in field_name.split("_"))


def _types(params: dict[str, Any]) -> dict[str, Any]:
    mapping = {str: spanner.param_types.STRING, float: spanner.param_types.FLOAT64}
    return {k: mapping[type(v)] for k, v in params.items()}


_STREAM_COLUMNS = ("StreamId", "ChannelId", "State", "StartedAt", "EndedAt", "LastEventAt")
# Column names are constants of this module; every value travels as a query parameter.
_SELECT_STREAM = f"SELECT {', '.join(_STREAM_COLUMNS)} FROM Streams WHERE StreamId = @id"  # noqa: S608


def apply_stream_change(
    *, stream_id: str, channel_id: str, change: lifecycle.StreamChange, at: datetime
) -> lifecycle.StreamRecord:
    def work(txn: Transaction) -> lifecycle.StreamRecord:
        row = _one(
            txn,
            _SELECT_STREAM,
            id=stream_id,
        )
        current = lifecycle.StreamRecord(*row) if row else None
        updated = lifecycle.apply_stream_change(
            current, stream_id=stream_id, channel_id=channel_id, change=change, at=at
        )
        txn.insert_or_update(
            "Streams",
            columns=(*_STREAM_COLUMNS, "UpdatedAt"),
            values=[(*asdict(updated).values(), COMMIT_TS)],
        )
        return updated

    result: lifecycle.StreamRecord = database().run_in_transaction(work)
    return result


_RECORDING_COLUMNS = (
    "RecordingId",
    "ChannelId",
    "StreamId",
    "Bucket",
    "KeyPrefix",
    "State",
    "StartedAt",
    "EndedAt",
    "DurationMs",
    "LastEventAt",
)
_SELECT_RECORDING = (
    f"SELECT {', '.join(_RECORDING_COLUMNS)} FROM Recordings WHERE RecordingId = @id"  # noqa: S608
)


def read_recording(txn: Transaction, recording_id: str) -> lifecycle.RecordingRecord | None:
    row = _one(
        txn,
        _SELECT_RECORDING,
        id=recording_id,
    )
    return lifecycle.RecordingRecord(*row) if row else None


def _write_recording(txn: Transaction, record: lifecycle.RecordingRecord) -> None:
    txn.insert_or_update(
        "Recordings",
        columns=(*_RECORDING_COLUMNS, "UpdatedAt"),
        values=[(*asdict(record).values(), COMMIT_TS)],
    )


def apply_recording_change(
    *,
    recording_id: str,
    channel_id: str,
    stream_id: str | None,
    bucket: str,
    key_prefix: str,
    change: lifecycle.RecordingChange,
    at: datetime,
    duration_ms: int | None = None,
) -> lifecycle.RecordingRecord:
    def work(txn: Transaction) -> lifecycle.RecordingRecord:
        updated = lifecycle.apply_recording_change(
            read_recording(txn, recording_id),
            recording_id=recording_id,
            channel_id=channel_id,
            stream_id=stream_id,
            bucket=bucket,
            key_prefix=key_prefix,
            change=change,
            at=at,
            duration_ms=duration_ms,
        )
        _write_recording(txn, updated)
        return updated

    result: lifecycle.RecordingRecord = database().run_in_transaction(work)
    return result


def ensure_recording(txn: Transaction, highlight: HighlightDetected) -> lifecycle.RecordingRecord:
    """The recording row clips and highlights hang from; a placeholder if its start event
    has not been applied yet (EventBridge may deliver it late)."""
    recording = read_recording(txn, highlight.recording_id)
    if recording is None:
        recording = lifecycle.RecordingRecord(
            recording_id=highlight.recording_id,
            channel_id=highlight.channel_id,
            stream_id=None,
            bucket=highlight.bucket,
            key_prefix=highlight.recording_prefix,
            state="RECORDING",
            started_at=None,
            ended_at=None,
            duration_ms=None,
            last_event_at=None,
        )
        _write_recording(txn, recording)
    return recording


def record_upload(
    *, recording_id: str, channel_id: str, bucket: str, key_prefix: str, duration_ms: int
) -> None:
    """An upload's recording row (already ENDED), for its highlights and clips to hang from;
    key_prefix is its VOD master playlist (liveclips/adapters/clip_sources.source_for)."""
    record = lifecycle.RecordingRecord(
        recording_id=recording_id,
        channel_id=channel_id,
        stream_id=None,
        bucket=bucket,
        key_prefix=key_prefix,
        state="ENDED",
        started_at=None,
        ended_at=None,
        duration_ms=duration_ms,
        last_event_at=None,
    )
    database().run_in_transaction(lambda txn: _write_recording(txn, record))


def stream(stream_id: str) -> lifecycle.StreamRecord | None:
    with database().snapshot() as snapshot:
        rows = list(
            snapshot.execute_sql(
                _SELECT_STREAM,
                params={"id": stream_id},
                param_types={"id": spanner.param_types.STRING},
            )
        )
    return lifecycle.StreamRecord(*rows[0]) if rows else None
