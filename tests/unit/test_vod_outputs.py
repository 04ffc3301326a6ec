from __future__ import annotations

import pytest

from liveclips.domain.vod_outputs import (
    GiveUp,
    InvalidVodOutput,
    RenditionCheck,
    RetryLater,
    Variant,
    after_failure,
    check_title,
    parse_master,
    poster_capture,
    rendition_duration,
)

MASTER = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-STREAM-INF:BANDWIDTH=3440800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
index_720p.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=943800,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
index_360p.m3u8
"""
LADDER = (
    Variant("index_720p.m3u8", 3440800, 1280, 720),
    Variant("index_360p.m3u8", 943800, 640, 360),
)


def checked(uri: str, width: int, height: int, duration_s: float = 14.0, audio: bool = True):
    return RenditionCheck(uri, duration_s, 7, width, height, audio)


GOOD = [checked("index_720p.m3u8", 1280, 720), checked("index_360p.m3u8", 640, 360)]


def test_the_master_lists_its_variants_in_order():
    assert parse_master(MASTER) == LADDER


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not a playlist", "no #EXTM3U"),
        ("#EXTM3U\n#EXTINF:2.0,\na.ts\n", "lists no variant"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100\na.m3u8\n", "lacks BANDWIDTH or RESOLUTION"),
    ],
)
def test_a_broken_master_says_what_is_wrong(text, complaint):
    with pytest.raises(InvalidVodOutput, match=complaint):
        parse_master(text)


def test_a_complete_title_passes():
    check_title(LADDER, GOOD, source_duration_s=14.5)


def test_an_unordered_ladder_fails():
    with pytest.raises(InvalidVodOutput, match="not strictly ordered"):
        check_title(tuple(reversed(LADDER)), GOOD, 14.0)


def test_a_rendition_a_segment_short_of_the_source_fails():
    with pytest.raises(InvalidVodOutput, match=r"index_360p.m3u8: 11.00 s long"):
        check_title(LADDER, [GOOD[0], checked("index_360p.m3u8", 640, 360, 11.0)], 14.0)


def test_a_rendition_of_the_wrong_size_or_without_audio_fails():
    with pytest.raises(InvalidVodOutput, match="decodes as 480x270"):
        check_title(LADDER, [GOOD[0], checked("index_360p.m3u8", 480, 270)], 14.0)
    with pytest.raises(InvalidVodOutput, match="no audio"):
        check_title(LADDER, [GOOD[0], checked("index_360p.m3u8", 640, 360, audio=False)], 14.0)


def test_an_unchecked_rendition_fails():
    with pytest.raises(InvalidVodOutput, match="not checked"):
        check_title(LADDER, GOOD[:1], 14.0)


def test_a_media_playlist_must_be_finished():
    text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na_1.ts\n#EXTINF:1.5,\na_2.ts\n"
    with pytest.raises(InvalidVodOutput, match="no #EXT-X-ENDLIST"):
        rendition_duration(text, "a.m3u8")
    assert rendition_duration(text + "#EXT-X-ENDLIST\n", "a.m3u8") == (3.5, 2)


def test_the_poster_is_the_capture_a_tenth_in():
    assert poster_capture(14.0) == 0
    assert poster_capture(3600.0) == 36  # one capture per 10 s: 360 s in
    assert poster_capture(-1.0) == 0


def test_failures_back_off_exponentially_then_give_up():
    assert after_failure(1, 3, 60.0, "boom") == RetryLater(attempt=2, delay_s=60.0)
    assert after_failure(2, 3, 60.0, "boom") == RetryLater(attempt=3, delay_s=240.0)
    gave_up = after_failure(3, 3, 60.0, "1010 input missing")
    assert isinstance(gave_up, GiveUp)
    assert "after 3 attempts" in gave_up.reason and "1010 input missing" in gave_up.reason
