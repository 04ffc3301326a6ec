"""Pure builders of the playlist text IVS writes, tag for tag as in a real recording.

Reference: shared/fixtures/ivs-recording (a real IVS auto-record output). Segment URIs are
the file names, relative to the playlist, as IVS writes them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from liveclips_dev.studio.layout import (
    BYTE_RANGE_PLAYLIST,
    MEDIA_PLAYLIST,
    LiveSegment,
    RecordingSegment,
    Rendition,
)


@dataclass(frozen=True)
class Variant:
    rendition: Rendition
    bandwidth: int
    codecs: str


def format_pdt(t: datetime) -> str:
    """EXT-X-PROGRAM-DATE-TIME as IVS writes it: UTC, milliseconds, "Z"."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _pdt(started_at: datetime, offset_s: float) -> str:
    return format_pdt(started_at + timedelta(seconds=round(offset_s, 3)))


def target_duration(durations: Sequence[float]) -> int:
    """EXT-X-TARGETDURATION: no EXTINF may exceed it (RFC 8216 4.3.3.1)."""
    return max(1, math.ceil(max(durations, default=1.0) - 1e-9))


def parse_extinf(text: str) -> list[tuple[float, str]]:
    """(duration, uri) of each segment of a simple media playlist, such as ffmpeg writes."""
    entries: list[tuple[float, str]] = []
    duration: float | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#"):
            if duration is None:
                raise ValueError(f"segment {line!r} has no #EXTINF before it")
            entries.append((duration, line))
            duration = None
    return entries


def media_playlist(
    segments: Sequence[RecordingSegment],
    *,
    started_at: datetime,
    target_duration_s: int,
    written_at: datetime,
    ended: bool,
) -> str:
    """A rendition's playlist.m3u8: EVENT type, growing while live, ENDLIST when done."""
    total = sum(s.duration_s for s in segments)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{target_duration_s}",
        f"#ID3-EQUIV-TDTG:{written_at.strftime('%Y-%m-%dT%H:%M:%S')}",
        "#EXT-X-PLAYLIST-TYPE:EVENT",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-TWITCH-ELAPSED-SECS:0.000",
        f"#EXT-X-TWITCH-TOTAL-SECS:{total:.3f}",
    ]
    for seg in segments:
        lines += [
            f"#EXT-X-PROGRAM-DATE-TIME:{_pdt(started_at, seg.start_s)}",
            f"#EXTINF:{seg.duration_s:.3f},",
            seg.file.name,
        ]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def byte_range_playlist(
    segments: Sequence[RecordingSegment],
    *,
    started_at: datetime,
    target_duration_s: int,
    ended: bool,
) -> str:
    """A rendition's byte-range-variant.m3u8: one entry per keyframe interval.

    The finished one is VOD like the real recording; while live it is EVENT, because a VOD
    playlist promises that it will never change.
    """
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:4",
        f"#EXT-X-TARGETDURATION:{target_duration_s}",
        f"#EXT-X-PLAYLIST-TYPE:{'VOD' if ended else 'EVENT'}",
        "#EXT-X-MEDIA-SEQUENCE:0",
    ]
    for seg in segments:
        for part in seg.byte_ranges:
            lines += [
                f"#EXT-X-PROGRAM-DATE-TIME:{_pdt(started_at, part.start_s)}",
                f"#EXTINF:{part.duration_s:.3f},",
                f"#EXT-X-BYTERANGE:{part.length}@{part.offset}",
                seg.file.name,
            ]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def multivariant_playlist(
    variants: Sequence[Variant], *, channel_id: str, account: str, byte_range: bool
) -> str:
    """master.m3u8 (or byte-range-multivariant.m3u8 when ``byte_range``), tallest first."""
    playlist = BYTE_RANGE_PLAYLIST if byte_range else MEDIA_PLAYLIST
    lines = [
        "#EXTM3U",
        f'#EXT-X-SESSION-DATA:DATA-ID="net.live-video.content.id",VALUE="{channel_id}"',
        f'#EXT-X-SESSION-DATA:DATA-ID="net.live-video.customer.id",VALUE="{account}"',
    ]
    for v in sorted(variants, key=lambda v: v.rendition.height, reverse=True):
        r = v.rendition
        lines += [
            f'#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID="{r.path}",NAME="{r.name}",'
            "AUTOSELECT=YES,DEFAULT=YES",
            f"#EXT-X-STREAM-INF:PROGRAM-ID=1,BANDWIDTH={v.bandwidth},"
            f'CODECS="{v.codecs}",RESOLUTION={r.width}x{r.height},VIDEO="{r.path}"',
            f"{r.path}/{playlist}",
        ]
    return "\n".join(lines) + "\n"


def live_playlist(
    window: Sequence[LiveSegment],
    *,
    started_at: datetime,
    target_duration_s: int,
    ended: bool,
) -> str:
    """The live playback playlist: a sliding window of the latest ~2 s segments."""
    first = window[0].index if window else 0
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{target_duration_s}",
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
    ]
    for seg in window:
        lines += [
            f"#EXT-X-PROGRAM-DATE-TIME:{_pdt(started_at, seg.start_s)}",
            f"#EXTINF:{seg.duration_s:.3f},",
            seg.file.name,
        ]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
