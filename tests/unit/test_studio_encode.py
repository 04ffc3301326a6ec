"""Encoding into the IVS auto-record layout, checked with ffprobe on what ffmpeg wrote."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import m3u8
import pytest

from liveclips.media.ffmpeg import MediaError, ffprobe_json, run_ffmpeg
from liveclips_dev.studio.encode import encode_ivs_layout
from liveclips_dev.studio.layout import EncodedShow, Rendition
from liveclips_dev.studio.synth import PlantedMoment, synthesize_show

RENDITIONS = (Rendition("180p30", 320, 180, 400_000), Rendition("90p30", 160, 90, 120_000))
STARTED_AT = datetime(2024, 5, 1, 18, 30, 0, 250_000, tzinfo=UTC)
DURATION_S = 25.0


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> EncodedShow:
    work = tmp_path_factory.mktemp("encode")
    source = synthesize_show(
        work / "src.mp4", DURATION_S, [PlantedMoment(16.0, 20.0)], width=320, height=180
    )
    return encode_ivs_layout(source, work / "staging", renditions=RENDITIONS, started_at=STARTED_AT)


def video_packets(path: Path) -> list[dict[str, str]]:
    data = ffprobe_json(
        path, ["-select_streams", "v:0", "-show_entries", "packet=pts_time,pos,flags"]
    )
    packets: list[dict[str, str]] = data["packets"]
    return packets


def test_recording_segments_are_about_ten_seconds(show):
    for rendition in RENDITIONS:
        durations = [s.duration_s for s in show.segments(rendition)]
        assert len(durations) == 3
        assert all(9.5 <= d <= 11.0 for d in durations[:-1])
        assert sum(durations) == pytest.approx(DURATION_S, abs=0.1)
    assert show.duration_s == pytest.approx(DURATION_S, abs=0.1)


def test_keyframes_every_two_seconds_and_timestamps_not_starting_at_zero(show):
    for rendition in RENDITIONS:
        times = [
            float(p["pts_time"])
            for seg in show.segments(rendition)
            for p in video_packets(seg.file)
            if "K" in p["flags"]
        ]
        assert times[0] >= 10.0  # ts_offset_s, like IVS's non-zero segment timestamps
        gaps = {round(b - a, 2) for a, b in itertools.pairwise(times)}
        assert gaps == {2.0}


def test_each_byte_range_starts_with_tables_and_a_decodable_keyframe(show, tmp_path):
    seg = show.segments(RENDITIONS[0])[1]
    data = seg.file.read_bytes()
    cursor = 0
    for i, part in enumerate(seg.byte_ranges):
        # Contiguous, 188-byte aligned, and together exactly the file.
        assert (part.offset, part.offset % 188) == (cursor, 0)
        cursor += part.length
        pid = ((data[part.offset + 1] & 0x1F) << 8) | data[part.offset + 2]
        assert pid in {0x0000, 0x0011}  # PAT (or SDT+PAT at the file start), then the PMT
        piece = tmp_path / f"{i}.ts"
        piece.write_bytes(data[part.offset : part.offset + part.length])
        first = video_packets(piece)[0]
        assert "K" in first["flags"]
    assert cursor == len(data)
    assert sum(p.duration_s for p in seg.byte_ranges) == pytest.approx(seg.duration_s)


def test_staged_playlists_play_in_ffmpeg_and_carry_pdt(show):
    hls = show.staging / "media" / "hls"
    assert (hls / "master.m3u8").is_file()
    assert (hls / "byte-range-multivariant.m3u8").is_file()
    for name in ("playlist.m3u8", "byte-range-variant.m3u8"):
        playlist = hls / "90p30" / name
        parsed = m3u8.load(str(playlist))
        assert parsed.is_endlist
        assert parsed.segments[0].program_date_time == STARTED_AT
        duration = ffprobe_json(playlist, ["-show_entries", "format=duration"])
        assert float(duration["format"]["duration"]) == pytest.approx(DURATION_S, abs=0.5)


def test_master_names_what_was_actually_encoded(show):
    master = m3u8.load(str(show.staging / "media" / "hls" / "master.m3u8"))
    assert [p.stream_info.resolution for p in master.playlists] == [(320, 180), (160, 90)]
    for playlist, rendition in zip(master.playlists, RENDITIONS, strict=True):
        assert playlist.stream_info.codecs == show.codecs[rendition.path]
        assert playlist.stream_info.codecs.startswith("avc1.")
        assert playlist.stream_info.bandwidth == show.bandwidth[rendition.path] > 0


def test_live_segments_are_two_seconds_of_the_top_rendition(show):
    assert [round(s.duration_s, 3) for s in show.live[:-1]] == [2.0] * (len(show.live) - 1)
    assert sum(s.duration_s for s in show.live) == pytest.approx(DURATION_S, abs=0.1)
    probe = ffprobe_json(show.live[3].file, ["-show_entries", "stream=width,start_time"])
    video = next(s for s in probe["streams"] if "width" in s)
    assert video["width"] == 320
    assert float(video["start_time"]) == pytest.approx(10.0 + 6.0, abs=0.1)


def test_a_video_without_audio_gets_a_silent_track(tmp_path):
    silent = tmp_path / "silent.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30:duration=5", str(silent)])
    show = encode_ivs_layout(
        silent, tmp_path / "staging", renditions=RENDITIONS[1:], started_at=STARTED_AT
    )
    probe = ffprobe_json(
        show.segments(RENDITIONS[1])[0].file, ["-show_entries", "stream=codec_name"]
    )
    assert {s["codec_name"] for s in probe["streams"]} == {"h264", "aac"}
    assert show.duration_s == pytest.approx(5.0, abs=0.1)


def test_a_broken_source_fails_with_ffmpegs_reason(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 1000)
    with pytest.raises(MediaError, match="ffprobe exited"):
        encode_ivs_layout(broken, tmp_path / "staging", started_at=STARTED_AT)


def test_renditions_are_validated(tmp_path):
    with pytest.raises(ValueError, match="unique"):
        encode_ivs_layout(
            tmp_path / "x.mp4", tmp_path, renditions=[RENDITIONS[0]] * 2, started_at=STARTED_AT
        )
