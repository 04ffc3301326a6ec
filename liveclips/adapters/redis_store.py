"""Redis: live detector state per recording, viewers' playback sessions, the hot play
counters and live concurrency (the feed's own keys: liveclips/adapters/feed_cache.py)."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import redis
import redis.asyncio
from redis.client import Pipeline

from liveclips.adapters.config import settings
from liveclips.domain.highlight_engine.live import LiveSession
from liveclips.domain.playback import Session

_STATE_TTL_S = 24 * 3600


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings().redis_url, decode_responses=True)


# For async routes' hot paths: one client per event loop (its connections belong to the
# loop), so a request that only needs Redis costs no worker thread.
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.asyncio.Redis] = (
    weakref.WeakKeyDictionary()
)


def async_client() -> redis.asyncio.Redis:
    loop = asyncio.get_running_loop()
    found = _async_clients.get(loop)
    if found is None:
        found = redis.asyncio.Redis.from_url(settings().redis_url, decode_responses=True)
        _async_clients[loop] = found
    return found


# Scripts registered on each loop's client, by source: EVALSHA with one registration.
_async_scripts: weakref.WeakKeyDictionary[
    redis.asyncio.Redis, dict[str, redis.commands.core.AsyncScript]
] = weakref.WeakKeyDictionary()


def async_script(source: str) -> redis.commands.core.AsyncScript:
    """`source` registered on this event loop's client (once per loop and script)."""
    client = async_client()
    scripts = _async_scripts.setdefault(client, {})
    if source not in scripts:
        scripts[source] = client.register_script(source)
    return scripts[source]


# Feeding a segment and finishing the show both change the detector state; one writer
# at a time, so every segment is fed exactly once. Longer than any catch-up takes.
_LIVE_LOCK_TTL_S = 120
_LIVE_LOCK_WAIT_S = 30


@contextmanager
def live_session(recording_id: str) -> Iterator[LiveSession]:
    """The live detector state of a recording, loaded under its lock and saved when the
    block ends without an exception (with one, nothing is saved and the lock is freed)."""
    key = f"highlights:live:{recording_id}"
    with client().lock(f"{key}:lock", timeout=_LIVE_LOCK_TTL_S, blocking_timeout=_LIVE_LOCK_WAIT_S):
        raw = client().get(key)
        session = LiveSession.from_dict(json.loads(str(raw))) if raw else LiveSession()
        yield session
        client().set(key, json.dumps(session.to_dict()), ex=_STATE_TTL_S)


_SESSION_TTL_S = 6 * 3600  # a playback session silent this long is over
_WRITTEN_TTL_S = 60  # when a (user, title) was last written matters for ~10 s only
# The hot counter is rebuilt from Spanner this often, so a race while seeding it (or a
# crash between the two writes of a play) is not remembered for ever.
_PLAYS_TTL_S = 3600
_INCR_IF_PRESENT = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end return false"
)


@dataclass(frozen=True)
class Viewing:
    session: Session | None
    written_at_s: float | None  # last durable write of this (user, title)
    plays: int | None  # None: not cached, count it in Spanner


def _viewing_keys(user_id: str, title_id: str, session_id: str) -> tuple[str, str, str]:
    return (
        f"viewing:session:{user_id}:{title_id}:{session_id}",
        f"viewing:written:{user_id}:{title_id}",
        f"viewing:plays:{title_id}",
    )


def viewing(user_id: str, title_id: str, session_id: str) -> Viewing:
    """Everything a progress report needs, in one round trip (every heartbeat pays it)."""
    session, written_at, plays = client().mget(_viewing_keys(user_id, title_id, session_id))
    return Viewing(
        session=Session.from_dict(json.loads(session)) if session else None,
        written_at_s=float(written_at) if written_at else None,
        plays=int(plays) if plays else None,
    )


def save_viewing(
    user_id: str, title_id: str, session_id: str, session: Session, *, written_at_s: float | None
) -> None:
    session_key, written_key, _ = _viewing_keys(user_id, title_id, session_id)
    pipe = client().pipeline(transaction=False)
    pipe.set(session_key, json.dumps(session.to_dict()), ex=_SESSION_TTL_S)
    if written_at_s is not None:
        pipe.set(written_key, repr(written_at_s), ex=_WRITTEN_TTL_S)
    pipe.execute()


def add_play(title_id: str) -> int | None:
    """The counter after one more play; None when it is not cached (seed it instead)."""
    plays = client().eval(_INCR_IF_PRESENT, 1, f"viewing:plays:{title_id}")
    return int(plays) if plays is not None else None


def seed_plays(title_id: str, counted: int) -> int:
    """Cache Spanner's count unless a concurrent request did first; the cached value."""
    pipe = client().pipeline(transaction=True)
    pipe.set(f"viewing:plays:{title_id}", counted, nx=True, ex=_PLAYS_TTL_S)
    pipe.get(f"viewing:plays:{title_id}")
    _, plays = pipe.execute()
    return int(plays)


# A live viewer is a playback session heard from within this long (heartbeats are ~10 s).
LIVE_VIEWER_TTL_S = 30
LIVE_KEYS_TTL_S = 3600


def live_key(stream_id: str, what: str) -> str:
    """A live stream's keys share its hash tag, so its Lua script stays valid on a cluster
    (liveclips/adapters/live_audience.py): `viewers` is the sorted set session -> last heard."""
    return f"live:{{{stream_id}}}:{what}"


def live_viewers_seen(
    seen: list[tuple[str, str, float]],
    left: list[tuple[str, str]],
    also: Callable[[Pipeline], None] | None = None,
) -> None:
    """Sessions (stream, session, at) heard from, and (stream, session) that left; `also`
    queues more commands in the same round trip. (The ingest goes through
    liveclips/adapters/live_audience.track, which also counts joins and samples; this is for
    seeding a stream's viewers.)"""
    pipe = client().pipeline(transaction=False)
    if also is not None:
        also(pipe)
    for stream_id, session_id, at in seen:
        pipe.zadd(live_key(stream_id, "viewers"), {session_id: at}, gt=True)
        pipe.expire(live_key(stream_id, "viewers"), LIVE_KEYS_TTL_S)
    for stream_id, session_id in left:
        pipe.zrem(live_key(stream_id, "viewers"), session_id)
    pipe.execute()


def live_viewers(stream_id: str, now: float) -> int:
    key = live_key(stream_id, "viewers")
    pipe = client().pipeline(transaction=False)
    pipe.zremrangebyscore(key, "-inf", now - LIVE_VIEWER_TTL_S)
    pipe.zcard(key)
    _, count = pipe.execute()
    return int(count)
