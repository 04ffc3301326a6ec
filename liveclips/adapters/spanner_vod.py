"""VOD titles in Spanner: PENDING -> TRANSCODING (-> RETRYING -> TRANSCODING ...) -> READY
or FAILED. Every write is keyed by (title, attempt), so a redelivered event or task
changes nothing the first delivery did not."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, _one, column_name, database

VodState = Literal["UPLOADING", "PENDING", "TRANSCODING", "RETRYING", "READY", "FAILED"]
FINAL_STATES: frozenset[str] = frozenset({"READY", "FAILED"})


@dataclass(frozen=True)
class VodTitle:
    title_id: str
    kind: str
    channel_id: str
    recording_id: str | None
    title: str | None
    source_bucket: str
    source_key: str
    source_width: int | None
    source_height: int | None
    source_duration_ms: int | None
    state: VodState
    attempts: int
    job_id: str | None = None
    bucket: str | None = None
    master_key: str | None = None
    poster_key: str | None = None
    duration_ms: int | None = None
    last_error: str | None = None
    ready_at: datetime | None = None


@dataclass(frozen=True)
class VodRendition:
    name: str
    width: int
    height: int
    bandwidth: int
    playlist_key: str
    duration_ms: int


_COLUMNS = tuple(column_name(f.name) for f in fields(VodTitle))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM VodAssets WHERE TitleId = @id"  # noqa: S608
_INT = spanner.param_types.INT64
_STR = spanner.param_types.STRING


def _read(txn: Any, title_id: str) -> VodTitle | None:
    rows = list(txn.execute_sql(_SELECT, params={"id": title_id}, param_types={"id": _STR}))
    return VodTitle(*rows[0]) if rows else None


def get(title_id: str) -> VodTitle | None:
    with database().snapshot() as snapshot:
        return _read(snapshot, title_id)


def create(title: VodTitle) -> VodTitle:
    """Insert the title unless it exists; either way return what is stored."""

    def work(txn: Transaction) -> VodTitle:
        existing = _read(txn, title.title_id)
        if existing is not None:
            return existing
        values = {column_name(f.name): getattr(title, f.name) for f in fields(VodTitle)}
        values.pop("ReadyAt")
        txn.insert(
            "VodAssets",
            columns=(*values, "CreatedAt", "UpdatedAt"),
            values=[(*values.values(), COMMIT_TS, COMMIT_TS)],
        )
        return title

    result: VodTitle = database().run_in_transaction(work)
    return result


def update_source(
    title_id: str, *, width: int, height: int, duration_ms: int, poster_key: str | None
) -> None:
    """What probing an upload found, before it is transcoded."""
    _update(
        title_id,
        SourceWidth=width,
        SourceHeight=height,
        SourceDurationMs=duration_ms,
        PosterKey=poster_key,
        State="PENDING",
    )


def _update(title_id: str, **columns: Any) -> None:
    database().run_in_transaction(
        lambda txn: txn.update(
            "VodAssets",
            columns=("TitleId", *columns, "UpdatedAt"),
            values=[(title_id, *columns.values(), COMMIT_TS)],
        )
    )


def submitted(title_id: str, attempt: int) -> bool:
    with database().snapshot() as snapshot:
        return _job_status(snapshot, title_id, attempt) is not None


def record_submission(title_id: str, attempt: int, job_id: str) -> None:
    def work(txn: Transaction) -> None:
        if _job_status(txn, title_id, attempt) is not None:
            return
        txn.insert(
            "VodJobs",
            columns=("TitleId", "Attempt", "JobId", "Status", "SubmittedAt"),
            values=[(title_id, attempt, job_id, "SUBMITTED", COMMIT_TS)],
        )
        txn.update(
            "VodAssets",
            columns=("TitleId", "State", "Attempts", "JobId", "UpdatedAt"),
            values=[(title_id, "TRANSCODING", attempt, job_id, COMMIT_TS)],
        )

    database().run_in_transaction(work)


def _job_status(txn: Any, title_id: str, attempt: int) -> str | None:
    rows = list(
        txn.execute_sql(
            "SELECT Status FROM VodJobs WHERE TitleId = @id AND Attempt = @attempt",
            params={"id": title_id, "attempt": attempt},
            param_types={"id": _STR, "attempt": _INT},
        )
    )
    return str(rows[0][0]) if rows else None


def record_failure(
    title_id: str,
    attempt: int,
    job_id: str,
    *,
    status: str,
    error: str,
    error_code: int | None,
    final: bool,
) -> bool:
    """Note a failed attempt; True the first time (a redelivery returns False)."""

    def work(txn: Transaction) -> bool:
        known = _job_status(txn, title_id, attempt)
        if known not in (None, "SUBMITTED"):
            return False
        columns = ("TitleId", "Attempt", "JobId", "Status", "ErrorCode", "ErrorMessage")
        values = (title_id, attempt, job_id, status, error_code, error)
        if known is None:  # the event outran the submission's own write
            txn.insert(
                "VodJobs",
                columns=(*columns, "SubmittedAt", "FinishedAt"),
                values=[(*values, COMMIT_TS, COMMIT_TS)],
            )
        else:
            txn.update("VodJobs", columns=(*columns, "FinishedAt"), values=[(*values, COMMIT_TS)])
        txn.update(
            "VodAssets",
            columns=("TitleId", "State", "LastError", "UpdatedAt"),
            values=[(title_id, "FAILED" if final else "RETRYING", error, COMMIT_TS)],
        )
        return True

    result: bool = database().run_in_transaction(work)
    return result


def fail(title_id: str, error: str) -> None:
    """A title that can never be transcoded (e.g. an upload that is not a video)."""
    _update(title_id, State="FAILED", LastError=error)


def promote(
    title_id: str,
    attempt: int,
    job_id: str,
    *,
    bucket: str,
    master_key: str,
    poster_key: str | None,
    duration_ms: int,
    renditions: list[VodRendition],
) -> None:
    """Make the title READY with its ladder (idempotent: a READY title is left alone)."""

    def work(txn: Transaction) -> None:
        current = _one(txn, "SELECT State FROM VodAssets WHERE TitleId = @id", id=title_id)
        if current is None or current[0] == "READY":
            return
        txn.insert_or_update(
            "VodRenditions",
            columns=("TitleId", "Name", "Width", "Height", "Bandwidth", "PlaylistKey",
                     "DurationMs"),
            values=[(title_id, r.name, r.width, r.height, r.bandwidth, r.playlist_key,
                     r.duration_ms) for r in renditions],
        )  # fmt: skip
        job = ("TitleId", "Attempt", "JobId", "Status")
        if _job_status(txn, title_id, attempt) is None:
            txn.insert(
                "VodJobs",
                columns=(*job, "SubmittedAt", "FinishedAt"),
                values=[(title_id, attempt, job_id, "COMPLETE", COMMIT_TS, COMMIT_TS)],
            )
        else:
            txn.update(
                "VodJobs",
                columns=(*job, "FinishedAt"),
                values=[(title_id, attempt, job_id, "COMPLETE", COMMIT_TS)],
            )
        txn.update(
            "VodAssets",
            columns=("TitleId", "State", "Attempts", "JobId", "Bucket", "MasterKey",
                     "PosterKey", "DurationMs", "LastError", "UpdatedAt", "ReadyAt"),
            values=[(title_id, "READY", attempt, job_id, bucket, master_key, poster_key,
                     duration_ms, None, COMMIT_TS, COMMIT_TS)],
        )  # fmt: skip

    database().run_in_transaction(work)


def renditions(title_id: str) -> list[VodRendition]:
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            "SELECT Name, Width, Height, Bandwidth, PlaylistKey, DurationMs FROM VodRenditions"
            " WHERE TitleId = @id ORDER BY Bandwidth DESC",
            params={"id": title_id},
            param_types={"id": _STR},
        )
        return [VodRendition(*row) for row in rows]


def jobs(title_id: str) -> list[dict[str, Any]]:
    """Every attempt, oldest first: the audit trail of a title's transcodes."""
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            "SELECT Attempt, JobId, Status, ErrorCode, ErrorMessage FROM VodJobs"
            " WHERE TitleId = @id ORDER BY Attempt",
            params={"id": title_id},
            param_types={"id": _STR},
        )
        keys = ("attempt", "job_id", "status", "error_code", "error_message")
        return [dict(zip(keys, row, strict=True)) for row in rows]
