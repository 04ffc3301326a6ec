"""The social layer in Spanner: follows, push devices, comments and their reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, database
from liveclips.domain.comments import CommentState, SubjectKind, state_after_report
from liveclips.errors import PermanentError

_T = spanner.param_types


def _types(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _T.TIMESTAMP
        if isinstance(v, datetime)
        else _T.INT64
        if isinstance(v, int)
        else _T.STRING
        for k, v in params.items()
    }


def _query(sql: str, **params: Any) -> list[list[Any]]:
    with database().snapshot() as snapshot:
        return [list(row) for row in snapshot.execute_sql(sql, params, _types(params))]


def _first(txn: Transaction, sql: str, **params: Any) -> list[Any] | None:
    rows = list(txn.execute_sql(sql, params=params, param_types=_types(params)))
    return list(rows[0]) if rows else None


# --- follows ---------------------------------------------------------------------------


class UnknownChannel(PermanentError, LookupError):
    """A follow of a channel that does not exist."""


@dataclass(frozen=True)
class Followed:
    channel_id: str
    name: str
    followed_at: datetime


def follow(user_id: str, channel_id: str) -> bool:
    """Whether this made a new follow; UnknownChannel when there is no such channel."""

    def work(txn: Transaction) -> bool:
        if not _first(txn, "SELECT 1 FROM Channels WHERE ChannelId = @c", c=channel_id):
            raise UnknownChannel(channel_id)
        if _first(
            txn, "SELECT 1 FROM Follows WHERE UserId = @u AND ChannelId = @c",
            u=user_id, c=channel_id,
        ):  # fmt: skip
            return False
        txn.insert("Follows", ("UserId", "ChannelId", "CreatedAt"),
                   [(user_id, channel_id, COMMIT_TS)])  # fmt: skip
        return True

    created: bool = database().run_in_transaction(work)
    return created


def unfollow(user_id: str, channel_id: str) -> None:
    with database().batch() as batch:  # deleting an absent row is not an error
        batch.delete("Follows", spanner.KeySet(keys=[(user_id, channel_id)]))


def following(
    user_id: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[Followed]:
    """The channels a user follows, the newest follow first."""
    params: dict[str, Any] = {"u": user_id, "limit": limit}
    cursor = ""
    if after is not None:
        cursor = " AND (f.CreatedAt < @at OR (f.CreatedAt = @at AND f.ChannelId > @id))"
        params.update(at=after[0], id=after[1])
    rows = _query(
        "SELECT f.ChannelId, c.Name, f.CreatedAt FROM Follows AS f"  # noqa: S608
        " JOIN Channels AS c ON c.ChannelId = f.ChannelId"
        f" WHERE f.UserId = @u{cursor} ORDER BY f.CreatedAt DESC, f.ChannelId LIMIT @limit",
        **params,
    )
    return [Followed(*row) for row in rows]


def followed_channels(user_id: str, most: int = 1000) -> set[str]:
    rows = _query(
        "SELECT ChannelId FROM Follows WHERE UserId = @u LIMIT @most", u=user_id, most=most
    )
    return {row[0] for row in rows}


def followers(channel_id: str, limit: int, after_user: str | None = None) -> list[str]:
    """A page of a channel's followers in user id order (the fan-out reads them all)."""
    params: dict[str, Any] = {"c": channel_id, "limit": limit}
    cursor = ""
    if after_user is not None:
        cursor = " AND UserId > @after"
        params["after"] = after_user
    rows = _query(
        "SELECT UserId FROM Follows@{FORCE_INDEX=FollowsByChannel}"  # noqa: S608
        f" WHERE ChannelId = @c{cursor} ORDER BY UserId LIMIT @limit",
        **params,
    )
    return [row[0] for row in rows]


def channel_name(channel_id: str) -> str | None:
    rows = _query("SELECT Name FROM Channels WHERE ChannelId = @c", c=channel_id)
    return str(rows[0][0]) if rows else None


# --- push devices ----------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    token: str
    platform: str  # android | ios | web


def register_device(user_id: str, token: str, platform: str) -> None:
    with database().batch() as batch:
        batch.insert_or_update("PushDevices", ("UserId", "Token", "Platform", "UpdatedAt"),
                               [(user_id, token, platform, COMMIT_TS)])  # fmt: skip


def devices(user_id: str) -> list[Device]:
    rows = _query("SELECT Token, Platform FROM PushDevices WHERE UserId = @u LIMIT 20", u=user_id)
    return [Device(*row) for row in rows]


def drop_devices(user_id: str, tokens: Sequence[str]) -> None:
    if tokens:
        with database().batch() as batch:
            batch.delete("PushDevices", spanner.KeySet(keys=[(user_id, t) for t in tokens]))


# --- comments --------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    subject_kind: SubjectKind
    subject_id: str
    comment_id: str
    user_id: str
    text: str
    state: CommentState
    reports: int
    created_at: datetime


_COMMENT = "SubjectKind, SubjectId, CommentId, UserId, Text, State, Reports, CreatedAt"


def _comment(row: Sequence[Any]) -> Comment:
    return Comment(row[0], row[1], row[2], row[3], row[4], CommentState(row[5]), int(row[6]),
                   row[7])  # fmt: skip


def subject_exists(kind: SubjectKind, subject_id: str) -> bool:
    """A published, approved, not taken-down clip, or a ready on-demand title."""
    if kind == "clip":
        sql = (
            "SELECT 1 FROM Clips@{FORCE_INDEX=ClipsById} AS c"
            " JOIN HighlightCandidates AS h"
            " ON h.RecordingId = c.RecordingId AND h.HighlightId = c.HighlightId"
            " WHERE c.ClipId = @id AND c.PublishedAt IS NOT NULL AND c.HiddenAt IS NULL"
            " AND h.Status = 'APPROVED'"
        )
    else:
        sql = "SELECT 1 FROM VodAssets WHERE TitleId = @id AND State = 'READY'"
    return bool(_query(sql, id=subject_id))


def create_comment(
    kind: SubjectKind, subject_id: str, comment_id: str, user_id: str, text: str
) -> Comment:
    """One insert: a comment that fails leaves no row. Its CreatedAt is read back."""
    state = CommentState.VISIBLE.value
    with database().batch() as batch:
        batch.insert(
            "Comments",
            ("SubjectKind", "SubjectId", "CommentId", "UserId", "Text", "State", "Reports",
             "CreatedAt", "UpdatedAt"),
            [(kind, subject_id, comment_id, user_id, text, state, 0, COMMIT_TS, COMMIT_TS)],
        )  # fmt: skip
    found = comment(comment_id)
    assert found is not None  # noqa: S101  # just committed
    return found


def comment(comment_id: str) -> Comment | None:
    rows = _query(
        f"SELECT {_COMMENT} FROM Comments@{{FORCE_INDEX=CommentsById}} WHERE CommentId = @id",  # noqa: S608
        id=comment_id,
    )
    return _comment(rows[0]) if rows else None


def comments(
    kind: SubjectKind, subject_id: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[Comment]:
    """Visible comments on a subject, newest first, after the cursor's (CreatedAt, id)."""
    params: dict[str, Any] = {"k": kind, "s": subject_id, "limit": limit}
    cursor = ""
    if after is not None:
        cursor = " AND (CreatedAt < @at OR (CreatedAt = @at AND CommentId > @id))"
        params.update(at=after[0], id=after[1])
    rows = _query(
        f"SELECT {_COMMENT} FROM Comments@{{FORCE_INDEX=CommentsBySubject}}"  # noqa: S608
        f" WHERE SubjectKind = @k AND SubjectId = @s AND State = 'VISIBLE'{cursor}"
        " ORDER BY CreatedAt DESC, CommentId LIMIT @limit",
        **params,
    )
    return [_comment(row) for row in rows]


def _set_state(txn: Transaction, found: Comment, state: CommentState, reason: str | None,
               reports: int | None = None) -> None:  # fmt: skip
    columns = ["SubjectKind", "SubjectId", "CommentId", "State", "UpdatedAt"]
    values: list[Any] = [found.subject_kind, found.subject_id, found.comment_id, state.value,
                         COMMIT_TS]  # fmt: skip
    if reason is not None:
        columns += ["ModeratedAt", "ModerationReason"]
        values += [COMMIT_TS, reason]
    if reports is not None:
        columns.append("Reports")
        values.append(reports)
    txn.update("Comments", columns, [values])


def delete_comment(found: Comment) -> None:
    def work(txn: Transaction) -> None:
        _set_state(txn, found, CommentState.DELETED, None)

    database().run_in_transaction(work)


def remove_comment(comment_id: str, reason: str) -> bool:
    """The AI moderation or the content team removes a comment; False if it is gone."""

    def work(txn: Transaction) -> bool:
        row = _first(
            txn,
            f"SELECT {_COMMENT} FROM Comments@{{FORCE_INDEX=CommentsById}} WHERE CommentId = @id",  # noqa: S608
            id=comment_id,
        )
        if row is None:
            return False
        found = _comment(row)
        if found.state is CommentState.VISIBLE:
            _set_state(txn, found, CommentState.REMOVED, reason)
        return True

    removed: bool = database().run_in_transaction(work)
    return removed


def report(found: Comment, reporter_id: str, reason: str) -> Comment:
    """Count a viewer's report once; enough of them hide the comment."""

    def work(txn: Transaction) -> Comment:
        key = {"k": found.subject_kind, "s": found.subject_id, "c": found.comment_id}
        row = _first(
            txn, f"SELECT {_COMMENT} FROM Comments WHERE SubjectKind = @k AND SubjectId = @s"  # noqa: S608
            " AND CommentId = @c", **key,
        )  # fmt: skip
        if row is None:
            return found
        current = _comment(row)
        if _first(
            txn, "SELECT 1 FROM CommentReports WHERE SubjectKind = @k AND SubjectId = @s"
            " AND CommentId = @c AND ReporterId = @r", r=reporter_id, **key,
        ):  # fmt: skip
            return current
        txn.insert(
            "CommentReports",
            ("SubjectKind", "SubjectId", "CommentId", "ReporterId", "Reason", "ReportedAt"),
            [(found.subject_kind, found.subject_id, found.comment_id, reporter_id, reason,
              COMMIT_TS)],
        )  # fmt: skip
        reports = current.reports + 1
        state = state_after_report(current.state, reports)
        hidden = f"{reports} reports" if state is not current.state else None
        _set_state(txn, current, state, hidden, reports)
        return Comment(current.subject_kind, current.subject_id, current.comment_id,
                       current.user_id, current.text, state, reports,
                       current.created_at)  # fmt: skip

    updated: Comment = database().run_in_transaction(work)
    return updated
