"""analyze_media on small synthetic files made with lavfi at test time (160x90, 6 s).

The A/V file: a quiet tone with a loud burst in [2.0, 2.5); testsrc2 (moving) for 4 s, then
a hard cut to SMPTE bars (a still image) for 2 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from liveclips.media.analysis import MediaSignals, analyze_media
from liveclips.media.ffmpeg import LOUDNESS_STEP_S, MediaError, run_ffmpeg

DURATION_S = 6
BURST_S = 2.0
CUT_S = 4
TONE = "aevalsrc='if(between(t,2,2.5),0.9,0.01)*sin(2*PI*440*t)':s=48000:d=6"
VIDEO = (
    "testsrc2=s=160x90:r=25:d=4[moving];smptebars=s=160x90:r=25:d=2[still];"
    "[moving][still]concat=n=2:v=1:a=0[v]"
)
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("analysis")
    files = {name: work / name for name in ("av.mp4", "av.ts", "audio.m4a", "video.mp4")}
    run_ffmpeg(
        [
            "-f", "lavfi", "-i", TONE, "-filter_complex", VIDEO,
            "-map", "[v]", "-map", "0:a", *X264, "-c:a", "aac", str(files["av.mp4"]),
        ]
    )  # fmt: skip
    source = str(files["av.mp4"])
    run_ffmpeg(["-i", source, "-c", "copy", "-output_ts_offset", "10", str(files["av.ts"])])
    run_ffmpeg(["-i", source, "-vn", "-c", "copy", str(files["audio.m4a"])])
    run_ffmpeg(["-i", source, "-an", "-c", "copy", str(files["video.mp4"])])
    return files


@pytest.fixture(scope="module")
def av(media: dict[str, Path]) -> MediaSignals:
    return analyze_media(media["av.mp4"])


def first_loud(signals: MediaSignals) -> int:
    """Index of the first momentary value 15 LU above the tone before the burst."""
    quiet = max(signals.momentary_lufs[: int(BURST_S / LOUDNESS_STEP_S) - 4])
    return next(i for i, v in enumerate(signals.momentary_lufs) if v >= quiet + 15)


def test_one_bin_per_second_of_the_file(av: MediaSignals) -> None:
    assert av.duration_s == pytest.approx(DURATION_S, abs=0.05)
    assert len(av.loudness) == len(av.scene) == len(av.motion) == DURATION_S
    assert len(av.momentary_lufs) == pytest.approx(DURATION_S / LOUDNESS_STEP_S, abs=1)
    assert set(av.per_second()) == set(range(DURATION_S))
    assert set(av.per_second()[0]) == {"loudness", "scene", "motion"}


def test_loud_burst_shows_up_in_its_second_and_at_its_tenth(av: MediaSignals) -> None:
    burst = av.loudness[int(BURST_S)]
    rest = [v for t, v in enumerate(av.loudness) if t != int(BURST_S)]
    assert burst >= max(rest) + 15
    assert first_loud(av) * LOUDNESS_STEP_S == pytest.approx(BURST_S, abs=0.3)


def test_hard_cut_scores_high_in_its_second_only(av: MediaSignals) -> None:
    assert av.scene[CUT_S] >= 0.2
    assert all(v < 0.05 for t, v in enumerate(av.scene) if t != CUT_S)
    assert all(0.0 <= v <= 1.0 for v in (*av.scene, *av.motion))


def test_moving_content_has_more_motion_than_a_still_image(av: MediaSignals) -> None:
    moving, still = av.motion[1:CUT_S], av.motion[CUT_S + 1 :]
    assert min(moving) > 0.001
    assert max(still) < 0.0005
    assert min(moving) > 10 * max(still)


def test_nonzero_start_pts_still_starts_at_second_zero(
    media: dict[str, Path], av: MediaSignals
) -> None:
    ts = analyze_media(media["av.ts"])
    assert len(ts.loudness) == DURATION_S
    assert max(range(DURATION_S), key=ts.loudness.__getitem__) == int(BURST_S)
    assert max(range(DURATION_S), key=ts.scene.__getitem__) == CUT_S
    # MPEG-TS keeps the AAC priming samples that MP4 trims, so allow one 0.1 s step.
    assert first_loud(ts) == pytest.approx(first_loud(av), abs=1)


def test_audio_only_file_has_loudness_and_no_picture_signals(
    media: dict[str, Path], av: MediaSignals
) -> None:
    audio = analyze_media(media["audio.m4a"])
    assert not audio.has_video
    assert audio.loudness == pytest.approx(av.loudness, abs=0.1)
    assert audio.scene == audio.motion == (0.0,) * DURATION_S
    assert all(set(values) == {"loudness"} for values in audio.per_second().values())


def test_video_only_file_has_picture_signals_and_no_loudness(
    media: dict[str, Path], av: MediaSignals
) -> None:
    video = analyze_media(media["video.mp4"])
    assert not video.has_audio
    assert video.momentary_lufs == ()
    assert video.scene == pytest.approx(av.scene)
    assert all(set(values) == {"scene", "motion"} for values in video.per_second().values())


def test_a_file_that_is_not_media_raises_with_ffmpegs_reason(tmp_path: Path) -> None:
    junk = tmp_path / "notes.mp4"
    junk.write_text("this is not a video\n")
    with pytest.raises(MediaError, match="Invalid data found when processing input"):
        analyze_media(junk)
    with pytest.raises(MediaError, match="No such file or directory"):
        analyze_media(tmp_path / "missing.mp4")
