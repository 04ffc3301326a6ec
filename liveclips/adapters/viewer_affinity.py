"""A viewer's affinity vector in Redis (liveclips/domain/personal_feed.py learns it).

`aff:{<user>}` is a hash of summed signal weights, `c:<channel>` and `t:<tag>`;
`aff:{<user>}:follows` is the set of channels the viewer follows, mirrored from Spanner's
Follows on every follow and unfollow. Both live AFFINITY_TTL_S after the last signal:
a viewer gone for a month starts again from the global ranking.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from liveclips.adapters import redis_store
from liveclips.domain.personal_feed import Affinity, Step

AFFINITY_TTL_S = 30 * 24 * 3600
MAX_FIELDS = 2000  # a hash past this is trimmed on read to its strongest entries


def _key(user_id: str) -> str:
    return f"aff:{{{user_id}}}"


def stage(pipe: redis.client.Pipeline, user_id: str, steps: Iterable[Step]) -> None:
    key = _key(user_id)
    staged = False
    for step in steps:
        if step.channel is not None:
            pipe.hincrbyfloat(key, f"c:{step.channel[0]}", step.channel[1])
            staged = True
        for tag, weight in step.tags:
            pipe.hincrbyfloat(key, f"t:{tag}", weight)
            staged = True
    if staged:
        pipe.expire(key, AFFINITY_TTL_S)


def record(user_id: str, steps: Iterable[Step]) -> None:
    pipe = redis_store.client().pipeline(transaction=False)
    stage(pipe, user_id, steps)
    pipe.execute()


def set_follow(user_id: str, channel_id: str, following: bool) -> None:
    key = f"{_key(user_id)}:follows"
    pipe = redis_store.client().pipeline(transaction=True)
    if following:
        pipe.sadd(key, channel_id)
    else:
        pipe.srem(key, channel_id)
    pipe.expire(key, AFFINITY_TTL_S)
    pipe.execute()


def seed_follows(user_id: str, channel_ids: set[str]) -> None:
    key = f"{_key(user_id)}:follows"
    pipe = redis_store.client().pipeline(transaction=True)
    pipe.delete(key)
    if channel_ids:
        pipe.sadd(key, *channel_ids)
        pipe.expire(key, AFFINITY_TTL_S)
    pipe.execute()


def load(user_id: str) -> Affinity:
    """One round trip: the summed signals and the followed channels."""
    pipe = redis_store.client().pipeline(transaction=False)
    pipe.hgetall(_key(user_id))
    pipe.smembers(f"{_key(user_id)}:follows")
    raw, follows = pipe.execute()
    channels: dict[str, float] = {}
    tags: dict[str, float] = {}
    entries = sorted(((str(k), float(v)) for k, v in raw.items()), key=lambda e: -abs(e[1]))
    for name, value in entries[:MAX_FIELDS]:
        kind, _, what = name.partition(":")
        (channels if kind == "c" else tags)[what] = value
    return Affinity(channels=channels, tags=tags, followed=frozenset(str(f) for f in follows))


PERSONAL_REUSE_S = 60  # a viewer's personal order is rebuilt at most this often per snapshot


def _personal_key(user_id: str) -> str:
    return f"{_key(user_id)}:personal"


def personal_snapshot(user_id: str, global_id: str) -> str | None:
    """The personal snapshot made from `global_id` for this viewer lately, if any."""
    value = redis_store.client().get(_personal_key(user_id))
    if not value:
        return None
    made_from, _, personal_id = str(value).partition("|")
    return personal_id if made_from == global_id and personal_id else None


def remember_personal(user_id: str, global_id: str, personal_id: str) -> None:
    redis_store.client().set(_personal_key(user_id), f"{global_id}|{personal_id}",
                             ex=PERSONAL_REUSE_S)  # fmt: skip


async def has_signals(user_id: str) -> bool:
    """Whether the viewer has any signal at all (one async round trip): a new viewer's
    feed is the global one, served from the shared page cache."""
    client = redis_store.async_client()
    found = await client.exists(_key(user_id), f"{_key(user_id)}:follows")
    return bool(found)
