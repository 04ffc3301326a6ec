"""What viewers read about clips from Spanner: feed candidates, one clip, search.

Every read leaves out clips the content team took down (HiddenAt) and clips whose
highlight is not APPROVED; reads run in read-only snapshots (search indexes are not
used inside read-write transactions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.cloud import spanner

from liveclips.adapters.spanner import database

_T = spanner.param_types
# Item field -> expression over Clips c. Items are what the feed cache stores (JSON).
ITEM_COLUMNS = {
    "clip_id": "c.ClipId",
    "recording_id": "c.RecordingId",
    "channel_id": "c.ChannelId",
    "stream_id": "c.StreamId",
    "preset": "c.Preset",
    "start_s": "c.StartS",
    "end_s": "c.EndS",
    "duration_s": "COALESCE(c.DurationS, c.EndS - c.StartS)",
    "width": "c.Width",
    "height": "c.Height",
    "bucket": "c.Bucket",
    "key": "COALESCE(c.ObjectKey, c.InstantKey)",
    "hls_key": "c.HlsKey",
    "poster_key": "c.PosterKey",
    "thumbnails_key": "c.ThumbnailsKey",
    "rendition": "IF(c.State = 'PUBLISHED', 'rendered', 'instant')",
    "moment_ended_at": "c.MomentEndedAt",
    "published_at": "c.PublishedAt",
    "rendered_at": "c.RenderedAt",
    "title": "c.Title",
    "tags": "c.Tags",
}
_SELECT = ", ".join(ITEM_COLUMNS.values())
_APPROVED = (
    " LEFT JOIN HighlightCandidates AS h"
    " ON h.RecordingId = c.RecordingId AND h.HighlightId = c.HighlightId"
)
_VISIBLE = "c.PublishedAt IS NOT NULL AND c.HiddenAt IS NULL AND h.Status = 'APPROVED'"


@dataclass(frozen=True)
class ClipLookup:
    item: dict[str, Any]
    visible: bool  # published and approved
    hidden_at: datetime | None


@dataclass(frozen=True)
class SearchPage:
    items: list[dict[str, Any]]
    read_at: datetime  # the snapshot's timestamp: later pages read at the same one


def feed_candidates(preset: str, limit: int) -> list[dict[str, Any]]:
    """The newest visible clips of a preset with their highlight's status, which the
    ranking checks again (liveclips/domain/feed_ranking.is_visible)."""
    sql = (
        f"SELECT {_SELECT}, h.Status FROM Clips@{{FORCE_INDEX=ClipsByPublishedAt}} AS c"  # noqa: S608
        f"{_APPROVED} WHERE c.Preset = @preset AND c.PublishedAt IS NOT NULL"
        " AND c.HiddenAt IS NULL ORDER BY c.PublishedAt DESC LIMIT @limit"
    )
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            sql,
            params={"preset": preset, "limit": limit},
            param_types={"preset": _T.STRING, "limit": _T.INT64},
        )
        return [{**_item(row), "highlight_status": row[-1]} for row in rows]


def visible_items(clip_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The still-visible ones of these clips, by id (a page whose cached items expired)."""
    if not clip_ids:
        return {}
    sql = (
        f"SELECT {_SELECT} FROM Clips@{{FORCE_INDEX=ClipsById}} AS c{_APPROVED}"  # noqa: S608
        f" WHERE c.ClipId IN UNNEST(@ids) AND {_VISIBLE}"
    )
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            sql, params={"ids": list(clip_ids)}, param_types={"ids": _T.Array(_T.STRING)}
        )
        return {item["clip_id"]: item for item in map(_item, rows)}


def clip(clip_id: str) -> ClipLookup | None:
    sql = (
        f"SELECT {_SELECT}, c.PublishedAt IS NOT NULL AND h.Status = 'APPROVED', c.HiddenAt"  # noqa: S608
        f" FROM Clips@{{FORCE_INDEX=ClipsById}} AS c{_APPROVED} WHERE c.ClipId = @clip"
    )
    with database().snapshot() as snapshot:
        rows = list(
            snapshot.execute_sql(sql, params={"clip": clip_id}, param_types={"clip": _T.STRING})
        )
    if not rows:
        return None
    row = rows[0]
    return ClipLookup(item=_item(row), visible=bool(row[-2]), hidden_at=row[-1])


def search(
    query: str, preset: str, *, limit: int, offset: int, read_at: datetime | None
) -> SearchPage:
    """Visible clips matching `query` (Spanner's search syntax, built by
    liveclips/domain/search_text),
    best first: every term anywhere in title, tags or transcript; title matches ahead.
    `read_at` repeats the first page's snapshot, so inserts never shift later pages."""
    sql = (
        f"SELECT {_SELECT}, SCORE(c.TextTokens, @q) + SCORE(c.TitleTokens, @q) AS relevance"  # noqa: S608
        f" FROM Clips@{{FORCE_INDEX=ClipsText}} AS c{_APPROVED}"
        f" WHERE SEARCH(c.TextTokens, @q) AND c.Preset = @preset AND {_VISIBLE}"
        " ORDER BY relevance DESC, c.PublishedAt DESC, c.ClipId LIMIT @limit OFFSET @offset"
    )
    params = {"q": query, "preset": preset, "limit": limit, "offset": offset}
    types = {"q": _T.STRING, "preset": _T.STRING, "limit": _T.INT64, "offset": _T.INT64}
    bound = {"read_timestamp": read_at} if read_at else {}
    with database().snapshot(**bound) as snapshot:
        results = snapshot.execute_sql(sql, params=params, param_types=types)
        items = [_item(row) for row in results]
        stamp: datetime = read_at or results.metadata.transaction.read_timestamp
    return SearchPage(items=items, read_at=stamp)


def hidden_among(keys: Sequence[tuple[str, str]]) -> set[str]:
    """Which of these (recording, clip) were taken down by now: a page read at an older
    timestamp must not show what has been removed since."""
    if not keys:
        return set()
    with database().snapshot() as snapshot:
        rows = snapshot.read(
            "Clips", columns=("ClipId", "HiddenAt"), keyset=spanner.KeySet(keys=list(keys))
        )
        return {clip_id for clip_id, hidden_at in rows if hidden_at is not None}


def _item(row: Sequence[Any]) -> dict[str, Any]:
    values = zip(ITEM_COLUMNS, row[: len(ITEM_COLUMNS)], strict=True)
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values}
