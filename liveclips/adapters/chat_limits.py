"""Redis for the chat review handler: rate counters, the duplicate check and the room's
rules, all in one round trip (a Lua script), on a client with a tight timeout because
IVS Chat gives the whole review 200 ms."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

import redis

from liveclips.adapters.config import settings
from liveclips.contracts.chat import RoomRules
from liveclips.domain.chat_rules import Traffic

USER_WINDOW_MS = 10_000
ROOM_WINDOW_MS = 1_000
DUPLICATE_WINDOW_MS = 30_000
_TIMEOUT_S = 0.05
# Fixed windows: a counter key per window, created with its expiry on first use.
_SCRIPT = """
local user = redis.call('INCR', KEYS[1])
if user == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local room = redis.call('INCR', KEYS[2])
if room == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
local fresh = redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[3])
return {user, room, fresh and 1 or 0, redis.call('GET', KEYS[4]) or ''}
"""

# The errors a review survives: it then reviews without counters (liveclips.domain.chat_rules).
REDIS_ERRORS: tuple[type[Exception], ...] = (redis.RedisError, OSError)


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(
        settings().redis_url,
        socket_timeout=_TIMEOUT_S,
        socket_connect_timeout=_TIMEOUT_S,
        decode_responses=True,
    )


@lru_cache(maxsize=1)
def _script() -> redis.commands.core.Script:
    return client().register_script(_SCRIPT)


@dataclass(frozen=True)
class Counted:
    traffic: Traffic
    rules_json: str  # "" when the room has no rules of its own


def rules_key(room_arn: str) -> str:
    return f"chat:rules:{room_arn}"


def count(room_arn: str, user_id: str, text: str, now_ms: int) -> Counted:
    digest = hashlib.blake2b(text.strip().lower().encode(), digest_size=8).hexdigest()
    keys = [
        f"chat:u:{room_arn}:{user_id}:{now_ms // USER_WINDOW_MS}",
        f"chat:r:{room_arn}:{now_ms // ROOM_WINDOW_MS}",
        f"chat:dup:{room_arn}:{user_id}:{digest}",
        rules_key(room_arn),
    ]
    user, room, fresh, rules = _script()(
        keys=keys, args=[USER_WINDOW_MS, ROOM_WINDOW_MS, DUPLICATE_WINDOW_MS]
    )
    return Counted(Traffic(int(user), int(room), duplicate=not int(fresh)), str(rules))


def set_rules(room_arn: str, rules: RoomRules) -> None:
    client().set(rules_key(room_arn), rules.model_dump_json())


def rules_of(raw: str) -> RoomRules | None:
    return RoomRules.model_validate(json.loads(raw)) if raw else None


# Allowed messages the handler could not hand to Pub/Sub (no credentials, the client
# failing to build): kept here, where the handler is already connected, and sent by
# the next review that can publish (functions/aws/chat_review.py). Capped, so an outage
# that lasts costs memory, not the room.
UNPUBLISHED_KEY = "chat:unpublished"
UNPUBLISHED_MAX = 10_000


def keep_unpublished(message_json: str) -> None:
    pipe = client().pipeline(transaction=False)
    pipe.rpush(UNPUBLISHED_KEY, message_json)
    pipe.ltrim(UNPUBLISHED_KEY, -UNPUBLISHED_MAX, -1)
    pipe.execute()


def take_unpublished(count: int) -> list[str]:
    """Up to `count` kept messages, oldest first, removed from the list."""
    taken = client().lpop(UNPUBLISHED_KEY, count)
    return [str(raw) for raw in taken] if isinstance(taken, list) else []
