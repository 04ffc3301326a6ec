"""Reading IVS HLS media playlists and choosing the bytes a clip needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import m3u8


@dataclass(frozen=True)
class PlaylistSegment:
    uri: str
    start_s: float
    duration_s: float
    program_date_time: datetime | None
    byte_range: tuple[int, int] | None = None  # (length, offset)

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class MediaPlaylist:
    segments: tuple[PlaylistSegment, ...]
    ended: bool

    @property
    def duration_s(self) -> float:
        return self.segments[-1].end_s if self.segments else 0.0

    def find(self, uri: str) -> PlaylistSegment | None:
        return next((s for s in self.segments if s.uri == uri), None)


class PlaylistError(ValueError):
    pass


def parse_media_playlist(text: str) -> MediaPlaylist:
    if not text.lstrip().startswith("#EXTM3U"):
        raise PlaylistError("not an HLS playlist: missing #EXTM3U header")
    parsed = m3u8.loads(text)
    if parsed.is_variant:
        raise PlaylistError("expected a media playlist, got a multivariant playlist")
    segments: list[PlaylistSegment] = []
    start = 0.0
    for seg in parsed.segments:
        if seg.duration is None or seg.duration <= 0:
            raise PlaylistError(f"segment {seg.uri!r} has no positive #EXTINF duration")
        segments.append(
            PlaylistSegment(
                uri=seg.uri,
                start_s=start,
                duration_s=float(seg.duration),
                program_date_time=seg.current_program_date_time,
                byte_range=_byte_range(seg.byterange, segments),
            )
        )
        start += float(seg.duration)
    return MediaPlaylist(tuple(segments), ended=bool(parsed.is_endlist))


def _byte_range(spec: str | None, previous: Sequence[PlaylistSegment]) -> tuple[int, int] | None:
    if not spec:
        return None
    length, _, offset = spec.partition("@")
    if offset:
        return int(length), int(offset)
    # RFC 8216: without an offset the range starts where the previous one of the same URI ended.
    last = previous[-1].byte_range if previous else None
    return int(length), (last[0] + last[1]) if last else 0


@dataclass(frozen=True)
class ClipPlan:
    segments: tuple[PlaylistSegment, ...]
    seek_s: float  # where the clip starts inside the concatenated segments
    duration_s: float


class NotYetAvailable(RuntimeError):
    """The clip reaches past what the recording has written so far: retry later."""


def plan_clip(playlist: MediaPlaylist, start_s: float, end_s: float) -> ClipPlan:
    if end_s <= start_s:
        raise ValueError(f"clip end {end_s:.3f}s is not after its start {start_s:.3f}s")
    if end_s > playlist.duration_s + 1e-6:
        if playlist.ended:
            end_s = playlist.duration_s
        else:
            raise NotYetAvailable(
                f"clip ends at {end_s:.2f}s but the recording has {playlist.duration_s:.2f}s"
            )
    chosen = tuple(s for s in playlist.segments if s.end_s > start_s and s.start_s < end_s)
    if not chosen:
        raise ValueError(f"no segment covers {start_s:.2f}-{end_s:.2f}s")
    return ClipPlan(chosen, seek_s=start_s - chosen[0].start_s, duration_s=end_s - start_s)
