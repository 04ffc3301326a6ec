"""Cloud Spanner: creators' channels (who owns which IVS channel, and how it plays)."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from google.cloud import spanner

from liveclips.adapters.spanner import COMMIT_TS, database
from liveclips.domain.programs import MAX_DURATION_S

STRING, INT64, TIMESTAMP = (spanner.param_types.STRING, spanner.param_types.INT64,
                            spanner.param_types.TIMESTAMP)  # fmt: skip


@dataclass(frozen=True)
class Channel:
    channel_id: str
    channel_arn: str
    owner_user_id: str
    name: str
    private: bool
    playback_url: str
    ingest_endpoint: str
    latency_mode: str
    type: str
    stream_key_arn: str | None
    created_at: datetime | None = None  # set by the commit


_COLUMNS = ("ChannelId", "ChannelArn", "OwnerUserId", "Name", "Private", "PlaybackUrl",
            "IngestEndpoint", "LatencyMode", "Type", "StreamKeyArn", "CreatedAt")  # fmt: skip
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM Channels"  # noqa: S608  # constants only


def create(channel: Channel) -> None:
    values = (*astuple(channel)[:-1], COMMIT_TS)
    with database().batch() as batch:
        batch.insert("Channels", columns=_COLUMNS, values=[values])


def get(channel_id: str) -> Channel | None:
    found = _query(f"{_SELECT} WHERE ChannelId = @id", id=channel_id)
    return found[0] if found else None


def set_stream_key(channel_id: str, stream_key_arn: str | None) -> None:
    with database().batch() as batch:
        batch.update(
            "Channels", columns=("ChannelId", "StreamKeyArn"), values=[(channel_id, stream_key_arn)]
        )


def owned_by(
    owner: str | None, limit: int, after: tuple[datetime, str] | None = None
) -> list[Channel]:
    """Newest first; `owner=None` is every channel (admins). `after` is the last seen
    (CreatedAt, ChannelId)."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    if owner is not None:
        where.append("OwnerUserId = @owner")
        params["owner"] = owner
    if after is not None:
        where.append("(CreatedAt < @at OR (CreatedAt = @at AND ChannelId > @id))")
        params.update(at=after[0], id=after[1])
    index = "@{FORCE_INDEX=ChannelsByOwner}" if owner is not None else ""
    sql = (
        f"SELECT {', '.join(_COLUMNS)} FROM Channels{index}"  # noqa: S608  # constants only
        f"{' WHERE ' + ' AND '.join(where) if where else ''}"
        " ORDER BY CreatedAt DESC, ChannelId LIMIT @limit"
    )
    return _query(sql, **params)


def ids_owned_by(owner: str, most: int = 1000) -> list[str]:
    return [c.channel_id for c in owned_by(owner, most)]


def _types(params: dict[str, Any]) -> dict[str, Any]:
    # isinstance, not type(): cursor times come back as DatetimeWithNanoseconds.
    return {
        k: TIMESTAMP if isinstance(v, datetime) else INT64 if isinstance(v, int) else STRING
        for k, v in params.items()
    }


def _query(sql: str, **params: Any) -> list[Channel]:
    with database().snapshot() as snapshot:
        return [Channel(*row) for row in snapshot.execute_sql(sql, params, _types(params))]


@dataclass(frozen=True)
class LiveStream:
    stream_id: str
    started_at: datetime
    program_title: str | None  # the program on air when it started
    channel: Channel


_CHANNEL_FIELDS = ", ".join(f"c.{column}" for column in _COLUMNS)
# The program is spanner_programs.program_at's, inlined: one query for the whole page.
_PROGRAM_AT_START = (
    "(SELECT p.Title FROM Programs@{FORCE_INDEX=ProgramsByStart} AS p"  # noqa: S608
    " WHERE p.ChannelId = s.ChannelId AND p.StartsAt <= s.StartedAt AND p.EndsAt > s.StartedAt"
    f" AND p.StartsAt > TIMESTAMP_SUB(s.StartedAt, INTERVAL {MAX_DURATION_S} SECOND)"
    " ORDER BY p.StartsAt DESC LIMIT 1)"
)
_LIVE = (
    f"SELECT s.StreamId, s.StartedAt, {_PROGRAM_AT_START}, {_CHANNEL_FIELDS}"  # noqa: S608
    " FROM Streams@{FORCE_INDEX=StreamsByState} AS s"
    " JOIN Channels AS c ON c.ChannelId = s.ChannelId"
    " WHERE s.State = 'LIVE' AND s.StartedAt IS NOT NULL"
)


def live_now(
    limit: int,
    after: tuple[datetime, str] | None = None,
    *,
    followed_by: str | None = None,
    channel_id: str | None = None,
) -> list[LiveStream]:
    """LIVE streams of known channels, the most recently started first; `after` is the last
    seen (StartedAt, StreamId). Streams of channels we did not create are not listed:
    nothing could play them. `followed_by`: only channels this user follows (Follows);
    `channel_id`: only that channel's."""
    params: dict[str, Any] = {"limit": limit}
    cursor = ""
    if channel_id is not None:
        cursor = " AND s.ChannelId = @channel"
        params["channel"] = channel_id
    if followed_by is not None:
        cursor += (
            " AND s.ChannelId IN (SELECT f.ChannelId FROM Follows AS f WHERE f.UserId = @user)"
        )
        params["user"] = followed_by
    if after is not None:
        cursor += " AND (s.StartedAt < @at OR (s.StartedAt = @at AND s.StreamId > @id))"
        params.update(at=after[0], id=after[1])
    sql = f"{_LIVE}{cursor} ORDER BY s.StartedAt DESC, s.StreamId LIMIT @limit"
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(sql, params, _types(params))
        return [LiveStream(row[0], row[1], row[2], Channel(*row[3:])) for row in rows]
