"""The feed's read side: ranked snapshots built from Spanner and Redis, paged from Redis.

A first page comes from the hot snapshot; when there is none (a clip was published, or
it aged out), one request rebuilds it under a lock while the others keep serving the
previous one. Later pages name their snapshot in the cursor, so new clips never shift
them. Rendered pages are cached per (snapshot, offset, limit). docs/feed.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from liveclips.adapters import clip_stats, feed_cache, spanner_feed, viewer_affinity
from liveclips.adapters.config import settings
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.feed_cursor import FeedCursor, encode_feed
from liveclips.domain.feed_ranking import Engagement, FeedCandidate, rank
from liveclips.domain.personal_feed import Candidate, rerank
from liveclips.errors import PermanentError

_WAIT_FOR_FIRST_BUILD_S = 3.0  # a cold cache with a rebuild under way elsewhere
# How deep into the global snapshot a viewer's tastes re-order it; the rest follows in
# global order (docs/feed.md, "Personalisation").
PERSONAL_DEPTH = 200


class SnapshotGone(PermanentError, LookupError):
    """The cursor's snapshot expired: the app starts again from the top."""


@dataclass(frozen=True)
class PageData:
    items: list[dict[str, Any]]  # unsigned fields, in feed order
    engagement: dict[str, Engagement]
    next_cursor: str | None


Render = Callable[[PageData], str]  # the page as the API answers it (JSON)


async def cached_first_page(limit: int, *, variant: str = "") -> str | None:
    """The hot snapshot's rendered first page if it is cached (one Redis round trip),
    else None: first_page does the rest."""
    if not settings().feed_cache:
        return None
    state = await feed_cache.first_page_async(limit, variant)
    return state.page if state.hot_id is not None else None


async def cached_page(cursor: FeedCursor, limit: int, *, variant: str = "") -> str | None:
    ref = feed_cache.PageRef(cursor.snapshot_id, cursor.offset, limit, variant)
    _, body = await feed_cache.page_async(ref)
    return body


def first_page(limit: int, render: Render, *, variant: str = "") -> str:
    """`variant` names what else the rendered page depends on (the API's base URL)."""
    if not settings().feed_cache:
        snapshot_id = build(feed_cache.generation())
        return render(_page_data(snapshot_id, 0, limit))
    state = feed_cache.first_page(limit, variant)
    if state.hot_id is not None and state.page is not None:
        return state.page
    if state.hot_id is not None:
        snapshot_id = state.hot_id
    elif (token := feed_cache.try_lock()) is not None:
        try:
            snapshot_id = build(state.generation)
        finally:
            feed_cache.unlock(token)
    elif state.snapshot_id is not None:
        # Someone else is rebuilding: the previous snapshot serves meanwhile.
        if state.page is not None:
            return state.page
        snapshot_id = state.snapshot_id
    else:
        snapshot_id = _wait_for_hot() or build(state.generation)
    ref = feed_cache.PageRef(snapshot_id, 0, limit, variant)
    return _render_and_store(state.epoch, ref, render)


def next_page(cursor: FeedCursor, limit: int, render: Render, *, variant: str = "") -> str:
    ref = feed_cache.PageRef(cursor.snapshot_id, cursor.offset, limit, variant)
    epoch, body = feed_cache.page(ref)
    return body or _render_and_store(epoch, ref, render)


def personal_first_page(user_id: str, limit: int, render: Render, *, variant: str = "") -> str:
    """The first page of the viewer's own order of the current snapshot: its first
    PERSONAL_DEPTH clips re-ranked by the viewer's affinity (liveclips/domain/personal_feed.py),
    stored as a snapshot of its own so later pages and cursors work as for the global one.
    A viewer without signals gets the global order (the route sends them to first_page)."""
    global_id, epoch = _current_snapshot()
    personal_id = viewer_affinity.personal_snapshot(user_id, global_id)
    if personal_id is None or feed_cache.snapshot_slice(personal_id, 0, 1) is None:
        personal_id = _personalise(user_id, global_id)
        viewer_affinity.remember_personal(user_id, global_id, personal_id)
    ref = feed_cache.PageRef(personal_id, 0, limit, variant)
    if settings().feed_cache:
        _, body = feed_cache.page(ref)
        if body is not None:
            return body
    return _render_and_store(epoch, ref, render)


def _personalise(user_id: str, global_id: str) -> str:
    head = feed_cache.snapshot_slice(global_id, 0, PERSONAL_DEPTH)
    if head is None:
        raise SnapshotGone(global_id)
    tail = feed_cache.snapshot_slice(global_id, PERSONAL_DEPTH, max(0, head.total - PERSONAL_DEPTH))
    cached = feed_cache.items(head.clip_ids)
    found = dict(cached.items)
    missing = [c for c in head.clip_ids if c not in found and c not in cached.hidden]
    if missing:
        fetched = spanner_feed.visible_items(missing)
        feed_cache.store_items(fetched)
        found.update(fetched)
    candidates = [
        Candidate(c, found[c]["channel_id"], tuple(found[c].get("tags") or []))
        for c in head.clip_ids
        if c in found
    ]
    ranked = rerank(candidates, viewer_affinity.load(user_id),
                    diversity_window=settings().feed_diversity_window)  # fmt: skip
    rest = tail.clip_ids if tail is not None else []
    return feed_cache.store_snapshot([c.clip_id for c in ranked] + rest)


def _current_snapshot() -> tuple[str, str]:
    """The snapshot a first page reads now (hot, else last while a rebuild runs), built
    if there is none, and the takedown epoch."""
    if not settings().feed_cache:
        return build(feed_cache.generation()), "0"
    state = feed_cache.first_page(1, "")
    if state.hot_id is not None:
        return state.hot_id, state.epoch
    if (token := feed_cache.try_lock()) is not None:
        try:
            return build(state.generation), state.epoch
        finally:
            feed_cache.unlock(token)
    if state.snapshot_id is not None:
        return state.snapshot_id, state.epoch
    return _wait_for_hot() or build(state.generation), state.epoch


def build(generation: str) -> str:
    """Rank the newest visible clips into a new snapshot; its id."""
    config = settings()
    rows = spanner_feed.feed_candidates(FEED_PRESET, config.feed_snapshot_size)
    engagement = clip_stats.counts([row["clip_id"] for row in rows])
    candidates = [
        FeedCandidate(
            clip_id=row["clip_id"],
            channel_id=row["channel_id"],
            published_at_s=_epoch_s(row["published_at"]),
            engagement=engagement[row["clip_id"]],
            highlight_status=row["highlight_status"],
            hidden=False,  # the query leaves taken-down clips out
        )
        for row in rows
    ]
    ranked = rank(candidates, time.time(), diversity_window=config.feed_diversity_window)
    items = {row["clip_id"]: {k: v for k, v in row.items() if k != "highlight_status"}
             for row in rows}  # fmt: skip
    snapshot_id, _ = feed_cache.publish_snapshot(
        [c.clip_id for c in ranked], {c.clip_id: items[c.clip_id] for c in ranked}, generation
    )
    return snapshot_id


def _render_and_store(epoch: str, ref: feed_cache.PageRef, render: Render) -> str:
    body = render(_page_data(ref.snapshot_id, ref.offset, ref.limit))
    if settings().feed_cache:
        feed_cache.store_page(epoch, ref, body, page_ttl_s())
    return body


def page_ttl_s() -> int:
    """A cached page's URLs were signed when it was rendered: reuse it for a tenth of
    their life at most, so every URL handed out has 90 % of it left."""
    config = settings()
    return max(1, min(config.feed_page_ttl_s, config.signed_url_ttl_s // 10))


def _page_data(snapshot_id: str, offset: int, limit: int) -> PageData:
    part = feed_cache.snapshot_slice(snapshot_id, offset, limit)
    if part is None:
        raise SnapshotGone(snapshot_id)
    cached = feed_cache.items(part.clip_ids)
    missing = [c for c in part.clip_ids if c not in cached.items and c not in cached.hidden]
    found = dict(cached.items)
    if missing:  # expired with their last rebuild, or taken down (then Spanner omits them)
        fetched = spanner_feed.visible_items(missing)
        feed_cache.store_items(fetched)
        found.update(fetched)
    ordered = [found[c] for c in part.clip_ids if c in found]
    end = offset + limit
    next_cursor = encode_feed(FeedCursor(snapshot_id, end)) if end < part.total else None
    return PageData(ordered, cached.engagement, next_cursor)


def _wait_for_hot() -> str | None:
    deadline = time.monotonic() + _WAIT_FOR_FIRST_BUILD_S
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if (snapshot_id := feed_cache.hot_id()) is not None:
            return snapshot_id
    return None


def _epoch_s(value: Any) -> float:
    return datetime.fromisoformat(str(value)).timestamp()
