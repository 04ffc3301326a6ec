"""Keyframe byte ranges: pure logic on synthetic TS bytes, and against a real IVS segment."""

from __future__ import annotations

import os
from pathlib import Path

import m3u8
import pytest

from liveclips_dev.studio.byteranges import (
    Keyframe,
    compute_byte_ranges,
    range_start,
    segment_byte_ranges,
)

SHARED = Path(
    os.environ.get("LIVECLIPS_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)
RENDITION = SHARED / "fixtures" / "ivs-recording" / "media" / "hls" / "160p30"
PAT, PMT, AUDIO, VIDEO, ID3 = 0x0000, 0x1000, 0x0100, 0x0101, 0x0102


def ts(*pids: int) -> bytes:
    """MPEG-TS packets with the given PIDs and nothing else of interest."""
    return b"".join(bytes([0x47, (pid >> 8) & 0x1F, pid & 0xFF]) + bytes(185) for pid in pids)


def test_a_range_starts_at_the_pat_before_its_keyframe():
    # GIVEN video, then PAT, PMT and timed metadata, then a keyframe at packet 5
    data = ts(VIDEO, AUDIO, PAT, PMT, ID3, VIDEO, VIDEO)
    # THEN the range starts at the PAT, so a player gets the tables with the keyframe
    assert range_start(data, 5 * 188) == 2 * 188


def test_without_a_pat_since_the_last_video_packet_the_range_starts_at_the_keyframe():
    data = ts(PAT, PMT, VIDEO, AUDIO, VIDEO)
    assert range_start(data, 4 * 188) == 4 * 188


def test_a_keyframe_offset_off_the_packet_grid_is_rejected():
    with pytest.raises(ValueError, match="packet boundary"):
        range_start(ts(PAT, VIDEO), 100)


def test_ranges_are_contiguous_cover_the_file_and_add_up_to_the_segment():
    # GIVEN a 6 s segment with keyframes at 0, 2 and 4 s (PTS offset 61 s, as in IVS)
    data = ts(PAT, PMT, VIDEO, AUDIO, VIDEO, PAT, PMT, VIDEO, AUDIO, PAT, PMT, VIDEO, AUDIO)
    keyframes = [Keyframe(2 * 188, 61.0), Keyframe(7 * 188, 63.0), Keyframe(11 * 188, 65.0)]
    # WHEN
    ranges = compute_byte_ranges(data, keyframes, segment_start_s=20.0, segment_duration_s=6.0)
    # THEN
    assert [(r.offset, r.length) for r in ranges] == [(0, 5 * 188), (5 * 188, 4 * 188),
                                                      (9 * 188, 4 * 188)]  # fmt: skip
    assert [r.start_s for r in ranges] == [20.0, 22.0, 24.0]
    assert [r.duration_s for r in ranges] == [2.0, 2.0, 2.0]


def test_a_segment_without_keyframes_is_an_error():
    with pytest.raises(ValueError, match="no video keyframe"):
        compute_byte_ranges(ts(PAT, AUDIO), [], segment_start_s=0, segment_duration_s=1)


def test_ranges_of_real_ivs_segments_equal_the_ones_ivs_wrote():
    # GIVEN the real recording's segments and IVS's own byte-range playlist
    standard = m3u8.load(str(RENDITION / "playlist.m3u8"))
    expected = m3u8.load(str(RENDITION / "byte-range-variant.m3u8"))
    start = 0.0
    # The last segment is left out: video stopped inside it and IVS cut its ranges by time.
    for seg in standard.segments[:-1]:
        # WHEN the studio computes the ranges from the .ts file alone
        ranges = segment_byte_ranges(
            RENDITION / seg.uri, segment_start_s=start, segment_duration_s=seg.duration
        )
        # THEN they are IVS's, byte for byte, with the same durations
        ivs = [p for p in expected.segments if p.uri == seg.uri]
        assert [f"{r.length}@{r.offset}" for r in ranges] == [p.byterange for p in ivs]
        assert [round(r.duration_s, 3) for r in ranges] == [p.duration for p in ivs]
        start += seg.duration
