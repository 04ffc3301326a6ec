"""Redis: live detector state per recording and the hot feed cache."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from typing import Any

import redis

from adapters.config import settings
from domain.highlights import DetectorState

FEED_KEY = "feed:newest"
FEED_MAX = 1000  # the hot cache holds the head of the feed; older pages come from Spanner
_STATE_TTL_S = 24 * 3600


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings().redis_url, decode_responses=True)


def load_detector_state(recording_id: str) -> DetectorState:
    raw = client().get(f"detector:{recording_id}")
    return DetectorState(**json.loads(str(raw))) if raw else DetectorState()


def save_detector_state(recording_id: str, state: DetectorState) -> None:
    client().set(f"detector:{recording_id}", json.dumps(asdict(state)), ex=_STATE_TTL_S)


def feed_add(clip_id: str, published_ts: float, item: dict[str, Any]) -> None:
    """Idempotent: indexing the same clip twice leaves one entry."""
    pipe = client().pipeline(transaction=True)
    pipe.hset("feed:items", clip_id, json.dumps(item))
    pipe.zadd(FEED_KEY, {clip_id: published_ts})
    pipe.zremrangebyrank(FEED_KEY, 0, -FEED_MAX - 1)
    pipe.execute()


def feed_page(limit: int, before_ts: float | None) -> list[dict[str, Any]]:
    upper = f"({before_ts}" if before_ts is not None else "+inf"
    ids = client().zrevrangebyscore(FEED_KEY, upper, "-inf", start=0, num=limit)
    if not ids:
        return []
    items = client().hmget("feed:items", [str(i) for i in ids])
    return [json.loads(item) for item in items if item]
