"""What the encoder produced: renditions, segments and their byte ranges, as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# Relative to the recording prefix / the staging directory, as IVS lays them out.
HLS_DIR = "media/hls"
MASTER_PLAYLIST = "master.m3u8"
BYTE_RANGE_MULTIVARIANT = "byte-range-multivariant.m3u8"
MEDIA_PLAYLIST = "playlist.m3u8"
BYTE_RANGE_PLAYLIST = "byte-range-variant.m3u8"
LIVE_DIR = "live"


@dataclass(frozen=True)
class Rendition:
    """One ladder rung; ``path`` is its folder name (IVS style, e.g. "720p30")."""

    path: str
    width: int
    height: int
    bitrate: int  # video bits per second

    @property
    def name(self) -> str:
        return f"{self.height}p"


DEFAULT_RENDITIONS: tuple[Rendition, ...] = (
    Rendition("720p30", 1280, 720, 2_500_000),
    Rendition("160p30", 284, 160, 230_000),
)


@dataclass(frozen=True)
class ByteRange:
    """One keyframe interval inside a segment file; times are show seconds from 0."""

    offset: int
    length: int
    start_s: float
    duration_s: float


@dataclass(frozen=True)
class RecordingSegment:
    index: int
    start_s: float
    duration_s: float
    file: Path
    byte_ranges: tuple[ByteRange, ...]

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class LiveSegment:
    index: int
    start_s: float
    duration_s: float
    file: Path

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class EncodedShow:
    """A show encoded into the IVS auto-record layout under ``staging``.

    ``recording`` maps each rendition path to its ~10 s segments; ``codecs`` maps it to the
    RFC 6381 CODECS value of what was actually encoded and ``bandwidth`` to its peak segment
    bitrate (what HLS's BANDWIDTH means); ``live`` holds the ~2 s segments of
    the top rendition that the live playlist serves.
    """

    staging: Path
    renditions: tuple[Rendition, ...]
    recording: Mapping[str, tuple[RecordingSegment, ...]]
    codecs: Mapping[str, str]
    bandwidth: Mapping[str, int]
    live: tuple[LiveSegment, ...]
    duration_s: float
    started_at: datetime

    def segments(self, rendition: Rendition) -> tuple[RecordingSegment, ...]:
        return self.recording[rendition.path]
