from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from liveclips.domain.hls import NotYetAvailable, PlaylistError, parse_media_playlist, plan_clip

FIXTURE = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "ivs-recording"
HLS = FIXTURE / "media" / "hls" / "160p30"


def test_real_ivs_playlist_parses_with_offsets_and_program_date_time():
    playlist = parse_media_playlist((HLS / "playlist.m3u8").read_text())
    assert playlist.segments[0].uri == "0.ts"
    assert playlist.segments[1].start_s == pytest.approx(10.267)
    assert playlist.duration_s == pytest.approx(171.546, abs=0.01)
    assert playlist.segments[0].program_date_time.isoformat().startswith("2023-02-09T22:55:41")


def test_real_byte_range_playlist_addresses_contiguous_keyframe_intervals():
    playlist = parse_media_playlist((HLS / "byte-range-variant.m3u8").read_text())
    first_file = [s for s in playlist.segments if s.uri == "0.ts"]
    assert len(first_file) > 3
    for before, after in itertools.pairwise(first_file):
        assert before.byte_range is not None and after.byte_range is not None
        assert after.byte_range[1] == before.byte_range[0] + before.byte_range[1]
    assert sum(s.byte_range[0] for s in first_file) == (HLS / "0.ts").stat().st_size


def test_plan_takes_only_the_segments_the_clip_touches():
    playlist = parse_media_playlist((HLS / "playlist.m3u8").read_text())
    plan = plan_clip(playlist, start_s=12.0, end_s=25.0)
    assert [s.uri for s in plan.segments] == ["1.ts", "2.ts"]
    assert plan.seek_s == pytest.approx(12.0 - 10.267)
    assert plan.duration_s == pytest.approx(13.0)


def test_plan_past_the_live_edge_asks_to_retry():
    live = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n0.ts\n#EXTINF:10.0,\n1.ts\n"
    with pytest.raises(NotYetAvailable, match=r"recording has 20\.00s"):
        plan_clip(parse_media_playlist(live), start_s=15.0, end_s=25.0)


def test_plan_past_the_end_of_a_finished_recording_is_trimmed():
    done = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n0.ts\n#EXT-X-ENDLIST\n"
    assert plan_clip(parse_media_playlist(done), start_s=5.0, end_s=12.0).duration_s == 5.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "missing #EXTM3U"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n", "multivariant"),
    ],
)
def test_bad_playlists_are_named(text, message):
    with pytest.raises(PlaylistError, match=message):
        parse_media_playlist(text)
