"""The live audience signal from player events: what a batch says about each live stream,
and which sample (stream, time bucket) it belongs to.

The ingest API counts in Redis and publishes at most one `audience.sample` per stream
per bucket (liveclips/adapters/live_audience.py, liveclips/services/audience.py); this module is
the pure
part: which events are viewing, leaving or reacting, the bucket of a moment, and the
sample's stable id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

# Sessions heard from with one of these are watching the stream (a join is a session
# not watching it before); live_leave ends one; a share naming the stream is a reaction.
WATCHING = frozenset({"heartbeat", "live_join", "play_start"})
LEAVING = "live_leave"
REACTING = frozenset({"share"})


class LiveEvent(Protocol):
    """What this module reads of a player event (liveclips.contracts.player.PlayerEvent has it)."""

    @property
    def event_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def session_id(self) -> str: ...
    @property
    def stream_id(self) -> str | None: ...
    @property
    def occurred_at(self) -> datetime: ...


@dataclass
class StreamActivity:
    """One batch's news about one live stream."""

    stream_id: str
    seen: list[tuple[str, float]] = field(default_factory=list)  # (session, epoch s)
    left: list[str] = field(default_factory=list)  # sessions
    reactions: list[str] = field(default_factory=list)  # event ids, to count each once


def activity_of(events: Iterable[LiveEvent]) -> dict[str, StreamActivity]:
    """Per stream named by an event, in the order the streams first appear. A stream
    named only by other kinds (a stall, a stop) still gets an entry: it may be due a
    sample, and concurrency decays without news."""
    found: dict[str, StreamActivity] = {}
    for event in events:
        if not event.stream_id:
            continue
        activity = found.setdefault(event.stream_id, StreamActivity(event.stream_id))
        if event.kind in WATCHING:
            activity.seen.append((event.session_id, event.occurred_at.timestamp()))
        elif event.kind == LEAVING:
            activity.left.append(event.session_id)
        elif event.kind in REACTING:
            activity.reactions.append(event.event_id)
    return found


def bucket_of(epoch_s: float, interval_s: int) -> int:
    """The start (epoch s) of the sampling bucket `epoch_s` falls in; every API instance
    computes the same one, so the bucket names the sample across instances."""
    if interval_s < 1:
        raise ValueError("the sampling interval is at least 1 s")
    return math.floor(epoch_s / interval_s) * interval_s


def sample_event_id(channel_id: str, bucket_s: int) -> str:
    """Stable per (channel, bucket): a resent or retried sample overwrites itself in the
    signal store instead of counting twice."""
    return f"audience:{channel_id}:{bucket_s}"
