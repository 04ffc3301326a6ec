"""The studio's playlist builders reproduce a real IVS recording's playlists."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import m3u8
import pytest

from liveclips_dev.studio.layout import ByteRange, LiveSegment, RecordingSegment, Rendition
from liveclips_dev.studio.playlists import (
    Variant,
    byte_range_playlist,
    format_pdt,
    live_playlist,
    media_playlist,
    multivariant_playlist,
    parse_extinf,
    target_duration,
)

# The repo is cloned with shared/ beside it (<repo>/../shared), locally and in CI.
SHARED = Path(
    os.environ.get("LIVECLIPS_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)
FIXTURE = SHARED / "fixtures" / "ivs-recording"
HLS = FIXTURE / "media" / "hls"
STARTED_AT = datetime(2023, 2, 9, 22, 55, 41, 550_000, tzinfo=UTC)


def fixture_segments(rendition: str) -> list[RecordingSegment]:
    """The fixture's segments and byte ranges, as the studio's own values."""
    standard = m3u8.load(str(HLS / rendition / "playlist.m3u8"))
    ranged = m3u8.load(str(HLS / rendition / "byte-range-variant.m3u8"))
    segments: list[RecordingSegment] = []
    start = 0.0
    for index, seg in enumerate(standard.segments):
        ranges, offset_s = [], start
        for part in (p for p in ranged.segments if p.uri == seg.uri):
            length, offset = (int(x) for x in part.byterange.split("@"))
            ranges.append(ByteRange(offset, length, offset_s, part.duration))
            offset_s += part.duration
        segments.append(RecordingSegment(index, start, seg.duration, Path(seg.uri), tuple(ranges)))
        start += seg.duration
    return segments


def test_pdt_is_utc_with_milliseconds_and_z():
    assert format_pdt(STARTED_AT) == "2023-02-09T22:55:41.550Z"


def test_target_duration_is_the_longest_segment_rounded_up():
    assert target_duration([10.267, 11.2, 2.979]) == 12
    assert target_duration([10.0, 10.0]) == 10
    assert target_duration([]) == 1


def test_parse_extinf_reads_what_ffmpeg_writes():
    text = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.000000,\n0.ts\n#EXTINF:4.5,\n1.ts\n"
    assert parse_extinf(text) == [(10.0, "0.ts"), (4.5, "1.ts")]
    with pytest.raises(ValueError, match="no #EXTINF"):
        parse_extinf("#EXTM3U\n0.ts\n")


@pytest.mark.parametrize("rendition", ["160p30", "720p30"])
def test_finished_media_playlist_matches_the_real_recording(rendition):
    # GIVEN the real recording's segments WHEN the studio writes the finished playlist
    written_at = datetime(2023, 2, 9, 22, 58, 35, tzinfo=UTC)
    text = media_playlist(
        fixture_segments(rendition),
        started_at=STARTED_AT,
        target_duration_s=12,
        written_at=written_at,
        ended=True,
    )
    # THEN it is IVS's playlist line for line
    assert text.splitlines() == (HLS / rendition / "playlist.m3u8").read_text().splitlines()


@pytest.mark.parametrize("rendition", ["160p30", "720p30"])
def test_finished_byte_range_playlist_matches_the_real_recording(rendition):
    text = byte_range_playlist(
        fixture_segments(rendition), started_at=STARTED_AT, target_duration_s=12, ended=True
    )
    expected = (HLS / rendition / "byte-range-variant.m3u8").read_text()
    assert text.splitlines() == expected.splitlines()


def test_a_live_recording_playlist_is_an_event_playlist_without_endlist():
    segments = fixture_segments("160p30")[:3]
    now = datetime(2023, 2, 9, 22, 56, 12, tzinfo=UTC)
    text = media_playlist(
        segments, started_at=STARTED_AT, target_duration_s=12, written_at=now, ended=False
    )
    parsed = m3u8.loads(text)
    assert parsed.playlist_type == "event"
    assert not parsed.is_endlist
    assert [s.uri for s in parsed.segments] == ["0.ts", "1.ts", "2.ts"]
    assert "#EXT-X-TWITCH-TOTAL-SECS:30.933" in text
    ranged = byte_range_playlist(segments, started_at=STARTED_AT, target_duration_s=12, ended=False)
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in ranged
    assert "#EXT-X-ENDLIST" not in ranged


def test_byte_ranges_in_the_playlist_are_contiguous_and_cover_each_file():
    segments = fixture_segments("160p30")
    parsed = m3u8.loads(
        byte_range_playlist(segments, started_at=STARTED_AT, target_duration_s=12, ended=True)
    )
    for seg in segments[:-1]:  # the fixture keeps the 160p30 .ts files
        parts = [p.byterange for p in parsed.segments if p.uri == seg.file.name]
        cursor = 0
        for part in parts:
            length, offset = (int(x) for x in part.split("@"))
            assert offset == cursor
            assert offset % 188 == 0
            cursor += length
        assert cursor == (HLS / "160p30" / seg.file.name).stat().st_size


def test_multivariant_playlists_match_the_real_recording():
    # GIVEN the recording's renditions with IVS's bandwidth and codecs values
    ladder = [
        ("720p30", 1280, 720, 2440200),
        ("480p30", 852, 480, 1495199),
        ("360p30", 640, 360, 630000),
        ("160p30", 284, 160, 230000),
    ]
    variants = [
        Variant(Rendition(path, w, h, bw), bw, "avc1.4D401F,mp4a.40.2")
        for path, w, h, bw in reversed(ladder)  # order given does not matter
    ]
    for name, byte_range in (("master.m3u8", False), ("byte-range-multivariant.m3u8", True)):
        text = multivariant_playlist(
            variants, channel_id="2rrcA103rn67", account="098435415742", byte_range=byte_range
        )
        assert text.splitlines() == (HLS / name).read_text().splitlines()


def test_live_playlist_slides_with_media_sequence_and_pdt():
    window = [LiveSegment(i, 2.0 * i, 2.0, Path(f"{i}.ts")) for i in range(4, 10)]
    text = live_playlist(window, started_at=STARTED_AT, target_duration_s=2, ended=False)
    parsed = m3u8.loads(text)
    assert parsed.media_sequence == 4
    assert [s.uri for s in parsed.segments] == [f"{i}.ts" for i in range(4, 10)]
    assert parsed.segments[0].program_date_time == datetime(
        2023, 2, 9, 22, 55, 49, 550_000, tzinfo=UTC
    )
    assert parsed.playlist_type is None
    assert not parsed.is_endlist
    ended = live_playlist(window, started_at=STARTED_AT, target_duration_s=2, ended=True)
    assert m3u8.loads(ended).is_endlist
