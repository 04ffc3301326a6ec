"""Subject tracking and reframing on short synthetic videos made with lavfi at test time.

The box video (640x360, 25 fps, 8 s): a noisy gray picture with a white 40x40 box at
x=60 for 2 s, gliding right at 120 px/s for 4 s, then resting at x=540 for 2 s. Its 9:16
crop is 202x360 (360 * 9 / 16 = 202.5, floored to even), scaled to 360x640 for output, where
the box is 40 * 360 / 202 = 71 px wide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from matplotlib import cbook

from liveclips.domain.reframe import CropPath, CropWindow, crop_filter, crop_window, plan_crop_path
from liveclips.media.ffmpeg import ffmpeg_stdout, run_ffmpeg
from liveclips.media.subject import FACE_CONFIDENCE, Frame, subject_samples, track_subject

W, H, FPS, DURATION_S = 640, 360, 25, 8.0
BOX = 40
BOX_X = "if(lt(t,2),60,if(lt(t,6),60+(t-2)*120,540))"
OUT_W, OUT_H = 360, 640
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]
BRIGHT = 200  # the box is Y=235; the noisy gray background stays below ~160


def box_centre(t: float) -> float:
    """Centre of the box in source pixels at t (the same function as BOX_X)."""
    left = 60.0 if t < 2 else 60 + (t - 2) * 120 if t < 6 else 540.0
    return left + BOX / 2


@pytest.fixture(scope="module")
def box_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("subject") / "box.mp4"
    run_ffmpeg(
        [
            "-f", "lavfi", "-i", f"color=c=gray:s={W}x{H}:r={FPS}:d={DURATION_S}",
            "-f", "lavfi", "-i", f"color=c=white:s={BOX}x{BOX}:r={FPS}:d={DURATION_S}",
            "-filter_complex",
            f"[0:v]noise=alls=6:allf=t[bg];[bg][1:v]overlay=x='{BOX_X}':y=160:shortest=1[v]",
            "-map", "[v]", *X264, str(target),
        ]
    )  # fmt: skip
    return target


def y_planes(args: Sequence[str], width: int, height: int) -> np.ndarray:
    """Luma of every frame ffmpeg renders with `args` (raw yuv420p to stdout)."""
    raw = ffmpeg_stdout([*args, "-pix_fmt", "yuv420p", "-f", "rawvideo", "-"])
    size = width * height * 3 // 2
    frames = np.frombuffer(raw, np.uint8).reshape(-1, size)
    return frames[:, : width * height].reshape(-1, height, width)


def box_fully_visible(
    video: Path, vf: str, *, seek_s: float = 0.0, duration_s: float = DURATION_S
) -> float:
    """Share of output frames showing at least 90% of the box's width."""
    cut = ["-ss", f"{seek_s:.3f}", "-t", f"{duration_s:.3f}", "-i", str(video)]
    frames = y_planes([*cut, "-filter_complex", f"[0:v]{vf}[v]", "-map", "[v]"], OUT_W, OUT_H)
    assert len(frames) == round(FPS * duration_s)
    bright_columns = (frames > BRIGHT).any(axis=1).sum(axis=1)
    return float(np.mean(bright_columns >= 0.9 * BOX * OUT_W / 202))


def test_samples_follow_the_moving_box(box_video: Path) -> None:
    # WHEN the 8 s video is sampled at 4 per second
    samples = subject_samples(box_video, seek_s=0.0, duration_s=DURATION_S)
    assert [s.t_s for s in samples] == [k / 4 for k in range(32)]
    # THEN while the box glides, every sample is confident and within 16 px of it
    gliding = [s for s in samples if 2.25 <= s.t_s <= 5.75]
    assert len(gliding) == 15
    for s in gliding:
        assert s.confidence >= 0.3, s
        assert abs(s.x * W - box_centre(s.t_s)) <= 16, (s, box_centre(s.t_s))
    # AND while it rests, nothing stands out (noise is not motion): low confidence
    resting = [s for s in samples if s.t_s <= 1.75 or s.t_s >= 6.5]
    assert all(s.confidence < 0.3 for s in resting), resting


def test_a_quarter_size_rendition_places_the_subject_where_the_full_one_does(
    box_video: Path, tmp_path: Path
) -> None:
    # GIVEN the same video at 160x90, as a small IVS rendition carries it
    small = tmp_path / "small.mp4"
    run_ffmpeg(["-i", str(box_video), "-vf", "scale=160:90", *X264, str(small)])
    # WHEN both are sampled
    full = subject_samples(box_video, seek_s=0.0, duration_s=DURATION_S)
    quarter = subject_samples(small, seek_s=0.0, duration_s=DURATION_S)
    # THEN the small one finds the gliding box at the same place, as a width fraction
    assert [s.t_s for s in quarter] == [s.t_s for s in full]
    gliding = [(f, q) for f, q in zip(full, quarter, strict=True) if 2.25 <= f.t_s <= 5.75]
    assert all(q.confidence >= 0.3 and abs(q.x - f.x) <= 0.03 for f, q in gliding), gliding


def test_samples_after_a_seek_are_clip_relative(box_video: Path) -> None:
    # WHEN only [3, 5) is sampled
    samples = subject_samples(box_video, seek_s=3.0, duration_s=2.0)
    # THEN t_s counts from the seek point and x is where the box was then
    assert [s.t_s for s in samples] == [k / 4 for k in range(8)]
    for s in samples[1:]:  # the first sample has no previous frame to difference
        assert abs(s.x * W - box_centre(3.0 + s.t_s)) <= 16, s


def test_the_rendered_vertical_clip_keeps_the_box_in_frame(box_video: Path) -> None:
    # GIVEN the crop path planned from the box's samples
    window = crop_window(W, H, 9, 16)
    assert window == CropWindow(202, 360)
    samples = subject_samples(box_video, seek_s=0.0, duration_s=DURATION_S)
    path = plan_crop_path(samples, W, H, window, DURATION_S)
    # WHEN it is rendered the way the clip renderer does: crop, then scale to 9:16
    followed = box_fully_visible(box_video, f"{crop_filter(path)},scale={OUT_W}:{OUT_H}")
    # THEN the whole box is in the picture in nearly every frame
    assert followed >= 0.9, followed
    # AND a blind centre crop, the thing this replaces, loses it most of the time
    centred = box_fully_visible(box_video, f"crop={window.width}:{window.height},scale=360:640")
    assert centred < 0.5, centred


def test_a_clip_cut_from_the_middle_is_cropped_on_its_own_clock(box_video: Path) -> None:
    # GIVEN a clip [3, 7) of the video: the box glides through most of it
    window = crop_window(W, H, 9, 16)
    samples = subject_samples(box_video, seek_s=3.0, duration_s=4.0)
    path = plan_crop_path(samples, W, H, window, 4.0)
    # WHEN it is cut with an input seek and cropped in the same ffmpeg run
    vf = f"{crop_filter(path)},scale={OUT_W}:{OUT_H}"
    # THEN the crop's t starts at the cut, so the box stays in the picture
    assert box_fully_visible(box_video, vf, seek_s=3.0, duration_s=4.0) >= 0.9
    # AND the same path on the uncut video's clock (3 s late) would lose it
    late = CropPath(window, tuple((t + 3.0, x) for t, x in path.keyframes))
    late_vf = f"{crop_filter(late)},scale={OUT_W}:{OUT_H}"
    assert box_fully_visible(box_video, late_vf, seek_s=3.0, duration_s=4.0) < 0.9


def test_ffmpeg_evaluates_the_crop_expression_as_planned(tmp_path: Path) -> None:
    # GIVEN a picture whose luma says its own column (Y = x / 4) and a path with pans
    # of uneven lengths both ways
    path = CropPath(CropWindow(404, 72), ((0.5, 100), (2.25, 700), (7.0, 300), (9.5, 876)))
    source = "nullsrc=s=1280x72:r=10:d=10,geq=lum='X/4':cb=128:cr=128,format=yuv420p"
    # WHEN ffmpeg crops it with crop_filter, passed as one argument (no shell)
    frames = y_planes(["-f", "lavfi", "-i", source, "-vf", crop_filter(path)], 404, 72)
    # THEN the left column of every frame is where the path put the crop's left edge
    # (ffmpeg rounds x and then floors it to even for 4:2:0; the ramp's unit is 4 px)
    assert len(frames) == 100
    for n, frame in enumerate(frames):
        assert abs(4 * int(frame[36, 0]) - path.left_at(n / 10)) <= 6, n / 10


# --- faces ------------------------------------------------------------------------------

PHOTO = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
PHOTO_H = 400
PHOTO_W = 342  # 512x600 scaled to 400 high: 341.3, made even by scale=-2
FACE_IN_PHOTO = 265 / 512  # the nose, read off the 512 px wide photo


def photo_left(t: float) -> float:
    return 850 + 50 * math.sin(t)


def test_a_face_outweighs_motion_elsewhere(tmp_path: Path) -> None:
    # GIVEN a portrait drifting on the right of a 1280x720 picture while a white box
    # runs back and forth on the left
    video = tmp_path / "face.mp4"
    run_ffmpeg(
        [
            "-f", "lavfi", "-i", "color=c=gray:s=1280x720:r=25:d=6",
            "-loop", "1", "-framerate", "25", "-i", str(PHOTO),
            "-f", "lavfi", "-i", "color=c=white:s=80x80:r=25:d=6",
            "-filter_complex",
            f"[1:v]scale=-2:{PHOTO_H}[p];[0:v][p]overlay=x='850+50*sin(t)':y=160[bg];"
            "[bg][2:v]overlay=x='200+150*sin(2*t)':y=300:shortest=1[v]",
            "-map", "[v]", *X264, str(video),
        ]
    )  # fmt: skip
    # WHEN it is sampled
    samples = subject_samples(video, seek_s=0.0, duration_s=6.0)
    # THEN nearly all samples are the face, within 2% of the width of the nose
    faces = [s for s in samples if s.confidence == FACE_CONFIDENCE]
    assert len(faces) >= 0.8 * len(samples), samples
    for s in faces:
        expected = photo_left(s.t_s) + FACE_IN_PHOTO * PHOTO_W
        assert abs(s.x * 1280 - expected) <= 0.02 * 1280, (s, expected)


def test_the_largest_face_wins_and_faces_are_searched_twice_a_second() -> None:
    # GIVEN frames where something moves on the right, and a face finder that reports a
    # small face on the right and a large one on the left
    frames: list[Frame] = [np.zeros((180, 320), np.uint8) for _ in range(8)]
    for k, frame in enumerate(frames):
        frame[80:100, 250 + 4 * k : 270 + 4 * k] = 255
    calls: list[int] = []

    def finder(frame: Frame) -> list[tuple[int, int, int, int]]:
        calls.append(1)
        return [(260, 20, 24, 24), (40, 30, 60, 60)]

    # WHEN the frames are tracked at 4 per second
    samples = track_subject(frames, 4.0, find_faces=finder)
    # THEN every sample is the large face's centre (40 + 60 / 2 = 70 of 320)
    assert [s.x for s in samples] == [70 / 320] * 8
    assert all(s.confidence == FACE_CONFIDENCE for s in samples)
    # AND faces were searched in every other frame only
    assert len(calls) == 4


def test_without_faces_the_motion_decides_and_stillness_is_unsure() -> None:
    # GIVEN a box moving on the right for 4 frames, then resting
    frames: list[Frame] = [np.full((180, 320), 100, np.uint8) for _ in range(8)]
    for k, frame in enumerate(frames):
        step = min(k, 4)
        frame[80:100, 250 + 4 * step : 270 + 4 * step] = 255
    samples = track_subject(frames, 4.0, find_faces=lambda frame: [])
    # THEN moving samples sit on the box (old and new place: 262..266 of 320)
    for s in samples[1:5]:
        assert 250 / 320 < s.x < 290 / 320 and s.confidence > 0.5, s
    # AND the first (nothing to compare) and resting ones are the centre, confidence 0
    for s in [samples[0], *samples[5:]]:
        assert (s.x, s.confidence) == (0.5, 0.0), s
