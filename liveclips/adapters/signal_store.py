"""Redis: raw live signals (chat, audience, markers) bucketed per channel and second.

Each bucket is a hash keyed by event id, so a redelivered event overwrites itself
instead of counting twice. The highlight engine reads a window of buckets and runs the
same pure feature builders that offline evaluation uses, so live and eval never differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from liveclips.adapters.redis_store import client
from liveclips.domain.highlight_engine.features import ChatMessage

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


@dataclass(frozen=True)
class RawSignals:
    """Live signals of one channel over a window, on a recording's show-time axis."""

    chat: list[ChatMessage]
    viewers: list[tuple[float, int]]
    reactions: list[tuple[float, int]]
    # Sessions new since the previous sample (liveclips/services/audience.py); the engine derives
    # its viewer_joins from rises in `viewers` and does not read these yet.
    joins: list[tuple[float, int]]
    markers: list[tuple[float, str]]


# Audience samples are sparse: look further back for the one that is still current.
_AUDIENCE_LOOKBACK_S = 60


def between(channel_id: str, recording_epoch_s: float, from_s: int, to_s: int) -> RawSignals:
    """Signals in show seconds [from_s, to_s) of a recording that started at the epoch."""
    first, last = int(recording_epoch_s) + from_s, int(recording_epoch_s) + to_s + 1

    def show_time(item: dict[str, Any]) -> float:
        return float(item["at"]) - recording_epoch_s

    audience = window("audience", channel_id, first - _AUDIENCE_LOOKBACK_S, last)
    return RawSignals(
        chat=[
            ChatMessage(show_time(m), str(m["user"]), str(m["text"]))
            for m in window("chat", channel_id, first, last)
        ],
        viewers=[(show_time(s), int(s["viewers"])) for s in audience],
        reactions=[(show_time(s), int(s["reactions"])) for s in audience],
        joins=[(show_time(s), int(s.get("joins", 0))) for s in audience],
        markers=[(show_time(m), str(m["kind"])) for m in window("marker", channel_id, first, last)],
    )
