"""Chat verdicts in Spanner: every AI verdict, the moderator queue, and each verdict's
append-only history (AI verdict, decisions, appeals)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, column_name, database
from liveclips.domain import moderation_queue
from liveclips.domain.ids import stable_id
from liveclips.domain.moderation_queue import Outcome, ReviewState

_STR = spanner.param_types.STRING
_INT = spanner.param_types.INT64
_TS = spanner.param_types.TIMESTAMP


@dataclass(frozen=True)
class StoredVerdict:
    room_id: str
    message_id: str
    room_arn: str
    channel_id: str
    user_id: str
    text: str
    sent_at: datetime
    flagged: bool
    categories: list[str]
    top_score: float
    action: str
    reason: str
    model: str


@dataclass(frozen=True)
class QueuedVerdict:
    verdict: StoredVerdict
    review_state: ReviewState
    created_at: datetime


_COLUMNS = tuple(column_name(f.name) for f in fields(StoredVerdict))
_EVENT_COLUMNS = (
    "RoomId",
    "MessageId",
    "EventId",
    "Kind",
    "Actor",
    "Outcome",
    "Note",
    "OccurredAt",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)}, ReviewState, CreatedAt FROM ChatVerdicts"  # noqa: S608


def _queued(row: list[Any]) -> QueuedVerdict:
    *values, state, created = row
    return QueuedVerdict(StoredVerdict(*values), state, created)


def record(verdicts: list[StoredVerdict]) -> int:
    """Store verdicts not stored yet (a redelivered batch changes nothing, and never
    reopens a verdict a moderator decided); returns how many were new."""
    if not verdicts:
        return 0

    def work(txn: Transaction) -> int:
        keys = spanner.KeySet(keys=[[v.room_id, v.message_id] for v in verdicts])
        known = {tuple(r) for r in txn.read("ChatVerdicts", ("RoomId", "MessageId"), keys)}
        new = [v for v in verdicts if (v.room_id, v.message_id) not in known]
        if not new:
            return 0
        txn.insert(
            "ChatVerdicts",
            columns=(*_COLUMNS, "ReviewState", "CreatedAt", "UpdatedAt"),
            values=[
                (*(getattr(v, f.name) for f in fields(StoredVerdict)),
                 "OPEN" if v.flagged else "NONE", COMMIT_TS, COMMIT_TS)
                for v in new
            ],
        )  # fmt: skip
        txn.insert(
            "ModerationEvents",
            columns=_EVENT_COLUMNS,
            values=[
                (v.room_id, v.message_id, stable_id("ai", v.room_id, v.message_id), "ai",
                 v.model, v.action, v.reason, COMMIT_TS)
                for v in new
            ],
        )  # fmt: skip
        return len(new)

    count: int = database().run_in_transaction(work)
    return count


def queue(limit: int, after: datetime | None = None) -> list[QueuedVerdict]:
    """Flagged and appealed verdicts, oldest first (cursor: the last one's created_at)."""
    sql = f"{_SELECT} WHERE ReviewState IN ('OPEN', 'APPEALED')"
    params: dict[str, Any] = {"limit": limit}
    types: dict[str, Any] = {"limit": _INT}
    if after is not None:
        sql += " AND CreatedAt > @after"
        params["after"], types["after"] = after, _TS
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            f"{sql} ORDER BY CreatedAt LIMIT @limit", params=params, param_types=types
        )
        return [_queued(list(r)) for r in rows]


def get(room_id: str, message_id: str) -> QueuedVerdict | None:
    with database().snapshot() as snapshot:
        rows = list(snapshot.execute_sql(
            f"{_SELECT} WHERE RoomId = @room AND MessageId = @message",
            params={"room": room_id, "message": message_id},
            param_types={"room": _STR, "message": _STR},
        ))  # fmt: skip
    return _queued(list(rows[0])) if rows else None


def history(room_id: str, message_id: str) -> list[dict[str, Any]]:
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            "SELECT Kind, Actor, Outcome, Note, OccurredAt FROM ModerationEvents"
            " WHERE RoomId = @room AND MessageId = @message ORDER BY OccurredAt, EventId",
            params={"room": room_id, "message": message_id},
            param_types={"room": _STR, "message": _STR},
        )
        keys = ("kind", "actor", "outcome", "note", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]


Transition = Callable[[ReviewState, bool, str], ReviewState]  # (state, appealed, author)


def decide(
    room_id: str, message_id: str, *, moderator: str, outcome: Outcome, note: str
) -> ReviewState:
    """A moderator's decision (liveclips.domain.moderation_queue.NotAllowed when it does not
    apply)."""

    def step(state: ReviewState, _appealed: bool, _author: str) -> ReviewState:
        return moderation_queue.decide(state, outcome)

    return _step(room_id, message_id, ("decision", moderator, outcome, note), step)


def appeal(room_id: str, message_id: str, *, author: str, note: str) -> ReviewState:
    def step(state: ReviewState, appealed: bool, sender: str) -> ReviewState:
        return moderation_queue.appeal(state, by_author=sender == author, appealed_before=appealed)

    return _step(room_id, message_id, ("appeal", author, "appeal", note), step)


def _step(
    room_id: str, message_id: str, event: tuple[str, str, str, str], transition: Transition
) -> ReviewState:
    """Apply `transition` and append `event` (kind, actor, outcome, note), atomically."""
    kind, actor, outcome, note = event

    def work(txn: Transaction) -> ReviewState:
        rows = list(txn.execute_sql(
            "SELECT v.ReviewState, v.UserId, (SELECT COUNT(*) FROM ModerationEvents e WHERE"
            " e.RoomId = v.RoomId AND e.MessageId = v.MessageId AND e.Kind = 'appeal')"
            " FROM ChatVerdicts v WHERE v.RoomId = @room AND v.MessageId = @message",
            params={"room": room_id, "message": message_id},
            param_types={"room": _STR, "message": _STR},
        ))  # fmt: skip
        if not rows:
            raise LookupError(f"no verdict for message {message_id} in room {room_id}")
        state, sender, appeals = rows[0]
        after = transition(state, appeals > 0, sender)
        txn.update(
            "ChatVerdicts",
            columns=("RoomId", "MessageId", "ReviewState", "UpdatedAt"),
            values=[(room_id, message_id, after, COMMIT_TS)],
        )
        txn.insert(
            "ModerationEvents",
            columns=_EVENT_COLUMNS,
            values=[(room_id, message_id, str(uuid.uuid4()), kind, actor, outcome, note or None,
                     COMMIT_TS)],
        )  # fmt: skip
        return after

    result: ReviewState = database().run_in_transaction(work)
    return result
