"""Redis: a live stream's audience between two samples, and who takes each sample.

One Lua script per stream named in an ingest batch, queued on the ingest's own pipeline
(so it adds no round trip), does atomically what the batch says and decides the sample:

- prunes sessions not heard from in `LIVE_VIEWER_TTL_S`, adds the sessions heard from
  (`ZADD GT`: a late report never moves a session back), removes those that left;
- counts a *join* for each session new to the set (a resent live_join or heartbeat is
  not new), and a *reaction* for each share not counted before (`SET NX` on its id);
- claims the sample of the current bucket with `SET NX EX`: of all API instances the
  first request of a bucket gets it, with the concurrency now and the joins and
  reactions counted since the previous sample (read and deleted in the same script, so
  none is counted twice or lost between two claims);
- when the last viewer leaves in a bucket whose sample is already taken, it claims the
  next bucket's, so a stream nobody watches any more gets its sample of 0 even if no
  request comes after.

Also the stream -> channel mapping the samples need (immutable: a stream belongs to one
channel), cached in-process and in Redis next to the stream's keys.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from redis.client import Pipeline
from redis.exceptions import NoScriptError

from liveclips.adapters.redis_store import LIVE_KEYS_TTL_S, LIVE_VIEWER_TTL_S, client, live_key
from liveclips.domain.audience import StreamActivity, bucket_of

_CHANNEL_TTL_S = 48 * 3600  # IVS ends a stream after 48 h
_REACTED_TTL_S = 3600  # a resent share is resent within minutes

# KEYS: viewers, counts, this bucket's claim, the next bucket's claim, channel, then one
# key per share. ARGV: cutoff, claim ttl, live keys ttl, reacted ttl, n seen, n (session,
# at) pairs, n left, n sessions.
_TRACK = """
local viewers, counts = KEYS[1], KEYS[2]
local cutoff = tonumber(ARGV[1])
local claim_ttl, keys_ttl, reacted_ttl = ARGV[2], ARGV[3], ARGV[4]
redis.call('ZREMRANGEBYSCORE', viewers, '-inf', ARGV[1])
local joins, i = 0, 6
for _ = 1, tonumber(ARGV[5]) do
  if tonumber(ARGV[i + 1]) > cutoff then
    joins = joins + redis.call('ZADD', viewers, 'GT', ARGV[i + 1], ARGV[i])
  end
  i = i + 2
end
local leaves = tonumber(ARGV[i])
for k = i + 1, i + leaves do
  redis.call('ZREM', viewers, ARGV[k])
end
redis.call('EXPIRE', viewers, keys_ttl)
local reactions = 0
for k = 6, #KEYS do
  if redis.call('SET', KEYS[k], '1', 'NX', 'EX', reacted_ttl) then
    reactions = reactions + 1
  end
end
if joins > 0 then redis.call('HINCRBY', counts, 'joins', joins) end
if reactions > 0 then redis.call('HINCRBY', counts, 'reactions', reactions) end
if joins + reactions > 0 then redis.call('EXPIRE', counts, keys_ttl) end
local now_viewers = redis.call('ZCARD', viewers)
local claimed = 0
if redis.call('SET', KEYS[3], '1', 'NX', 'EX', claim_ttl) then
  claimed = 1
elseif leaves > 0 and now_viewers == 0
    and redis.call('SET', KEYS[4], '1', 'NX', 'EX', claim_ttl) then
  claimed = 2
end
if claimed == 0 then
  return {0}
end
local tally = redis.call('HMGET', counts, 'joins', 'reactions')
redis.call('DEL', counts)
return {claimed, now_viewers, tonumber(tally[1]) or 0, tonumber(tally[2]) or 0,
        redis.call('GET', KEYS[5])}
"""


@dataclass(frozen=True)
class Tally:
    """A sample this request won: the stream's audience at `bucket_s`."""

    stream_id: str
    bucket_s: int
    viewers: int
    joins: int  # sessions new to the stream since the previous sample
    reactions: int  # shares naming the stream since the previous sample
    channel_id: str | None  # from Redis, when some instance has resolved it


@lru_cache(maxsize=1)
def _sha() -> str:
    return str(client().script_load(_TRACK))


def _call(activity: StreamActivity, now: float, interval_s: int) -> tuple[list[str], list[str]]:
    stream = activity.stream_id
    bucket = bucket_of(now, interval_s)
    keys = [
        live_key(stream, "viewers"),
        live_key(stream, "counts"),
        live_key(stream, f"sample:{bucket}"),
        live_key(stream, f"sample:{bucket + interval_s}"),
        live_key(stream, "channel"),
        *(live_key(stream, f"reacted:{shared}") for shared in dict.fromkeys(activity.reactions)),
    ]
    args = [repr(now - LIVE_VIEWER_TTL_S), str(interval_s + 10), str(LIVE_KEYS_TTL_S)]
    args += [str(_REACTED_TTL_S), str(len(activity.seen))]
    for session, at in activity.seen:
        args += [session, repr(at)]
    args += [str(len(activity.left)), *activity.left]
    return keys, args


def track(
    activity: Sequence[StreamActivity],
    now: float,
    interval_s: int,
    also: Callable[[Pipeline], None] | None = None,
) -> list[Tally]:
    """Apply a batch's news about each stream, in one round trip with whatever `also`
    queues; the samples this request claimed (most requests claim none)."""
    calls = [_call(a, now, interval_s) for a in activity]
    pipe = client().pipeline(transaction=False)
    if also is not None:
        also(pipe)
    first = len(pipe)
    for keys, args in calls:
        pipe.evalsha(_sha(), len(keys), *keys, *args)
    replies = pipe.execute(raise_on_error=False)
    for reply in replies:
        if isinstance(reply, Exception) and not isinstance(reply, NoScriptError):
            raise reply
    tallies = []
    for a, (keys, args), answer in zip(activity, calls, replies[first:], strict=True):
        reply = answer
        if isinstance(answer, NoScriptError):  # Redis restarted and forgot the script
            _sha.cache_clear()
            reply = client().evalsha(_sha(), len(keys), *keys, *args)
        if int(reply[0]):
            bucket = bucket_of(now, interval_s) + (interval_s if int(reply[0]) == 2 else 0)
            viewers, joins, reactions, channel = reply[1:5]
            tallies.append(Tally(a.stream_id, bucket, int(viewers), int(joins),
                                 int(reactions), channel))  # fmt: skip
    return tallies


# --- stream -> channel ----------------------------------------------------------------

_KNOWN_MAX = 10_000
_known: OrderedDict[str, str] = OrderedDict()
_known_lock = threading.Lock()


def known_channel(stream_id: str) -> str | None:
    """The channel of a stream this process has resolved (LRU)."""
    with _known_lock:
        channel = _known.get(stream_id)
        if channel is not None:
            _known.move_to_end(stream_id)
        return channel


def remember_channel(stream_id: str, channel_id: str, *, shared: bool = True) -> None:
    """Keep the mapping in this process and (`shared`) in Redis for the other instances,
    where the sampling script reads it for free."""
    with _known_lock:
        _known[stream_id] = channel_id
        _known.move_to_end(stream_id)
        while len(_known) > _KNOWN_MAX:
            _known.popitem(last=False)
    if shared:
        client().set(live_key(stream_id, "channel"), channel_id, ex=_CHANNEL_TTL_S)
