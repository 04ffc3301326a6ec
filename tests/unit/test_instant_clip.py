"""Instant clips: a playlist over the recording's segments, on the real IVS fixture."""

from __future__ import annotations

from pathlib import Path

import m3u8
import pytest

from liveclips.domain.hls import choose_variant, coalesce, parse_media_playlist, rewrite_uris
from liveclips.domain.instant_clip import instant_manifest
from liveclips.domain.thumbnails import rewrite_sprite_uris

HLS = Path(__file__).resolve().parents[2].parent / "shared/fixtures/ivs-recording/media/hls"


def fine_playlist():
    return parse_media_playlist((HLS / "160p30" / "byte-range-variant.m3u8").read_text())


def test_instant_clip_covers_the_moment_with_keyframe_intervals_and_starts_exactly():
    # GIVEN the real byte-range playlist (one entry per ~1-2 s keyframe interval)
    playlist = fine_playlist()

    # WHEN a 12.4 s moment becomes an instant clip
    text = instant_manifest(playlist, 20.4, 32.8, lambda s: f"https://cdn.example/rec/{s.uri}")
    parsed = m3u8.loads(text)

    # THEN it is a finished VOD playlist over just the intervals the moment touches
    assert parsed.is_endlist and parsed.playlist_type == "vod"
    total = sum(s.duration for s in parsed.segments)
    assert 12.4 <= total <= 12.4 + 2 * max(s.duration for s in parsed.segments)
    assert all(s.uri.startswith("https://cdn.example/rec/") for s in parsed.segments)
    assert all(s.byterange for s in parsed.segments)
    first = next(s for s in playlist.segments if s.end_s > 20.4)
    assert f"TIME-OFFSET={20.4 - first.start_s:.3f},PRECISE=YES" in text
    assert parsed.segments[0].current_program_date_time == first.program_date_time


def test_instant_clip_outside_the_playlist_is_refused():
    with pytest.raises(ValueError, match="no segment"):
        instant_manifest(fine_playlist(), 500, 510, lambda s: s.uri)


def test_back_to_back_ranges_of_one_file_are_read_at_once():
    segments = fine_playlist().segments
    spans = coalesce(segments)
    assert [s.uri for s in spans] == sorted({s.uri for s in segments}, key=lambda u: int(u[:-3]))
    assert all(s.byte_range and s.byte_range[1] == 0 for s in spans)
    assert sum(s.byte_range[0] for s in spans) == sum(s.byte_range[0] for s in segments)


def test_the_tallest_variant_that_fits_is_chosen():
    master = (HLS / "master.m3u8").read_text()
    assert choose_variant(master, 720).startswith("720p30/")
    assert choose_variant(master, 400).startswith("360p30/")
    assert choose_variant(master, 100).startswith("160p30/")  # nothing fits: the smallest


def test_every_reference_of_a_playlist_is_rewritten_and_nothing_else():
    text = (
        '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.0,\nsegment_000.m4s\n'
        "#EXTINF:1.5,\nsegment_001.m4s\n#EXT-X-ENDLIST\n"
    )
    signed = rewrite_uris(text, lambda uri: f"https://cdn/{uri}?sig=1")
    parsed = m3u8.loads(signed)
    assert parsed.segments[0].init_section.uri == "https://cdn/init.mp4?sig=1"
    assert [s.uri for s in parsed.segments] == [
        "https://cdn/segment_000.m4s?sig=1",
        "https://cdn/segment_001.m4s?sig=1",
    ]
    assert [s.duration for s in parsed.segments] == [2.0, 1.5] and parsed.is_endlist


def test_a_thumbnail_track_keeps_each_cue_s_fragment_when_signed():
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsprite.jpg#xywh=0,0,160,90\n"
    signed = rewrite_sprite_uris(vtt, lambda uri: f"https://cdn/{uri}?sig=1")
    assert "https://cdn/sprite.jpg?sig=1#xywh=0,0,160,90" in signed
    assert signed.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n")
