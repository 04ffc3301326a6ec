"""GET /v1/search: clips by title, tags and transcript (Spanner full-text search)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Query, Request

from liveclips.adapters import clip_stats, spanner_feed
from liveclips.api.auth import AnyCaller
from liveclips.api.clip_views import feed_clip, urls_expire_at
from liveclips.api.errors import api_error, documented
from liveclips.api.models import SearchPage
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.feed_cursor import InvalidCursor, SearchCursor, decode_search, encode_search
from liveclips.domain.feed_cursor import query_digest as digest_of
from liveclips.domain.search_text import search_query, search_terms

router = APIRouter(prefix="/v1", tags=["feed"])
# Later pages read Spanner as of the first page; Spanner keeps old versions for an hour.
CURSOR_LIFETIME = timedelta(minutes=50)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@router.get("/search", response_model=SearchPage, responses=documented(400, 410))
def search(
    request: Request,
    _caller: AnyCaller,
    q: str = Query(min_length=1, max_length=200, description="Words to find, all of them"),
    limit: int = Query(20, ge=1, le=50),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
) -> SearchPage:
    """Feed clips whose title, tags or transcript hold every word of `q`, best match
    first (title matches ahead). Later pages see the catalogue as the first page did."""
    terms = search_terms(q)
    query = search_query(terms)
    digest = digest_of(query)
    read_at, offset = _position(cursor, digest)
    now = time.time()
    if not terms:
        return SearchPage(clips=[], next_cursor=None, urls_expire_at=urls_expire_at(now))
    found = spanner_feed.search(query, FEED_PRESET, limit=limit + 1, offset=offset, read_at=read_at)
    items = found.items[:limit]
    if read_at is not None:  # taken down since the first page was read
        gone = spanner_feed.hidden_among([(i["recording_id"], i["clip_id"]) for i in items])
        items = [i for i in items if i["clip_id"] not in gone]
    engagement = clip_stats.counts([i["clip_id"] for i in items])
    base = str(request.base_url).rstrip("/")
    more = len(found.items) > limit
    next_cursor = (
        encode_search(SearchCursor(_micros(found.read_at), offset + limit, digest))
        if more
        else None
    )
    return SearchPage(
        clips=[feed_clip(i, engagement[i["clip_id"]], base, now) for i in items],
        next_cursor=next_cursor,
        urls_expire_at=urls_expire_at(now),
    )


def _position(cursor: str | None, digest: str) -> tuple[datetime | None, int]:
    if cursor is None:
        return None, 0
    try:
        parsed = decode_search(cursor)
    except InvalidCursor as error:
        raise api_error(400, "invalid_cursor", str(error)) from error
    if parsed.query_digest != digest:
        raise api_error(400, "invalid_cursor", "this cursor belongs to another query")
    read_at = _EPOCH + timedelta(microseconds=parsed.read_at_us)
    if datetime.now(UTC) - read_at > CURSOR_LIFETIME:
        raise api_error(410, "cursor_expired", "this search is too old to continue; search again")
    return read_at, parsed.offset


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)
