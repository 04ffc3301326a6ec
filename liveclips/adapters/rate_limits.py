"""Request admission in Redis: revoked tokens and rate limits, in one round trip.

Rate limits are GCRA (the generic cell rate algorithm) for any number of subjects. GCRA
keeps one timestamp per subject (its "theoretical arrival time"), so a limit costs one
small key, allows exactly `burst` requests at once and then `rate` per second, and has
no window edges to game. A request is charged to every subject or to none: a caller
refused by the per-address limit does not use up their per-user allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import redis

from liveclips.adapters import redis_store, revocations

# Rate keys start at KEYS[first]; their ARGV pairs (emission interval ms, burst tolerance
# ms) at ARGV[argv_at]. Yields 0 when admitted (and charged), else ms until admitted.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait, arrivals = 0, {}
for i = first, #KEYS do
  local j = argv_at + 2 * (i - first)
  local interval, tolerance = tonumber(ARGV[j]), tonumber(ARGV[j + 1])
  local tat = math.max(tonumber(redis.call('GET', KEYS[i]) or now), now)
  if tat - tolerance > now then wait = math.max(wait, tat - tolerance - now) end
  arrivals[i] = tat + interval
end
if wait > 0 then return wait end
for i = first, #KEYS do
  redis.call('SET', KEYS[i], arrivals[i], 'PX', math.ceil(arrivals[i] - now) + 1000)
end
return 0
"""
_LIMIT = "local first, argv_at = 1, 1\n" + _GCRA
# KEYS[1], KEYS[2]: the token's revocation and the user's cut-off; ARGV[1]: issued-at.
# -1 when the token is revoked (nothing is charged).
_ADMIT = (
    """
local cutoff = redis.call('GET', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 1 or (cutoff and tonumber(ARGV[1]) <= tonumber(cutoff)) then
  return -1
end
local first, argv_at = 3, 2
"""
    + _GCRA
)
REVOKED = -1.0


@dataclass(frozen=True)
class Limit:
    key: str
    per_s: float
    burst: int


def _argv(limits: tuple[Limit, ...]) -> list[float]:
    argv: list[float] = []
    for limit in limits:
        interval_ms = 1000.0 / limit.per_s
        argv += [interval_ms, interval_ms * (limit.burst - 1)]
    return argv


def _keys(limits: tuple[Limit, ...]) -> list[str]:
    return [f"ratelimit:{limit.key}" for limit in limits]


@lru_cache(maxsize=1)
def _limit_script() -> redis.commands.core.Script:
    return redis_store.client().register_script(_LIMIT)


def retry_after_s(*limits: Limit) -> float:
    """0 when the request is admitted under every limit (and charged to each)."""
    return float(_limit_script()(keys=_keys(limits), args=_argv(limits))) / 1000.0


async def admit(token_id: str, user_id: str, issued_at_s: float, *limits: Limit) -> float:
    """REVOKED, 0 (admitted and charged) or the seconds until the limits admit it."""
    keys = [*revocations.keys(token_id, user_id), *_keys(limits)]
    waited = float(
        await redis_store.async_script(_ADMIT)(keys=keys, args=[issued_at_s, *_argv(limits)])
    )
    return REVOKED if waited < 0 else waited / 1000.0
