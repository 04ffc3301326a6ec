"""Following a live playback playlist: which of its ~2 s segments are new, and where they
sit on the recording's time axis (ADR 0016).

A live playlist is a sliding window: each poll lists the latest few segments, numbered by
EXT-X-MEDIA-SEQUENCE. A follower remembers the next sequence number it wants, so a
restarted follower resumes without reading a segment twice, and segments that slid out
of the window before it looked are counted as missed (the recording fills them in).
Pure: no I/O, no clocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from liveclips.domain.hls import PlaylistError, loads


@dataclass(frozen=True)
class LiveSegment:
    sequence: int  # its media sequence number
    uri: str
    duration_s: float
    program_date_time: datetime | None
    discontinuity: bool = False  # an encoder reconnect or a format change before it

    def show_start_s(self, recording_epoch_s: float) -> float | None:
        """Where it starts on the recording's time axis (seconds from Recording Start)."""
        if self.program_date_time is None:
            return None
        return self.program_date_time.timestamp() - recording_epoch_s


@dataclass(frozen=True)
class LivePlaylist:
    media_sequence: int
    segments: tuple[LiveSegment, ...]
    ended: bool  # EXT-X-ENDLIST: the stream is over

    @property
    def next_sequence(self) -> int:
        return self.media_sequence + len(self.segments)


def parse_live_playlist(text: str) -> LivePlaylist:
    if not text.lstrip().startswith("#EXTM3U"):
        raise PlaylistError("not an HLS playlist: missing #EXTM3U header")
    parsed = loads(text)
    if parsed.is_variant:
        raise PlaylistError("expected the live media playlist, got a multivariant playlist")
    first = int(parsed.media_sequence or 0)
    segments = []
    for offset, seg in enumerate(parsed.segments):
        if seg.duration is None or not math.isfinite(seg.duration) or seg.duration <= 0:
            raise PlaylistError(f"segment {seg.uri!r} has no positive #EXTINF duration")
        segments.append(
            LiveSegment(
                sequence=first + offset,
                uri=str(seg.uri),
                duration_s=float(seg.duration),
                program_date_time=seg.current_program_date_time,
                discontinuity=bool(seg.discontinuity),
            )
        )
    return LivePlaylist(first, tuple(segments), ended=bool(parsed.is_endlist))


@dataclass(frozen=True)
class Step:
    """What one poll of the playlist brings."""

    new: tuple[LiveSegment, ...]  # to read, in order
    missed: int  # segments that slid out of the window before they were read
    restarted: bool  # the numbering went backwards: another stream on this URL
    ended: bool  # nothing more will come


def next_step(playlist: LivePlaylist, next_sequence: int | None) -> Step:
    """New segments since ``next_sequence`` (None: nothing read yet, start at the window's
    first segment). A window that starts after it means segments were missed; one that
    ends well before it means the numbering restarted (a new stream reuses the URL)."""
    if next_sequence is None:
        return Step(playlist.segments, 0, False, playlist.ended)
    if playlist.next_sequence < next_sequence:
        return Step((), 0, True, True)
    new = tuple(s for s in playlist.segments if s.sequence >= next_sequence)
    missed = max(0, playlist.media_sequence - next_sequence)
    return Step(new, missed, False, playlist.ended)


def live_copy_prefix(channel_id: str, recording_id: str) -> str:
    """Where the follower keeps its copies of a recording's live segments (media bucket)."""
    return f"live/{channel_id}/{recording_id}"


LIVE_COPY_PLAYLIST = "live.m3u8"


def copies_playlist(segments: list[tuple[LiveSegment, str]], *, ended: bool) -> str:
    """The media playlist over the copied segments (each with its copy's name), every one
    placed by its PROGRAM-DATE-TIME, a gap where the follower missed some."""
    target = math.ceil(max((s.duration_s for s, _ in segments), default=2.0))
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}"]
    lines.append(f"#EXT-X-MEDIA-SEQUENCE:{segments[0][0].sequence if segments else 0}")
    previous: LiveSegment | None = None
    for segment, name in segments:
        gap = previous is not None and segment.sequence != previous.sequence + 1
        if segment.discontinuity or gap:
            lines.append("#EXT-X-DISCONTINUITY")
        if segment.program_date_time is not None:
            stamp = segment.program_date_time.isoformat(timespec="milliseconds")
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{stamp.replace('+00:00', 'Z')}")
        lines += [f"#EXTINF:{segment.duration_s:.3f},", name]
        previous = segment
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
