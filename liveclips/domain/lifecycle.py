"""Stream and recording state that converges whatever order EventBridge delivers in.

EventBridge is best-effort: events may repeat, arrive late, or arrive out of order
(Stream End before Stream Start). Terminal states are therefore sticky, timestamps are
merged (earliest start, latest end) and the newest event time is kept, so applying the
same set of events in any order yields the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

StreamState = Literal["CREATED", "LIVE", "ENDED", "FAILED"]
StreamChange = Literal["session_created", "started", "ended", "failed", "session_ended"]
RecordingState = Literal["RECORDING", "ENDED", "FAILED"]
RecordingChange = Literal["started", "ended", "start_failed", "end_failed"]

_STREAM_RANK: dict[StreamState, int] = {"CREATED": 0, "LIVE": 1, "ENDED": 2, "FAILED": 3}
_STREAM_TARGET: dict[StreamChange, StreamState] = {
    "session_created": "CREATED",
    "started": "LIVE",
    "ended": "ENDED",
    "session_ended": "ENDED",
    "failed": "FAILED",
}
_RECORDING_RANK: dict[RecordingState, int] = {"RECORDING": 0, "ENDED": 1, "FAILED": 2}
_RECORDING_TARGET: dict[RecordingChange, RecordingState] = {
    "started": "RECORDING",
    "ended": "ENDED",
    "start_failed": "FAILED",
    "end_failed": "FAILED",
}


@dataclass(frozen=True)
class StreamRecord:
    stream_id: str
    channel_id: str
    state: StreamState
    started_at: datetime | None
    ended_at: datetime | None
    last_event_at: datetime


@dataclass(frozen=True)
class RecordingRecord:
    recording_id: str
    channel_id: str
    stream_id: str | None
    bucket: str
    key_prefix: str
    state: RecordingState
    started_at: datetime | None
    ended_at: datetime | None
    duration_ms: int | None
    last_event_at: datetime | None


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(x for x in (a, b) if x is not None) if (a or b) else None


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(x for x in (a, b) if x is not None) if (a or b) else None


def apply_stream_change(
    current: StreamRecord | None,
    *,
    stream_id: str,
    channel_id: str,
    change: StreamChange,
    at: datetime,
) -> StreamRecord:
    target = _STREAM_TARGET[change]
    base = current or StreamRecord(stream_id, channel_id, target, None, None, at)
    state = target if _STREAM_RANK[target] > _STREAM_RANK[base.state] else base.state
    starts = change in ("session_created", "started")
    return replace(
        base,
        state=state,
        started_at=_earliest(base.started_at, at) if change == "started" else base.started_at,
        ended_at=base.ended_at if starts else _latest(base.ended_at, at),
        last_event_at=max(base.last_event_at, at),
    )


def apply_recording_change(
    current: RecordingRecord | None,
    *,
    recording_id: str,
    channel_id: str,
    stream_id: str | None,
    bucket: str,
    key_prefix: str,
    change: RecordingChange,
    at: datetime,
    duration_ms: int | None = None,
) -> RecordingRecord:
    target = _RECORDING_TARGET[change]
    base = current or RecordingRecord(
        recording_id, channel_id, stream_id, bucket, key_prefix, target, None, None, None, None
    )
    state = target if _RECORDING_RANK[target] > _RECORDING_RANK[base.state] else base.state
    return replace(
        base,
        stream_id=base.stream_id or stream_id,
        state=state,
        started_at=_earliest(base.started_at, at) if change == "started" else base.started_at,
        ended_at=_latest(base.ended_at, at) if change == "ended" else base.ended_at,
        duration_ms=duration_ms if duration_ms is not None else base.duration_ms,
        last_event_at=_latest(base.last_event_at, at),
    )
