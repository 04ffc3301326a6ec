"""GET /v1/feed: the ranked clip feed, paged by snapshot cursors (liveclips/services/feed.py)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from liveclips.adapters import viewer_affinity
from liveclips.api.auth import AnyCaller
from liveclips.api.clip_views import feed_clip, urls_expire_at
from liveclips.api.errors import api_error, documented
from liveclips.api.models import FeedPage
from liveclips.domain.feed_cursor import FeedCursor, InvalidCursor, decode_feed
from liveclips.services import feed
from liveclips.services.feed import PageData

router = APIRouter(prefix="/v1", tags=["feed"])


@router.get(
    "/feed",
    response_model=FeedPage,
    responses=documented(400, 410),
)
async def get_feed(
    request: Request,
    caller: AnyCaller,
    limit: int = Query(20, ge=1, le=50),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
) -> Response:
    """Clips ranked by recency and engagement, no channel twice in a row of four, then
    re-ranked by the viewer's own signals (follows, clips watched through, shared,
    skipped); a viewer with none gets the global ranking. The first page is the current
    ranking; a cursor keeps its ranking (new clips appear when the app reloads from the
    top)."""
    api_base = str(request.base_url).rstrip("/")
    position = _position(cursor)
    if position is None and await viewer_affinity.has_signals(caller.user_id):
        return Response(
            await run_in_threadpool(_personal, caller.user_id, limit, api_base),
            media_type="application/json",
        )
    # The hot path stays on the event loop: one Redis round trip, no worker thread.
    if position is None:
        body = await feed.cached_first_page(limit, variant=api_base)
    else:
        body = await feed.cached_page(position, limit, variant=api_base)
    if body is None:
        body = await run_in_threadpool(_uncached, position, limit, api_base)
    return Response(body, media_type="application/json")


def _position(cursor: str | None) -> FeedCursor | None:
    if cursor is None:
        return None
    try:
        return decode_feed(cursor)
    except InvalidCursor as error:
        raise api_error(400, "invalid_cursor", str(error)) from error


def _renderer(api_base: str) -> feed.Render:
    def render(data: PageData) -> str:
        now = time.time()
        clips = [feed_clip(i, data.engagement.get(i["clip_id"]), api_base, now) for i in data.items]
        page = FeedPage(
            clips=clips, next_cursor=data.next_cursor, urls_expire_at=urls_expire_at(now)
        )
        return page.model_dump_json()

    return render


def _personal(user_id: str, limit: int, api_base: str) -> str:
    try:
        return feed.personal_first_page(user_id, limit, _renderer(api_base), variant=api_base)
    except feed.SnapshotGone:  # expired between reading its id and its clips: once more
        return feed.personal_first_page(user_id, limit, _renderer(api_base), variant=api_base)


def _uncached(position: FeedCursor | None, limit: int, api_base: str) -> str:
    render = _renderer(api_base)
    if position is None:
        return feed.first_page(limit, render, variant=api_base)
    try:
        return feed.next_page(position, limit, render, variant=api_base)
    except feed.SnapshotGone as error:
        raise api_error(410, "cursor_expired", "this feed snapshot expired; start again") from error
