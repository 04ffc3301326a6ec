"""The feed's hot state in Redis: ranked snapshots, the hot pointer, rendered pages.

    {feed}:hot            the snapshot first pages use; dropped when a clip is published
    {feed}:last           the newest snapshot built: served while someone else rebuilds
    {feed}:gen            bumped by every drop: a rebuild that read Spanner before the
                          bump is kept as `last` but never becomes hot
    {feed}:epoch          bumped by takedowns: part of every page key, so all rendered
                          pages go stale at once
    {feed}:lock           one rebuild at a time (SET NX PX)
    {feed}:snap:<id>      a ranked list of clip ids, never changed (a header, then ids)
    {feed}:item:<clip>    the clip's unsigned fields (JSON), rewritten by every rebuild
    {feed}:hidden:<clip>  taken down: pages of older snapshots skip it
    {feed}:page:<epoch>:<snapshot>:<offset>:<limit>:<variant>   a rendered page (JSON;
                          the variant is the API's base URL, which its links contain)

The {feed} hash tag keeps every key in one cluster slot, as the scripts need.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis

from liveclips.adapters import clip_stats, redis_store
from liveclips.adapters.config import settings
from liveclips.domain.feed_ranking import Engagement

_P = "{feed}:"
HOT, LAST, GEN, EPOCH, LOCK = (f"{_P}{k}" for k in ("hot", "last", "gen", "epoch", "lock"))
_HEADER = "v1"  # element 0 of a snapshot list: an empty feed still has a snapshot
_LOCK_TTL_MS = 10_000
# After a rebuild the lock is held this much longer: a burst of publications costs one
# rebuild per interval, not one per clip.
_REBUILD_EVERY_MS = 250

# One round trip for a first page: the hot (else last) snapshot and its rendered page.
_FIRST_PAGE = """
local hot = redis.call('GET', KEYS[1])
local id = hot or redis.call('GET', KEYS[2])
local epoch = redis.call('GET', KEYS[3]) or '0'
local gen = redis.call('GET', KEYS[4]) or '0'
local page = false
if id then page = redis.call('GET', ARGV[1] .. epoch .. ':' .. id .. ARGV[2]) end
return {hot, id, epoch, gen, page}
"""
_PAGE = """
local epoch = redis.call('GET', KEYS[1]) or '0'
return {epoch, redis.call('GET', ARGV[1] .. epoch .. ARGV[2])}
"""
# Become `last`; become hot only if nothing was dropped since the rebuild read Spanner.
_PUBLISH = """
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
if (redis.call('GET', KEYS[3]) or '0') == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


@dataclass(frozen=True)
class FirstPage:
    hot_id: str | None
    snapshot_id: str | None  # hot, else last
    epoch: str
    generation: str
    page: str | None  # the snapshot's rendered first page of this size


@dataclass(frozen=True)
class Slice:
    clip_ids: list[str]
    total: int


@dataclass(frozen=True)
class Items:
    items: dict[str, dict[str, Any]]  # cached, not hidden
    hidden: set[str]
    engagement: dict[str, Engagement]


@lru_cache(maxsize=1)
def _scripts() -> dict[str, redis.commands.core.Script]:
    client = redis_store.client()
    sources = {"first": _FIRST_PAGE, "page": _PAGE, "publish": _PUBLISH, "unlock": _UNLOCK}
    return {name: client.register_script(source) for name, source in sources.items()}


@dataclass(frozen=True)
class PageRef:
    snapshot_id: str
    offset: int
    limit: int
    variant: str

    def key(self, epoch: str) -> str:
        return f"{_P}page:{epoch}{self.suffix}"

    @property
    def suffix(self) -> str:
        return f":{self.snapshot_id}:{self.offset}:{self.limit}:{self.variant}"


def first_page(limit: int, variant: str) -> FirstPage:
    keys, args = _first_page_call(limit, variant)
    return _first_page(_scripts()["first"](keys=keys, args=args))


def page(ref: PageRef) -> tuple[str, str | None]:
    """(epoch, the rendered page or None), one round trip."""
    keys, args = _page_call(ref)
    epoch, body = _scripts()["page"](keys=keys, args=args)
    return str(epoch), body


# The hot path, for async routes: the same scripts on the loop's asyncio client.
async def first_page_async(limit: int, variant: str) -> FirstPage:
    keys, args = _first_page_call(limit, variant)
    return _first_page(await redis_store.async_script(_FIRST_PAGE)(keys=keys, args=args))


async def page_async(ref: PageRef) -> tuple[str, str | None]:
    keys, args = _page_call(ref)
    epoch, body = await redis_store.async_script(_PAGE)(keys=keys, args=args)
    return str(epoch), body


def _first_page_call(limit: int, variant: str) -> tuple[list[Any], list[Any]]:
    return [HOT, LAST, EPOCH, GEN], [f"{_P}page:", f":0:{limit}:{variant}"]


def _first_page(reply: list[Any]) -> FirstPage:
    hot, snapshot_id, epoch, gen, body = reply
    return FirstPage(hot, snapshot_id, str(epoch), str(gen), body)


def _page_call(ref: PageRef) -> tuple[list[Any], list[Any]]:
    return [EPOCH], [f"{_P}page:", ref.suffix]


def store_page(epoch: str, ref: PageRef, body: str, ttl_s: int) -> None:
    redis_store.client().set(ref.key(epoch), body, ex=ttl_s)


def hot_id() -> str | None:
    value = redis_store.client().get(HOT)
    return str(value) if value else None


def generation() -> str:
    return str(redis_store.client().get(GEN) or "0")


def snapshot_slice(snapshot_id: str, offset: int, limit: int) -> Slice | None:
    """Ids at [offset, offset + limit) and the snapshot's length; None once it expired."""
    key = f"{_P}snap:{snapshot_id}"
    pipe = redis_store.client().pipeline(transaction=False)
    pipe.lrange(key, offset + 1, offset + limit)
    pipe.llen(key)
    ids, length = pipe.execute()
    if not length:
        return None
    return Slice([str(i) for i in ids], int(length) - 1)


def items(clip_ids: Sequence[str]) -> Items:
    """Cached fields, takedowns and engagement of these clips, in one round trip."""
    if not clip_ids:
        return Items({}, set(), {})
    pipe = redis_store.client().pipeline(transaction=False)
    pipe.mget([f"{_P}item:{c}" for c in clip_ids])
    pipe.mget([f"{_P}hidden:{c}" for c in clip_ids])
    clip_stats.stage_counts(pipe, clip_ids)
    replies = pipe.execute()
    cached, hidden = replies[0], replies[1]
    hidden_ids = {c for c, flag in zip(clip_ids, hidden, strict=True) if flag}
    found = {
        c: json.loads(raw)
        for c, raw in zip(clip_ids, cached, strict=True)
        if raw and c not in hidden_ids
    }
    return Items(found, hidden_ids, clip_stats.read_counts(clip_ids, replies[2:]))


def store_items(found: dict[str, dict[str, Any]]) -> None:
    ttl_s = settings().feed_snapshot_ttl_s
    pipe = redis_store.client().pipeline(transaction=False)
    for clip_id, item in found.items():
        pipe.set(f"{_P}item:{clip_id}", json.dumps(item), ex=ttl_s)
    pipe.execute()


def publish_snapshot(
    ranked: Sequence[str], found: dict[str, dict[str, Any]], generation_read: str
) -> tuple[str, bool]:
    """Store a ranked snapshot and its items; (its id, whether it became hot)."""
    config = settings()
    snapshot_id = uuid.uuid4().hex
    key = f"{_P}snap:{snapshot_id}"
    pipe = redis_store.client().pipeline(transaction=False)
    for clip_id, item in found.items():
        pipe.set(f"{_P}item:{clip_id}", json.dumps(item), ex=config.feed_snapshot_ttl_s)
    pipe.rpush(key, _HEADER, *ranked)
    pipe.expire(key, config.feed_snapshot_ttl_s)
    _scripts()["publish"](
        keys=[HOT, LAST, GEN],
        args=[snapshot_id, config.feed_hot_ttl_s, generation_read],
        client=pipe,
    )
    became_hot = pipe.execute()[-1]
    return snapshot_id, bool(became_hot)


def store_snapshot(ranked: Sequence[str]) -> str:
    """Store a ranked list as a snapshot of its own (a viewer's personal order of the hot
    snapshot's clips, whose items are cached already): pages and cursors work as for any."""
    snapshot_id = uuid.uuid4().hex
    key = f"{_P}snap:{snapshot_id}"
    pipe = redis_store.client().pipeline(transaction=False)
    pipe.rpush(key, _HEADER, *ranked)
    pipe.expire(key, settings().feed_snapshot_ttl_s)
    pipe.execute()
    return snapshot_id


def try_lock() -> str | None:
    token = uuid.uuid4().hex
    taken = redis_store.client().set(LOCK, token, nx=True, px=_LOCK_TTL_MS)
    return token if taken else None


def unlock(token: str) -> None:
    _scripts()["unlock"](keys=[LOCK], args=[token, _REBUILD_EVERY_MS])


def drop_hot() -> None:
    """New clips: the next first page re-ranks; scrolling users keep their snapshots."""
    pipe = redis_store.client().pipeline(transaction=True)
    pipe.incr(GEN)
    pipe.delete(HOT)
    pipe.execute()


def take_down(clip_ids: Sequence[str]) -> None:
    """Taken-down clips leave every page at once: all rendered pages go stale, the
    clips' items go, and pages rendered from older snapshots skip them."""
    ttl_s = 2 * settings().feed_snapshot_ttl_s  # outlives every snapshot that lists them
    pipe = redis_store.client().pipeline(transaction=True)
    for clip_id in clip_ids:
        pipe.set(f"{_P}hidden:{clip_id}", "1", ex=ttl_s)
        pipe.delete(f"{_P}item:{clip_id}")
    pipe.incr(EPOCH)
    pipe.incr(GEN)
    pipe.delete(HOT)
    pipe.execute()


def restore(clip_ids: Sequence[str]) -> None:
    """Restored clips come back: their hidden markers go, every rendered page goes stale
    and the next first page re-ranks with them."""
    pipe = redis_store.client().pipeline(transaction=True)
    for clip_id in clip_ids:
        pipe.delete(f"{_P}hidden:{clip_id}")
    pipe.incr(EPOCH)
    pipe.incr(GEN)
    pipe.delete(HOT)
    pipe.execute()
