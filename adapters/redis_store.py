"""Redis: live detector state per recording and the hot feed cache."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import redis

from adapters.config import settings
from domain.highlight_engine.live import LiveSession

FEED_KEY = "feed:newest"
FEED_MAX = 1000  # the hot cache holds the head of the feed; older pages come from Spanner
_STATE_TTL_S = 24 * 3600


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings().redis_url, decode_responses=True)


def load_live_session(recording_id: str) -> LiveSession:
    raw = client().get(f"highlights:live:{recording_id}")
    return LiveSession.from_dict(json.loads(str(raw))) if raw else LiveSession()


def save_live_session(recording_id: str, session: LiveSession) -> None:
    state = json.dumps(session.to_dict())
    client().set(f"highlights:live:{recording_id}", state, ex=_STATE_TTL_S)


def feed_add(clip_id: str, published_ts: float, item: dict[str, Any], *, final: bool) -> None:
    """Idempotent, and order-proof: a clip keeps the feed position of its first
    publication, and a late instant event never replaces the rendered clip."""
    pipe = client().pipeline(transaction=True)
    if final:
        pipe.hset("feed:items", clip_id, json.dumps(item))
    else:
        pipe.hsetnx("feed:items", clip_id, json.dumps(item))
    pipe.zadd(FEED_KEY, {clip_id: published_ts}, nx=True)
    pipe.zremrangebyrank(FEED_KEY, 0, -FEED_MAX - 1)
    pipe.execute()


def feed_page(limit: int, before_ts: float | None) -> list[dict[str, Any]]:
    upper = f"({before_ts}" if before_ts is not None else "+inf"
    ids = client().zrevrangebyscore(FEED_KEY, upper, "-inf", start=0, num=limit)
    if not ids:
        return []
    items = client().hmget("feed:items", [str(i) for i in ids])
    return [json.loads(item) for item in items if item]
