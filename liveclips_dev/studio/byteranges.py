"""Keyframe-interval byte ranges inside MPEG-TS segments, for byte-range-variant.m3u8.

Each range must be decodable on its own, so it starts at the PAT (then PMT, maybe timed
metadata) that muxers write just before every video keyframe, not at the keyframe's own
packet. That is also where real IVS byte ranges start (see the shared fixture).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from liveclips.media.ffmpeg import ffprobe_json
from liveclips_dev.studio.layout import ByteRange

TS_PACKET = 188
_SYNC_BYTE = 0x47
PAT_PID = 0x0000


@dataclass(frozen=True)
class Keyframe:
    pos: int  # byte offset of the first TS packet of the keyframe's PES packet
    pts_s: float


def _pid(data: bytes, offset: int) -> int:
    if data[offset] != _SYNC_BYTE:
        raise ValueError(f"no MPEG-TS sync byte at offset {offset}")
    return ((data[offset + 1] & 0x1F) << 8) | data[offset + 2]


def range_start(data: bytes, keyframe_pos: int) -> int:
    """The PAT before a keyframe, if no video packet lies between them; else the keyframe."""
    if keyframe_pos % TS_PACKET:
        raise ValueError(f"keyframe offset {keyframe_pos} is not on a TS packet boundary")
    video_pid = _pid(data, keyframe_pos)
    pos = keyframe_pos
    while pos >= TS_PACKET:
        pos -= TS_PACKET
        pid = _pid(data, pos)
        if pid == PAT_PID:
            return pos
        if pid == video_pid:
            break
    return keyframe_pos


def compute_byte_ranges(
    data: bytes,
    keyframes: Sequence[Keyframe],
    *,
    segment_start_s: float,
    segment_duration_s: float,
) -> tuple[ByteRange, ...]:
    """Contiguous ranges covering all of ``data``, one per keyframe interval.

    Durations come from keyframe timestamps; the last range gets what is left of the
    segment's playlist duration, so the ranges add up to exactly the segment.
    """
    if not keyframes:
        raise ValueError("segment has no video keyframe")
    if len(data) % TS_PACKET:
        raise ValueError(f"segment size {len(data)} is not a whole number of TS packets")
    ordered = sorted(keyframes, key=lambda k: k.pos)
    # The first range takes the segment's leading tables too, so nothing is left uncovered.
    starts = [0] + [range_start(data, k.pos) for k in ordered[1:]]
    ends = [*starts[1:], len(data)]
    first_pts = ordered[0].pts_s
    ranges: list[ByteRange] = []
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        offset_s = ordered[i].pts_s - first_pts
        if i + 1 < len(ordered):
            duration = ordered[i + 1].pts_s - ordered[i].pts_s
        else:
            duration = segment_duration_s - offset_s
        if end <= start or duration <= 0:
            raise ValueError(f"keyframe interval {i} is empty ({start}-{end}, {duration:.3f} s)")
        ranges.append(ByteRange(start, end - start, segment_start_s + offset_s, duration))
    return tuple(ranges)


def probe_keyframes(path: Path) -> list[Keyframe]:
    """Video keyframes of a TS file: byte offset and PTS."""
    data = ffprobe_json(
        path, ["-select_streams", "v:0", "-show_entries", "packet=pts_time,pos,flags"]
    )
    return [
        Keyframe(int(p["pos"]), float(p["pts_time"]))
        for p in data.get("packets", [])
        if "K" in p.get("flags", "") and "pos" in p and "pts_time" in p
    ]


def segment_byte_ranges(
    path: Path, *, segment_start_s: float, segment_duration_s: float
) -> tuple[ByteRange, ...]:
    """Byte ranges of one segment file."""
    return compute_byte_ranges(
        path.read_bytes(),
        probe_keyframes(path),
        segment_start_s=segment_start_s,
        segment_duration_s=segment_duration_s,
    )
