"""Loudness normalisation, poster + sprite sheet, and HLS packaging, run with the real ffmpeg
on short lavfi media made at test time (no emulators: not marked `integration`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import m3u8
import pytest

from liveclips.domain.loudness import LoudnormPlan, loudnorm_report, plan_loudnorm
from liveclips.domain.thumbnails import sprite_grid, sprite_layout, webvtt
from liveclips.media.artwork import poster, sprite_sheet
from liveclips.media.ffmpeg import MediaError, ffprobe_json, probe, run_ffmpeg
from liveclips.media.loudness import measure, measure_output
from liveclips.media.packaging import package_hls

X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
AAC = ["-c:a", "aac", "-b:a", "128k"]
SMALL_VIDEO = "testsrc2=s=160x90:r=10"

# Design levels, checked with measure() where a test relies on them. The lavfi sine has an
# amplitude of 1/8, about -22 LUFS in mono; -ac 2 spreads mono over both sides at -3 dB.
QUIET_TONE = "sine=f=440:d=8:sample_rate=48000,volume=-8.5dB"  # about -30 LUFS
# A -33 dBFS bed with a 20 ms, 0.95 burst every second: peaks near 0 dBTP, loudness ~-16.
PEAKY = "aevalsrc='0.03*sin(2*PI*440*t)+if(lt(mod(t,1),0.02),0.95*sin(2*PI*1000*t),0)'"
# 4 s at 0.015 then 4 s at 0.1 (16 dB louder): a loudness range well above 11 LU.
TWO_LEVELS = "aevalsrc='if(lt(t,4),0.015,0.1)*sin(2*PI*440*t)':s=48000:d=8"


def make_av(path: Path, audio: str, *, duration_s: float) -> Path:
    """A video with `audio` kept lossless (Matroska, PCM): AAC would blur the test signals,
    e.g. lift a steady tone's loudness range off exactly 0.00 LU, a case loudnorm trips on."""
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"{SMALL_VIDEO}:d={duration_s}", "-f", "lavfi", "-i", audio,
         "-t", str(duration_s), *X264, "-c:a", "pcm_s16le", "-ac", "2", "-ar", "48000",
         str(path)]
    )  # fmt: skip
    return path


def render_audio(source: Path, plan: LoudnormPlan, out: Path) -> Path:
    """Pass two the way a render runs it: loudnorm works at 192 kHz, clips carry 48 kHz.

    The codec follows `out`: .m4a is the AAC a clip ships with, .wav is what loudnorm itself
    delivers. AAC at 128k lifts the peaks of sharp transients (by 0.6 dB on the bursts
    below): that is what the -1 dBTP headroom absorbs, so the ceiling is checked on .wav.
    """
    codec = AAC if out.suffix == ".m4a" else ["-c:a", "pcm_s16le"]
    run_ffmpeg(["-i", str(source), "-vn", "-af", plan.filter, "-ar", "48000", *codec, str(out)])
    return out


def loudnorm_mode(source: Path, plan: LoudnormPlan) -> str:
    """What loudnorm itself says it did on pass two (its JSON report names the mode)."""
    json_filter = plan.filter.replace("print_format=summary", "print_format=json")
    done = run_ffmpeg(
        ["-i", str(source), "-vn", "-af", json_filter, "-f", "null", "-"], log_level="info"
    )
    return loudnorm_report(done.stderr)["normalization_type"]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media-outputs")


@pytest.fixture(scope="module")
def sources(work: Path) -> dict[str, Path]:
    peaky = f"{PEAKY}:s=48000:d=6"
    return {
        "quiet": make_av(work / "quiet.mkv", QUIET_TONE, duration_s=8),
        "peaky": make_av(work / "peaky.mkv", peaky, duration_s=6),
        "two_levels": make_av(work / "two_levels.mkv", TWO_LEVELS, duration_s=8),
        "short_peaky": make_av(work / "short_peaky.mkv", f"{PEAKY}:s=48000:d=2", duration_s=2),
        "silent": make_av(work / "silent.mkv", "anullsrc=r=48000:cl=stereo", duration_s=3),
    }


# --- loudness ------------------------------------------------------------------------------


def test_quiet_tone_is_normalised_linearly_to_target(sources: dict[str, Path], work: Path) -> None:
    # GIVEN a steady tone at about -30 LUFS, so steady its loudness range is 0.00 LU
    measured = measure(sources["quiet"])
    assert measured.integrated_lufs == pytest.approx(-30, abs=1.5)
    assert measured.lra_lu == 0.0
    # WHEN it is normalised with the plan
    plan = plan_loudnorm(measured)
    out = measure_output(render_audio(sources["quiet"], plan, work / "quiet.m4a"))
    # THEN it lands on -14 LUFS with the peaks under the ceiling, by one constant gain
    assert plan.mode == "linear"
    assert out.integrated_lufs == pytest.approx(-14, abs=1.0)
    assert out.true_peak_dbtp <= -1.0 + 0.2


@pytest.mark.parametrize(
    ("source", "predicted"), [("quiet", "linear"), ("peaky", "dynamic"), ("two_levels", "linear")]
)
def test_predicted_mode_is_the_mode_loudnorm_picks(
    sources: dict[str, Path], source: str, predicted: str
) -> None:
    plan = plan_loudnorm(measure(sources[source]))
    assert plan.mode == predicted, plan.reason
    assert loudnorm_mode(sources[source], plan) == predicted


def test_peaky_input_is_predicted_dynamic_and_kept_under_the_ceiling(
    sources: dict[str, Path], work: Path
) -> None:
    measured = measure(sources["peaky"])
    plan = plan_loudnorm(measured)
    assert plan.mode == "dynamic"
    assert "true peak" in plan.reason
    out = measure_output(render_audio(sources["peaky"], plan, work / "peaky.wav"))
    assert out.true_peak_dbtp <= -1.0 + 0.2


def test_raising_the_lra_target_is_what_keeps_a_wide_range_linear(
    sources: dict[str, Path], work: Path
) -> None:
    # GIVEN audio whose loudness range is wider than the default 11 LU target
    measured = measure(sources["two_levels"])
    assert measured.lra_lu > 11
    plan = plan_loudnorm(measured)
    # THEN the plan raises the target and loudnorm stays linear; with LRA=11 it would not
    assert "LRA target raised" in plan.reason
    unraised = LoudnormPlan(
        filter=plan.filter.replace(f"LRA={measured.lra_lu:.2f}:measured_I", "LRA=11:measured_I"),
        mode="dynamic",
        reason="the trap",
    )
    assert unraised.filter != plan.filter
    assert loudnorm_mode(sources["two_levels"], unraised) == "dynamic"
    out = measure_output(render_audio(sources["two_levels"], plan, work / "two_levels.m4a"))
    assert out.integrated_lufs == pytest.approx(-14, abs=1.0)


def test_short_peaky_clip_gets_a_peak_limited_gain(sources: dict[str, Path], work: Path) -> None:
    # GIVEN 2 s of peaky audio: too short for loudnorm's 3 s dynamic window
    measured = measure(sources["short_peaky"])
    plan = plan_loudnorm(measured, duration_s=probe(sources["short_peaky"]).duration_s)
    assert plan.filter.startswith("volume=")
    out = measure_output(render_audio(sources["short_peaky"], plan, work / "short.wav"))
    # THEN the peak sits at the ceiling and the loudness moved by exactly that gain
    gain_db = float(plan.filter.removeprefix("volume=").removesuffix("dB"))
    assert out.true_peak_dbtp == pytest.approx(-1.0, abs=0.3)
    assert out.integrated_lufs == pytest.approx(measured.integrated_lufs + gain_db, abs=0.5)


def test_silence_is_measured_and_passed_through(sources: dict[str, Path], work: Path) -> None:
    measured = measure(sources["silent"])
    assert measured.is_silent
    plan = plan_loudnorm(measured)
    assert plan.mode == "silent"
    out = measure_output(render_audio(sources["silent"], plan, work / "silent.m4a"))
    assert out.integrated_lufs <= -70.0
    assert out.true_peak_dbtp == -120.0


def test_measure_meters_only_the_requested_span(sources: dict[str, Path]) -> None:
    # GIVEN a file quiet for 4 s then 16 dB louder
    whole = measure(sources["two_levels"])
    quiet = measure(sources["two_levels"], duration_s=3.5)
    loud = measure(sources["two_levels"], seek_s=4.5, duration_s=3.0)
    # THEN each span has its own level, 16 dB apart, and the whole file sits in between
    assert loud.integrated_lufs - quiet.integrated_lufs == pytest.approx(16.5, abs=1.0)
    assert quiet.integrated_lufs < whole.integrated_lufs <= loud.integrated_lufs + 0.5


def test_a_file_without_audio_is_a_media_error(work: Path) -> None:
    video_only = work / "video_only.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", f"{SMALL_VIDEO}:d=1", *X264, str(video_only)])
    with pytest.raises(MediaError):
        measure(video_only)


# --- poster and sprite sheet ---------------------------------------------------------------

STEP_SECONDS = 8
# Grey picture whose level steps up every second: 40, 60, ... 180.
STEPS = (
    f"color=c=black:s=320x180:r=10:d={STEP_SECONDS},format=gray,"
    "geq=lum='40+20*floor(T)',format=yuv420p"
)


@pytest.fixture(scope="module")
def steps(work: Path) -> Path:
    path = work / "steps.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", STEPS, *X264, "-g", "10", str(path)])
    return path


def grey_levels(image_or_video: Path, work: Path, scale: str = "1:1") -> bytes:
    """Mean luma of each frame (or of each cell when scaling a sheet down to its grid)."""
    raw = work / f"{image_or_video.stem}-{scale.replace(':', 'x')}.gray"
    run_ffmpeg(["-i", str(image_or_video), "-vf", f"scale={scale}:flags=area,format=gray",
                "-f", "rawvideo", str(raw)])  # fmt: skip
    return raw.read_bytes()


@pytest.fixture(scope="module")
def level_of_second(steps: Path, work: Path) -> list[float]:
    """The level each second of `steps` decodes to (10 frames per second)."""
    frames = grey_levels(steps, work)
    return [sum(frames[s * 10 : s * 10 + 10]) / 10 for s in range(STEP_SECONDS)]


def second_showing(level: float, level_of_second: list[float]) -> int:
    return min(range(len(level_of_second)), key=lambda s: abs(level_of_second[s] - level))


def video_stream(path: Path) -> dict[str, Any]:
    data = ffprobe_json(path, ["-show_entries", "stream=codec_name,width,height"])
    stream: dict[str, Any] = data["streams"][0]
    return stream


def test_default_poster_is_a_full_size_jpeg_from_the_middle(
    steps: Path, work: Path, level_of_second: list[float]
) -> None:
    out = work / "poster.jpg"
    poster(steps, out)
    assert video_stream(out) == {"codec_name": "mjpeg", "width": 320, "height": 180}
    shown = second_showing(grey_levels(out, work)[0], level_of_second)
    assert 1 <= shown < STEP_SECONDS - 1  # not the first or last second


def test_poster_at_a_time_shows_that_frame(
    steps: Path, work: Path, level_of_second: list[float]
) -> None:
    out = work / "poster-at.jpg"
    poster(steps, out, at_s=5.5)
    assert second_showing(grey_levels(out, work)[0], level_of_second) == 5


def test_poster_past_the_end_is_an_error_not_a_stale_file(steps: Path, work: Path) -> None:
    out = work / "poster-late.jpg"
    out.write_bytes(b"old")
    with pytest.raises(MediaError):
        poster(steps, out, at_s=STEP_SECONDS + 5)


def test_sprite_sheet_has_the_grid_size_and_tiles_in_time_order(
    steps: Path, work: Path, level_of_second: list[float]
) -> None:
    # GIVEN an 8 s video and 1 s tiles, 3 per row (3 rows, the last cell unused)
    duration_s = probe(steps).duration_s
    tiles = sprite_layout(duration_s, interval_s=1.0, tile_w=64, tile_h=36, columns=3)
    grid = sprite_grid(tiles)
    out = work / "sprite.jpg"
    # WHEN the sheet is drawn
    sprite_sheet(steps, out, tiles)
    # THEN it is a JPEG of exactly the grid, and tile i shows second i
    assert video_stream(out) == {"codec_name": "mjpeg", "width": 3 * 64, "height": 3 * 36}
    cells = grey_levels(out, work, f"{grid.columns}:{grid.rows}")
    for i, tile in enumerate(tiles):
        cell = cells[(tile.y // tile.h) * grid.columns + tile.x // tile.w]
        assert second_showing(cell, level_of_second) == i, f"tile {i}"
    # ...and its VTT covers the video from 0 to its duration
    vtt = webvtt(tiles, "sprite.jpg")
    assert vtt.count("sprite.jpg#xywh=") == len(tiles) == STEP_SECONDS
    assert vtt.splitlines()[2].startswith("00:00:00.000 --> ")
    assert f" --> 00:00:0{duration_s:.3f}\n" in vtt


# --- HLS -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clip_mp4(work: Path) -> Path:
    # 7 s at 30 fps with a keyframe every 2 s: three 2 s segments and a 1 s one.
    path = work / "clip.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=7", "-f", "lavfi",
         "-i", "sine=f=440:d=7:sample_rate=48000", *X264, "-g", "60", "-keyint_min", "60",
         "-sc_threshold", "0", *AAC, "-movflags", "+faststart", str(path)]
    )  # fmt: skip
    return path


def packet_sizes(target: Path, stream: str) -> list[int]:
    data = ffprobe_json(target, ["-select_streams", stream, "-show_entries", "packet=size"])
    return [int(p["size"]) for p in data["packets"]]


def test_hls_package_is_a_relative_vod_playlist_of_the_same_media(
    clip_mp4: Path, work: Path
) -> None:
    out_dir = work / "hls"
    playlist_path = package_hls(clip_mp4, out_dir, segment_s=2.0)
    playlist = m3u8.loads(playlist_path.read_text())

    assert playlist.playlist_type == "vod"
    assert playlist.is_endlist
    text = playlist_path.read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in text
    assert "#EXT-X-ENDLIST" in text
    uris = [s.uri for s in playlist.segments] + [m.uri for m in playlist.segment_map]
    assert all("/" not in uri and (out_dir / uri).is_file() for uri in uris)

    total_s = sum(s.duration for s in playlist.segments)
    assert total_s == pytest.approx(probe(clip_mp4).duration_s, abs=1 / 30)
    assert all(s.duration <= 2.0 + 1 / 30 for s in playlist.segments)

    # ffmpeg reads the package back, with the very packets it was given: no re-encode
    assert probe(playlist_path).duration_s == pytest.approx(probe(clip_mp4).duration_s, abs=0.1)
    assert packet_sizes(playlist_path, "v:0") == packet_sizes(clip_mp4, "v:0")
    assert packet_sizes(playlist_path, "a:0") == packet_sizes(clip_mp4, "a:0")
