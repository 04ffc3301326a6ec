"""Viewers in Spanner: where each one is in each title, and the plays that counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, _one, database
from liveclips.domain.playback import FINISHED_FRACTION, RESUME_MIN_S, Kind

_STRING = spanner.param_types.STRING


@dataclass(frozen=True)
class Progress:
    kind: Kind
    position_s: float
    duration_s: float
    updated_at: datetime


@dataclass(frozen=True)
class ContinueWatching:
    title_id: str
    title: str | None
    position_s: float
    duration_s: float
    updated_at: datetime
    bucket: str
    master_key: str
    poster_key: str | None


def save_progress(
    user_id: str, title_id: str, kind: Kind, position_s: float, duration_s: float
) -> None:
    # A blind write: last report wins, across devices too, as players expect.
    with database().batch() as batch:
        batch.insert_or_update(
            "WatchProgress",
            columns=("UserId", "TitleId", "Kind", "PositionS", "DurationS", "UpdatedAt"),
            values=[(user_id, title_id, kind, position_s, duration_s, COMMIT_TS)],
        )


def progress(user_id: str, title_id: str) -> Progress | None:
    with database().snapshot() as snapshot:
        rows = list(
            snapshot.read(
                "WatchProgress",
                columns=("Kind", "PositionS", "DurationS", "UpdatedAt"),
                keyset=spanner.KeySet(keys=[(user_id, title_id)]),
            )
        )
    return Progress(*rows[0]) if rows else None


def record_play(title_id: str, session_id: str, user_id: str, kind: Kind) -> bool:
    """True when this session's play was not counted before."""

    def work(txn: Transaction) -> bool:
        if _one(
            txn,
            "SELECT 1 FROM Plays WHERE TitleId = @title AND SessionId = @session",
            title=title_id,
            session=session_id,
        ):
            return False
        txn.insert(
            "Plays",
            columns=("TitleId", "SessionId", "UserId", "Kind", "CountedAt"),
            values=[(title_id, session_id, user_id, kind, COMMIT_TS)],
        )
        return True

    counted: bool = database().run_in_transaction(work)
    return counted


def play_count(title_id: str) -> int:
    with database().snapshot() as snapshot:
        rows = list(
            snapshot.execute_sql(
                "SELECT COUNT(*) FROM Plays WHERE TitleId = @title",
                params={"title": title_id},
                param_types={"title": _STRING},
            )
        )
    return int(rows[0][0])


# The duration of a READY title is the transcoded one; the player's is a fallback. The
# WHERE clause is liveclips.domain.playback.in_progress, in SQL so that LIMIT counts only titles
# that are listed.
_DURATION = "COALESCE(a.DurationMs / 1000, w.DurationS)"
_CONTINUE_WATCHING = f"""
SELECT w.TitleId, a.Title, w.PositionS, {_DURATION}, w.UpdatedAt,
       a.Bucket, a.MasterKey, a.PosterKey
FROM WatchProgress@{{FORCE_INDEX=WatchProgressByUser}} AS w
JOIN VodAssets AS a ON a.TitleId = w.TitleId
WHERE w.UserId = @user AND w.Kind = 'vod'
  AND a.State = 'READY' AND a.Bucket IS NOT NULL AND a.MasterKey IS NOT NULL
  AND w.PositionS > @min_position_s AND w.PositionS < @finished_fraction * {_DURATION}
  AND (@after_at IS NULL OR w.UpdatedAt < @after_at
       OR (w.UpdatedAt = @after_at AND w.TitleId > @after_title))
ORDER BY w.UpdatedAt DESC, w.TitleId
LIMIT @limit
"""  # noqa: S608 - the only interpolations are constants of this module


def continue_watching(
    user_id: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[ContinueWatching]:
    """READY VOD titles the user is part-way through, most recently watched first;
    `after` is the (UpdatedAt, TitleId) of the last title of the previous page."""
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            _CONTINUE_WATCHING,
            params={
                "user": user_id,
                "min_position_s": RESUME_MIN_S,
                "finished_fraction": FINISHED_FRACTION,
                "limit": limit,
                "after_at": after[0] if after else None,
                "after_title": after[1] if after else "",
            },
            param_types={
                "user": _STRING,
                "min_position_s": spanner.param_types.FLOAT64,
                "finished_fraction": spanner.param_types.FLOAT64,
                "limit": spanner.param_types.INT64,
                "after_at": spanner.param_types.TIMESTAMP,
                "after_title": _STRING,
            },
        )
        return [ContinueWatching(*row) for row in rows]
