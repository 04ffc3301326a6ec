"""Reading IVS HLS media playlists and choosing the bytes a clip needs."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import m3u8

from liveclips.errors import LiveclipsError, TransientError

HLS_MEDIA_TYPE = "application/vnd.apple.mpegurl"


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


class PlaylistError(LiveclipsError, ValueError):
    pass


# What m3u8 raises from its casts and lookups on a malformed tag (`#EXTINF:abc`,
# `RESOLUTION=12`, `#EXT-X-MAP:=x`): it has no error type of its own.
_M3U8_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


def loads(text: str) -> m3u8.M3U8:
    """m3u8.loads, with anything it cannot parse refused as a PlaylistError."""
    try:
        return m3u8.loads(text)
    except _M3U8_ERRORS as exc:
        raise PlaylistError(f"malformed HLS playlist: {type(exc).__name__}: {exc}") from exc


def parse_media_playlist(text: str) -> MediaPlaylist:
    if not text.lstrip().startswith("#EXTM3U"):
        raise PlaylistError("not an HLS playlist: missing #EXTM3U header")
    parsed = loads(text)
    if parsed.is_variant:
        raise PlaylistError("expected a media playlist, got a multivariant playlist")
    segments: list[PlaylistSegment] = []
    start = 0.0
    for seg in parsed.segments:
        if seg.duration is None or not math.isfinite(seg.duration) or seg.duration <= 0:
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
    length_text, _, offset_text = spec.partition("@")
    try:
        length, offset = int(length_text), int(offset_text) if offset_text else None
    except ValueError as exc:
        raise PlaylistError(f"#EXT-X-BYTERANGE:{spec} is not <length>[@<offset>]") from exc
    if length < 0 or (offset is not None and offset < 0):
        raise PlaylistError(f"#EXT-X-BYTERANGE:{spec} is negative")
    if offset is not None:
        return length, offset
    # RFC 8216: without an offset the range starts where the previous one of the same URI ended.
    last = previous[-1].byte_range if previous else None
    return length, (last[0] + last[1]) if last else 0


@dataclass(frozen=True)
class ClipPlan:
    segments: tuple[PlaylistSegment, ...]
    seek_s: float  # where the clip starts inside the concatenated segments
    duration_s: float


class NotYetAvailable(TransientError, RuntimeError):
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


def choose_variant(multivariant_text: str, max_height: int) -> str:
    """URI of the tallest variant not above max_height (else the shortest there is)."""
    parsed = loads(multivariant_text)
    if not parsed.is_variant or not parsed.playlists:
        raise PlaylistError("expected a multivariant playlist with at least one variant")

    def height(variant: m3u8.Playlist) -> int:
        resolution = variant.stream_info.resolution
        return int(resolution[1]) if resolution else 0

    fitting = [v for v in parsed.playlists if height(v) <= max_height]
    chosen = max(fitting, key=height) if fitting else min(parsed.playlists, key=height)
    return str(chosen.uri)


def is_multivariant(text: str) -> bool:
    return "#EXT-X-STREAM-INF" in text


@dataclass(frozen=True)
class ByteSpan:
    """One read: a whole file, or (length, offset) of it."""

    uri: str
    byte_range: tuple[int, int] | None


def coalesce(segments: Sequence[PlaylistSegment]) -> list[ByteSpan]:
    """Merge back-to-back byte ranges of one file into a single read: a byte-range
    playlist addresses ~2 s keyframe intervals, and five GETs for one file are slower."""
    spans: list[ByteSpan] = []
    for segment in segments:
        last = spans[-1] if spans else None
        if (
            last is not None
            and last.uri == segment.uri
            and last.byte_range is not None
            and segment.byte_range is not None
            and last.byte_range[0] + last.byte_range[1] == segment.byte_range[1]
        ):
            merged = (last.byte_range[0] + segment.byte_range[0], last.byte_range[1])
            spans[-1] = ByteSpan(segment.uri, merged)
        else:
            spans.append(ByteSpan(segment.uri, segment.byte_range))
    return spans


_MAP_URI = re.compile(r'(#EXT-X-MAP:.*URI=")([^"]+)(")')


def rewrite_uris(playlist_text: str, rewrite: Callable[[str], str]) -> str:
    """Every URI of a media playlist (segments and the init section) passed through
    `rewrite`, e.g. to signed URLs: relative URIs would lose a signed playlist's signature."""

    def rewritten(line: str) -> str:
        if line and not line.startswith("#"):
            return rewrite(line.strip())
        if line.startswith("#EXT-X-MAP:"):
            return _MAP_URI.sub(lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3), line)
        return line

    return "\n".join(rewritten(line) for line in playlist_text.splitlines()) + "\n"
