"""The renderer on real ffmpeg: smart cuts, crops, loudness, outputs, on synthetic shows,
the real IVS recording and a live HLS playlist over HTTP (no emulators needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import m3u8
import numpy as np
import pytest
from typer.testing import CliRunner

from liveclips.domain.clip_presets import preset
from liveclips.domain.thumbnails import sprite_layout
from liveclips.media import artwork
from liveclips.media.ffmpeg import ffprobe_json, run_ffmpeg
from liveclips.media.render import RenderOptions, render_clip
from liveclips_dev.cli.main import app
from liveclips_dev.studio.live_server import live_server

FPS = 30
FIXTURE_HLS = Path(__file__).resolve().parents[2].parent / "shared/fixtures/ivs-recording/media/hls"


def ivs_like_source(path: Path, duration_s: float) -> Path:
    """720p30 H.264 with a keyframe every 2 s and a quiet tone, muxed as MPEG-TS (as IVS)."""
    run_ffmpeg(
        [
            "-f", "lavfi", "-i", f"testsrc2=s=1280x720:r={FPS}:d={duration_s}",
            "-f", "lavfi", "-i", f"sine=f=330:d={duration_s},volume=-22dB",
            "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "main",
            "-g", str(2 * FPS), "-keyint_min", str(2 * FPS), "-sc_threshold", "0",
            "-c:a", "aac", "-f", "mpegts", str(path),
        ]
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def show(tmp_path_factory) -> Path:
    return ivs_like_source(tmp_path_factory.mktemp("show") / "show.ts", 30)


def frame_hashes(path: Path) -> list[str]:
    """A CRC per decoded picture: copied GOPs decode to exactly the source's pictures,
    re-encoded ones do not."""
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-f", "framecrc", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [line.rsplit(",", 1)[-1].strip() for line in done.stdout.splitlines() if line[0] != "#"]


def decode_errors_and_frames(path: Path) -> tuple[str, int]:
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-f", "framecrc", "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    frames = sum(1 for line in done.stdout.splitlines() if not line.startswith("#"))
    return done.stderr.strip(), frames


def test_a_cut_between_keyframes_copies_the_middle_and_encodes_only_the_edges(show, tmp_path):
    # GIVEN a cut 0.5 s after one keyframe to 1.3 s after another, keeping the 16:9 picture
    rendered = render_clip(
        show, start_s=3.5, end_s=15.3, chosen=preset("landscape"), out_dir=tmp_path,
        options=RenderOptions(outputs=False),
    )  # fmt: skip

    # THEN only the two edge GOPs were encoded, and the copied packets are the source's own
    assert rendered.cut.mode == "smart"
    assert rendered.cut.encoded_s < 2 * 2.0
    assert rendered.cut.copied_s > 11.8 - 4.0
    identical = set(frame_hashes(rendered.mp4)) & set(frame_hashes(show))
    assert len(identical) >= round(rendered.cut.copied_s * FPS) - 1
    # AND the whole clip decodes cleanly, frame-accurate to the requested length
    errors, frames = decode_errors_and_frames(rendered.mp4)
    assert errors == ""
    assert abs(frames - round(11.8 * FPS)) <= 1
    assert rendered.info.duration_s == pytest.approx(11.8, abs=0.1)
    assert (rendered.info.width, rendered.info.height) == (1280, 720)


def test_a_vertical_clip_is_cropped_normalised_and_packaged(show, tmp_path):
    rendered = render_clip(
        show, start_s=1.2, end_s=25.2, chosen=preset("vertical"), out_dir=tmp_path,
        options=RenderOptions(chunk_s=8.0, workers=2),
    )  # fmt: skip

    assert rendered.cut.mode == "chunked" and len(rendered.cut.pieces) == 3
    assert (rendered.info.width, rendered.info.height) == (720, 1280)
    errors, frames = decode_errors_and_frames(rendered.mp4)
    assert errors == "" and abs(frames - 24 * FPS) <= 1
    # -14 LUFS from a tone recorded far quieter, with a true peak under -1 dBTP (+ AAC slack)
    assert rendered.loudness is not None
    assert rendered.loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert rendered.loudness.true_peak_dbtp <= -0.3
    assert rendered.loudness_mode == "linear"
    # moov first (faststart): players start before the download ends
    assert rendered.mp4.read_bytes()[:64].find(b"moov") < rendered.mp4.read_bytes().find(b"mdat")
    hls = m3u8.loads(rendered.hls_playlist.read_text())
    assert hls.is_endlist and sum(s.duration for s in hls.segments) == pytest.approx(24, abs=0.1)
    # The chunks (joined 0.8 s after a source keyframe) keep one 2 s keyframe grid in clip
    # time, so every HLS segment is 2 s, not only those inside a chunk
    assert [round(s.duration, 2) for s in hls.segments] == [2.0] * 12
    vtt = rendered.thumbnails_vtt.read_text()
    assert vtt.startswith("WEBVTT") and "sprite.jpg#xywh=" in vtt
    poster = ffprobe_json(rendered.poster, ["-show_entries", "stream=width,height"])["streams"][0]
    assert (poster["width"], poster["height"]) == (720, 1280)


def test_chunked_and_single_encodes_give_the_same_frames_count(show, tmp_path):
    whole = render_clip(
        show, start_s=2.0, end_s=22.0, chosen=preset("square"), out_dir=tmp_path / "whole",
        options=RenderOptions(chunk_s=None, outputs=False),
    )  # fmt: skip
    chunked = render_clip(
        show, start_s=2.0, end_s=22.0, chosen=preset("square"), out_dir=tmp_path / "chunked",
        options=RenderOptions(chunk_s=6.0, workers=2, outputs=False),
    )  # fmt: skip
    assert (whole.cut.mode, chunked.cut.mode) == ("encode", "chunked")
    assert decode_errors_and_frames(whole.mp4)[1] == decode_errors_and_frames(chunked.mp4)[1]


def test_a_single_encode_draws_the_same_sprite_as_one_made_from_the_finished_mp4(show, tmp_path):
    # GIVEN a vertical clip encoded in one piece, which draws its sprite and poster as it goes
    rendered = render_clip(
        show, start_s=2.5, end_s=14.5, chosen=preset("vertical"), out_dir=tmp_path / "clip",
        options=RenderOptions(chunk_s=None),
    )  # fmt: skip
    assert rendered.cut.mode == "encode"
    # WHEN the sprite is drawn again the slow way, by decoding the MP4
    layout = sprite_layout(12.0, interval_s=1.0, tile_w=90, tile_h=160, columns=10)
    again = tmp_path / "again.jpg"
    artwork.sprite_sheet(rendered.mp4, again, layout)
    # THEN the two sheets show the same tiles (only encoding noise differs)
    drawn, redrawn = jpeg_pixels(rendered.sprite), jpeg_pixels(again)
    assert drawn.shape == redrawn.shape == (2 * 160, 10 * 90, 3)
    assert np.abs(drawn.astype(int) - redrawn.astype(int)).mean() < 4
    # AND the poster is a full-size frame of the clip
    assert jpeg_pixels(rendered.poster).shape == (1280, 720, 3)


def jpeg_pixels(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


def invoke_render(*args: str) -> dict:
    result = CliRunner().invoke(app, ["clip", "render", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_cli_renders_from_the_real_ivs_recording(tmp_path):
    # The real recording: offset timestamps, ~10 s segments, byte-range playlist
    made = invoke_render(
        "--source", str(FIXTURE_HLS / "160p30" / "byte-range-variant.m3u8"),
        "--start", "12.3", "--end", "27.9", "--preset", "landscape", "--out", str(tmp_path),
    )  # fmt: skip

    assert made["duration_s"] == pytest.approx(15.6, abs=0.1)
    assert made["cut"] in {"smart", "copy"} and made["copied_s"] > 10
    assert made["height"] == 160
    errors, _ = decode_errors_and_frames(Path(made["mp4"]))
    assert errors == ""
    for output in ("hls", "poster", "sprite", "thumbnails_vtt", "instant"):
        assert Path(made[output]).is_file()
    instant = m3u8.loads(Path(made["instant"]).read_text())
    assert instant.segments[0].byterange and instant.is_endlist


def test_the_cli_renders_from_a_live_playlist_over_http(tmp_path):
    # GIVEN a live HLS playlist with ~2 s segments, as the IVS playback URL serves
    live = tmp_path / "live"
    live.mkdir()
    source = ivs_like_source(tmp_path / "src.ts", 16)
    run_ffmpeg(
        ["-i", str(source), "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0",
         "-hls_flags", "program_date_time", str(live / "playlist.m3u8")]
    )  # fmt: skip

    with live_server(live) as url:
        made = invoke_render(
            "--source", url, "--start", "5.0", "--end", "13.0", "--preset", "vertical",
            "--out", str(tmp_path / "out"),
        )  # fmt: skip

    assert (made["width"], made["height"]) == (720, 1280)
    assert made["duration_s"] == pytest.approx(8.0, abs=0.1)
    assert made["loudness_lufs"] == pytest.approx(-14.0, abs=1.0)


def test_the_cli_names_what_is_wrong_with_a_bad_request(tmp_path):
    result = CliRunner().invoke(
        app,
        ["clip", "render", "--source", str(tmp_path / "missing.m3u8"), "--start", "1",
         "--end", "2", "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "neither an s3:// prefix" in result.output
    result = CliRunner().invoke(
        app,
        ["clip", "render", "--source", str(FIXTURE_HLS / "160p30" / "playlist.m3u8"),
         "--start", "1", "--end", "2", "--preset", "portrait", "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 2 and "unknown preset 'portrait'" in result.output
