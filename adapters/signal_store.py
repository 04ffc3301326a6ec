"""Redis: raw live signals (chat, audience, markers) bucketed per channel and second.

Each bucket is a hash keyed by event id, so a redelivered event overwrites itself
instead of counting twice. The highlight engine reads a window of buckets and runs the
same pure feature builders that offline evaluation uses, so live and eval never differ.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from adapters.redis_store import client

SignalKind = Literal["chat", "audience", "marker"]
_TTL_S = 6 * 3600  # long enough for the post-show pass over a long show


def _key(kind: SignalKind, channel_id: str, epoch_s: int) -> str:
    return f"sig:{kind}:{channel_id}:{epoch_s}"


def record(
    kind: SignalKind, channel_id: str, at_epoch_s: float, event_id: str, payload: dict[str, Any]
) -> None:
    key = _key(kind, channel_id, int(at_epoch_s))
    pipe = client().pipeline(transaction=False)
    pipe.hset(key, event_id, json.dumps({**payload, "at": at_epoch_s}))
    pipe.expire(key, _TTL_S)
    pipe.execute()


def window(
    kind: SignalKind, channel_id: str, from_epoch_s: int, to_epoch_s: int
) -> list[dict[str, Any]]:
    """Every signal of `kind` in [from, to), oldest second first."""
    pipe = client().pipeline(transaction=False)
    for second in range(from_epoch_s, to_epoch_s):
        pipe.hvals(_key(kind, channel_id, second))
    found: list[dict[str, Any]] = []
    for bucket in pipe.execute():
        found.extend(sorted((json.loads(v) for v in bucket), key=lambda item: item["at"]))
    return found
