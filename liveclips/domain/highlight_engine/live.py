"""Feeding the engine from the live pipeline, one analysed recording segment at a time.

Segments (~10 s) start at fractional show times and arrive in order, once each (a
redelivery is ignored, a segment from the future is refused for retry). Media values are
binned into whole show seconds; chat, audience and markers come as raw events over a
window that reaches back far enough for the builders' own memory (spam repeats, storms),
so the live features are computed by exactly the code offline evaluation uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from liveclips.domain.highlight_engine.config import EngineConfig
from liveclips.domain.highlight_engine.detector import LiveDetector
from liveclips.domain.highlight_engine.features import (
    ChatMessage,
    chat_features,
    marker_features,
    viewer_features,
)
from liveclips.domain.highlight_engine.types import Detection, SecondFeatures
from liveclips.errors import LiveclipsError, TransientError

# How far back raw chat/audience events must reach before the first new second.
SIGNAL_HISTORY_S = 30
MAX_KNOWN_USERS = 20_000  # bounds the state kept in Redis for a huge chat


class OutOfOrderSegment(LiveclipsError, ValueError):
    """A segment ahead of the next expected one: an earlier one is still in flight."""


class SegmentsStillInFlight(TransientError, RuntimeError):
    """The recording ended but its last segments are still being analysed: retry later."""


@dataclass(frozen=True)
class SegmentSignals:
    index: int
    start_s: float
    duration_s: float
    media_seconds: Sequence[Mapping[str, float]]  # one entry per second from start_s
    momentary_lufs: Sequence[float]
    loudness_step_s: float
    # Raw events in show seconds, covering at least [window_start(), end of segment).
    chat: Sequence[ChatMessage] = ()
    viewers: Sequence[tuple[float, int]] = ()
    reactions: Sequence[tuple[float, int]] = ()  # shares + reactions reported at a time
    markers: Sequence[tuple[float, str]] = ()

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass
class LiveSession:
    detector: LiveDetector = field(default_factory=LiveDetector)
    next_index: int = 0
    next_t: int = 0  # first show second not yet given to the detector
    # Media of seconds a segment only partly covered, finished by the next segment.
    pending_media: dict[int, dict[str, float]] = field(default_factory=dict)
    # Rounding can leave a second without media of its own: it repeats the one before.
    last_media: dict[str, float] = field(default_factory=dict)
    # Everyone who chatted before the current window: regulars who went quiet for a
    # while must not look like raiders when they speak up again.
    known_users: set[str] = field(default_factory=set)
    # Epoch time of show second 0, to place what finish() decides after the last segment.
    recording_epoch_s: float = 0.0

    def window_start(self) -> int:
        """Show second from which raw signals must be supplied for the next segment."""
        return max(0, self.next_t - SIGNAL_HISTORY_S)

    def feed(self, segment: SegmentSignals) -> list[Detection]:
        if segment.index < self.next_index:
            return []
        if segment.index > self.next_index:
            raise OutOfOrderSegment(
                f"segment {segment.index} arrived before segment {self.next_index}"
            )
        self.detector.push_loudness(
            segment.start_s, segment.momentary_lufs, segment.loudness_step_s
        )
        for i, values in enumerate(segment.media_seconds):
            # A second of the segment counts for the show second it mostly overlaps.
            second = math.floor(segment.start_s + i + 0.5)
            merged = self.pending_media.setdefault(second, {})
            for name, value in values.items():
                merged[name] = max(value, merged.get(name, value))

        complete_until = math.floor(segment.end_s)
        origin = self.window_start()
        span = max(complete_until - origin, 0)
        shifted_chat = [
            ChatMessage(m.t - origin, m.user, m.text) for m in segment.chat if m.t >= origin
        ]
        outside = [
            chat_features(shifted_chat, span, self.known_users) if segment.chat else {},
            viewer_features([(t - origin, n) for t, n in segment.viewers], span),
            _reactions([(t - origin, n) for t, n in segment.reactions]),
            marker_features([(t - origin, k) for t, k in segment.markers]),
        ]
        found: list[Detection] = []
        for second in range(self.next_t, complete_until):
            self.last_media = self.pending_media.pop(second, {}) or self.last_media
            values = dict(self.last_media)
            for source in outside:
                values.update(source.get(second - origin, {}))
            found.extend(self.detector.push(SecondFeatures(second, values)))
        if len(self.known_users) < MAX_KNOWN_USERS:
            # Exactly those who spoke before the next window starts.
            next_origin = max(0, complete_until - SIGNAL_HISTORY_S)
            self.known_users.update(m.user for m in segment.chat if m.t < next_origin)
        self.next_t = max(self.next_t, complete_until)
        self.next_index = segment.index + 1
        return found

    def has_seen(self, recorded_s: float) -> bool:
        """Whether every second of a recording this long has been fed."""
        return self.next_t >= math.floor(recorded_s) - 1

    def finish(self, recorded_s: float) -> list[Detection]:
        """The show is over: decide what is still open, once every segment is in."""
        if not self.has_seen(recorded_s):
            raise SegmentsStillInFlight(
                f"the recording has {recorded_s:.1f}s, the detector has seen {self.next_t}s"
            )
        return self.detector.finish()

    def to_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector.to_dict(),
            "next_index": self.next_index,
            "next_t": self.next_t,
            "pending_media": [[t, v] for t, v in self.pending_media.items()],
            "last_media": self.last_media,
            "recording_epoch_s": self.recording_epoch_s,
            "known_users": sorted(self.known_users),
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        config: EngineConfig = EngineConfig(),  # noqa: B008 - frozen, shared default
    ) -> LiveSession:
        return cls(
            detector=LiveDetector.from_dict(data["detector"], config),
            next_index=int(data["next_index"]),
            next_t=int(data["next_t"]),
            pending_media={int(t): dict(v) for t, v in data["pending_media"]},
            last_media=dict(data["last_media"]),
            recording_epoch_s=float(data["recording_epoch_s"]),
            known_users=set(data["known_users"]),
        )


def _reactions(samples: Sequence[tuple[float, int]]) -> dict[int, dict[str, float]]:
    per_second: dict[int, dict[str, float]] = {}
    for t, count in samples:
        if t >= 0 and count > 0:
            slot = per_second.setdefault(int(t), {"reactions": 0.0})
            slot["reactions"] += count
    return per_second
