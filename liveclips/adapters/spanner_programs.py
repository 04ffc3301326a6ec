"""Cloud Spanner: channels' program schedules, and which program is on air when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, database
from liveclips.domain.programs import Program, earliest_overlapping_start
from liveclips.errors import PermanentError

_TYPES = {"c": spanner.param_types.STRING, "id": spanner.param_types.STRING,
          "start": spanner.param_types.TIMESTAMP, "end": spanner.param_types.TIMESTAMP,
          "earliest": spanner.param_types.TIMESTAMP, "at": spanner.param_types.TIMESTAMP,
          "limit": spanner.param_types.INT64}  # fmt: skip
_FIELDS = "ChannelId, ProgramId, Title, Tags, StartsAt, EndsAt"
_BY_START = "Programs@{FORCE_INDEX=ProgramsByStart}"


class ProgramOverlaps(PermanentError):
    def __init__(self, other: Program) -> None:
        super().__init__(
            f"overlaps {other.title!r} ({other.starts_at.isoformat()} to "
            f"{other.ends_at.isoformat()})"
        )
        self.other = other


def _program(row: list[Any]) -> Program:
    return Program(row[0], row[1], row[2], tuple(row[3]), row[4], row[5])


def _overlapping(txn: Any, channel_id: str, start: datetime, end: datetime) -> Program | None:
    rows = list(
        txn.execute_sql(
            f"SELECT {_FIELDS} FROM {_BY_START} WHERE ChannelId = @c"  # noqa: S608  # constants
            " AND StartsAt >= @earliest AND StartsAt < @end AND EndsAt > @start"
            " ORDER BY StartsAt LIMIT 1",
            params={
                "c": channel_id,
                "earliest": earliest_overlapping_start(start),
                "start": start,
                "end": end,
            },
            param_types=_TYPES,
        )
    )
    return _program(rows[0]) if rows else None


def add(program: Program, created_by: str) -> Program:
    """Schedule it, unless it overlaps a program of the same channel (ProgramOverlaps)."""

    def work(txn: Transaction) -> Program:
        other = _overlapping(txn, program.channel_id, program.starts_at, program.ends_at)
        if other is not None:
            raise ProgramOverlaps(other)
        txn.insert(
            "Programs",
            columns=("ChannelId", "ProgramId", "Title", "Tags", "StartsAt", "EndsAt",
                     "CreatedBy", "CreatedAt"),
            values=[(program.channel_id, program.program_id, program.title, list(program.tags),
                     program.starts_at, program.ends_at, created_by, COMMIT_TS)],
        )  # fmt: skip
        return program

    result: Program = database().run_in_transaction(work)
    return result


def of_channel(
    channel_id: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[Program]:
    """In start order; `after` is the last seen (StartsAt, ProgramId)."""
    params: dict[str, Any] = {"c": channel_id, "limit": limit}
    cursor = ""
    if after is not None:
        cursor = " AND (StartsAt > @at OR (StartsAt = @at AND ProgramId > @id))"
        params.update(at=after[0], id=after[1])
    sql = (
        f"SELECT {_FIELDS} FROM {_BY_START} WHERE ChannelId = @c{cursor}"  # noqa: S608
        " ORDER BY StartsAt, ProgramId LIMIT @limit"
    )
    with database().snapshot() as snapshot:
        return [_program(row) for row in snapshot.execute_sql(sql, params, _TYPES)]


def program_at(channel_id: str, at: datetime) -> Program | None:
    """The program on air on the channel at `at` (e.g. when a stream started), if any."""
    sql = (
        f"SELECT {_FIELDS} FROM {_BY_START} WHERE ChannelId = @c"  # noqa: S608  # constants
        " AND StartsAt > @earliest AND StartsAt <= @at AND EndsAt > @at"
        " ORDER BY StartsAt DESC LIMIT 1"
    )
    params = {"c": channel_id, "at": at, "earliest": earliest_overlapping_start(at)}
    with database().snapshot() as snapshot:
        rows = list(snapshot.execute_sql(sql, params, _TYPES))
    return _program(rows[0]) if rows else None
