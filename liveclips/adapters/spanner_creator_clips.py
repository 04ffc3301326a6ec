"""Cloud Spanner: a creator's own clips for the studio, whatever their state (rendering,
published, taken down), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import spanner

from liveclips.adapters.spanner import database

_COLUMNS = ("ClipId", "HighlightId", "RecordingId", "StreamId", "ChannelId", "Preset", "State",
            "StartS", "EndS", "DurationS", "CreatedAt", "PublishedAt", "RenderedAt", "Bucket",
            "PosterKey", "HiddenAt", "HiddenReason")  # fmt: skip
_TYPES = {
    "channels": spanner.param_types.Array(spanner.param_types.STRING),
    "preset": spanner.param_types.STRING,
    "limit": spanner.param_types.INT64,
    "at": spanner.param_types.TIMESTAMP,
    "id": spanner.param_types.STRING,
}


def of_channels(
    channel_ids: list[str], preset: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[dict[str, Any]]:
    """Each clip's columns by Spanner name; `after` is the last seen (CreatedAt, ClipId)."""
    if not channel_ids:
        return []
    params: dict[str, Any] = {"channels": channel_ids, "preset": preset, "limit": limit}
    cursor = ""
    if after is not None:
        cursor = " AND (CreatedAt < @at OR (CreatedAt = @at AND ClipId > @id))"
        params.update(at=after[0], id=after[1])
    sql = (
        f"SELECT {', '.join(_COLUMNS)} FROM Clips@{{FORCE_INDEX=ClipsByChannel}}"  # noqa: S608
        f" WHERE ChannelId IN UNNEST(@channels) AND Preset = @preset{cursor}"
        " ORDER BY CreatedAt DESC, ClipId LIMIT @limit"
    )
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(sql, params, _TYPES)
        return [dict(zip(_COLUMNS, row, strict=True)) for row in rows]
