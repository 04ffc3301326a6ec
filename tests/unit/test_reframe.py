"""The crop planner (liveclips/domain/reframe.py): window sizes, calm paths, and the ffmpeg
expression.

Most cases use a 1280x720 source and its 9:16 crop, 404x720 (720 * 9 / 16 = 405, floored
to even), whose left edge may range over 0..876 and is 202 px left of the crop's centre.
Default pan limits: 0.75 crop widths/s = 303 px/s, reached in 2 s.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.reframe import (
    CropPath,
    CropWindow,
    SubjectSample,
    crop_filter,
    crop_window,
    plan_crop_path,
)

SOURCE_W, SOURCE_H = 1280, 720
WINDOW = CropWindow(404, 720)
HALF = WINDOW.width / 2
HIGHEST = SOURCE_W - WINDOW.width  # 876
MAX_SPEED_PX = 0.75 * WINDOW.width  # the default speed limit, in px/s
FPS = 4.0


def left_of(x: float) -> float:
    """Where the crop's left edge goes to centre a subject at fraction x, inside the frame."""
    return min(max(x * SOURCE_W - HALF, 0.0), HIGHEST)


def samples(xs: Sequence[float], confidence: float | Sequence[float] = 0.9) -> list[SubjectSample]:
    confidences = [confidence] * len(xs) if isinstance(confidence, float) else confidence
    return [
        SubjectSample(i / FPS, x, c) for i, (x, c) in enumerate(zip(xs, confidences, strict=True))
    ]


def plan(xs: Sequence[float], confidence: float | Sequence[float] = 0.9) -> CropPath:
    return plan_crop_path(samples(xs, confidence), SOURCE_W, SOURCE_H, WINDOW, len(xs) / FPS)


def lefts(path: CropPath, duration_s: float, rate: float = 20.0) -> np.ndarray:
    return np.array([path.left_at(t) for t in np.arange(0.0, duration_s, 1 / rate)])


def piece_speeds(path: CropPath) -> list[float]:
    """Speed of each linear piece, with the still crop before and after (0 px/s)."""
    pieces = pairwise(path.keyframes)
    return [0.0, *((x1 - x0) / (t1 - t0) for (t0, x0), (t1, x1) in pieces), 0.0]


# --- crop_window ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "aspect", "expected"),
    [
        ((1280, 720), (9, 16), (404, 720)),  # 720*9/16 = 405 -> even 404
        ((1920, 1080), (9, 16), (606, 1080)),  # 1080*9/16 = 607.5 -> 607 -> even 606
        ((1280, 720), (1, 1), (720, 720)),
        ((1280, 720), (16, 9), (1280, 720)),  # same aspect: the whole picture
        ((1280, 720), (4, 3), (960, 720)),  # 720*4/3 = 960 exactly
        ((641, 361), (9, 16), (202, 360)),  # odd height -> 360; 360*9/16 = 202.5 -> 202
        ((720, 1280), (1, 1), (720, 720)),  # portrait source: the width limits
        ((720, 1280), (16, 9), (720, 404)),  # 720*9/16 = 405 -> even 404
    ],
)
def test_crop_window_is_the_largest_even_crop_of_the_aspect(
    source: tuple[int, int], aspect: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert crop_window(*source, *aspect) == CropWindow(*expected)


@given(st.integers(16, 4000), st.integers(16, 4000), st.integers(1, 21), st.integers(1, 21))
def test_crop_window_fills_one_side_and_keeps_the_aspect(
    source_w: int, source_h: int, aspect_w: int, aspect_h: int
) -> None:
    try:
        window = crop_window(source_w, source_h, aspect_w, aspect_h)
    except ValueError:  # e.g. 1:21 inside 16 px wide: under 2 px tall
        return
    assert window.width % 2 == 0 and window.height % 2 == 0
    assert window.width <= source_w and window.height <= source_h
    # One side is the whole (even) source side; the other is the exact aspect floored to
    # even, so it is at most 2 px short of it.
    if window.height == source_h - source_h % 2:
        ideal = window.height * aspect_w / aspect_h
        assert ideal - 2 < window.width <= ideal
    else:
        assert window.width == source_w - source_w % 2
        ideal = window.width * aspect_h / aspect_w
        assert ideal - 2 < window.height <= ideal


# --- plan_crop_path ---------------------------------------------------------------------


def test_a_still_subject_gives_one_still_keyframe() -> None:
    # GIVEN a subject standing at 30% of the width for 20 s
    path = plan([0.3] * 80)
    # THEN the crop centres it (0.3 * 1280 - 202 = 182) and never moves
    assert path.keyframes == ((0.0, 182),)
    assert crop_filter(path) == "crop=404:720:x='182':y=(ih-oh)/2"


def test_a_subject_swaying_inside_the_dead_zone_does_not_move_the_crop() -> None:
    # GIVEN a subject swaying +-40 px (less than the 81 px dead zone) around 0.6
    xs = [0.6 + 40 / SOURCE_W * math.sin(i / 3) for i in range(120)]
    path = plan(xs)
    # THEN one position, within the sway of where the subject stands
    assert len(path.keyframes) == 1
    assert abs(path.keyframes[0][1] - left_of(0.6)) <= 40


def test_a_jump_is_followed_by_a_bounded_eased_pan_that_does_not_overshoot() -> None:
    # GIVEN a subject at 0.2 for 5 s, then at 0.8 for 15 s
    path = plan([0.2] * 20 + [0.8] * 60)
    start, end = left_of(0.2), left_of(0.8)  # 54 -> 822
    speeds = piece_speeds(path)
    # THEN the pan never exceeds the speed limit (+1 px/s of rounding)
    assert max(abs(v) for v in speeds) <= MAX_SPEED_PX + 1
    # AND eases in and out: speed changes by at most half the limit per keyframe
    # (full speed is reached in 2 s, keyframes are 1 s apart)
    assert max(abs(b - a) for a, b in pairwise(speeds)) <= (MAX_SPEED_PX / 2 + 1)
    # AND it only ever moves towards the subject, stopping exactly on it
    positions = lefts(path, 20.0)
    assert positions[0] == start
    assert np.all(np.diff(positions) >= 0)
    assert positions.max() == end
    # AND it got there as fast as the limits allow: 768 px at <= 303 px/s with 2 s ramps
    # takes ~4 s, so 6 s after the jump it is there
    assert path.left_at(11.0) == end


def test_the_pan_speed_limit_holds_when_the_ramp_would_allow_more() -> None:
    # GIVEN a jump across the whole picture and a ramp short enough that acceleration
    # alone would not keep the speed down
    xs = [0.05] * 20 + [0.95] * 60
    path = plan_crop_path(samples(xs), SOURCE_W, SOURCE_H, WINDOW, 20.0, ramp_s=0.5)
    speeds = piece_speeds(path)
    # THEN the pan cruises at the limit and not above it
    assert max(abs(v) for v in speeds) == pytest.approx(MAX_SPEED_PX, abs=1)


@pytest.mark.parametrize(
    ("away_s", "back_to"),
    [(2.0, 0.1), (1.0, 0.55)],
    ids=["turns-back", "stops-short"],
)
def test_a_subject_changing_course_mid_pan_is_not_braked_for_abruptly(
    away_s: float, back_to: float
) -> None:
    # GIVEN a subject that heads for the right edge and, while the crop is still panning,
    # turns back (or stops halfway), seen through a short median so the turn is abrupt
    xs = [0.1] * 20 + [0.9] * round(away_s * FPS) + [back_to] * round((15 - away_s) * FPS)
    path = plan_crop_path(samples(xs), SOURCE_W, SOURCE_H, WINDOW, 20.0, median_s=0.5)
    speeds = piece_speeds(path)
    # THEN the crop changes course within the bounds: speed limit, eased speed changes...
    assert max(abs(v) for v in speeds) <= MAX_SPEED_PX + 1
    assert max(abs(b - a) for a, b in pairwise(speeds)) <= MAX_SPEED_PX / 2 + 1
    # ... and the picture: the price is a drift past where the subject stopped, but never
    # past where it had gone
    positions = lefts(path, 20.0)
    assert positions.min() >= 0
    assert positions.max() <= left_of(0.9)
    # AND it did head right, and settles back on the subject (within half the dead zone)
    assert positions.max() > left_of(0.1) + 300
    assert abs(path.left_at(20.0) - left_of(back_to)) <= 0.1 * WINDOW.width


def test_a_subject_beyond_the_reach_of_the_crop_counts_as_at_its_edge() -> None:
    # GIVEN a subject at the right border, or just where the crop is flush right
    # (0.8422 * 1280 - 202 = 876), then walking back to the centre
    flush = (HIGHEST + HALF) / SOURCE_W
    border = plan([0.99] * 20 + [0.5] * 60)
    edge = plan([flush] * 20 + [0.5] * 60)
    # THEN the crop leaves the edge at the same moment and speed in both cases
    assert border.keyframes == edge.keyframes
    assert border.keyframes[0][1] == HIGHEST
    assert border.keyframes[0][0] <= 5.0


def test_a_subject_at_the_edges_keeps_the_crop_inside_the_picture() -> None:
    # GIVEN a subject hugging the left edge, then the right edge
    path = plan([0.01] * 40 + [0.99] * 40)
    positions = lefts(path, 20.0)
    # THEN the crop goes from flush left to flush right and no further
    assert positions.min() == 0
    assert positions.max() == HIGHEST
    assert all(0 <= x <= HIGHEST for _, x in path.keyframes)


def test_a_walking_subject_stays_inside_the_crop() -> None:
    # GIVEN a subject walking from 0.15 to 0.85 of the width in 20 s (45 px/s)
    xs = list(np.linspace(0.15, 0.85, 80))
    path = plan(xs)
    # THEN at every sample the subject's centre is well inside the crop
    for sample in samples(xs):
        offset = sample.x * SOURCE_W - (path.left_at(sample.t_s) + HALF)
        assert abs(offset) < 0.35 * WINDOW.width, sample
    # AND the crop moved (the test would pass for a crop too wide to need moving otherwise)
    assert path.keyframes[-1][1] - path.keyframes[0][1] > 600


def test_jittery_samples_give_a_much_calmer_path() -> None:
    # GIVEN a subject near the centre whose detections jitter by sigma = 64 px
    rng = np.random.default_rng(7)
    xs = list(np.clip(0.5 + rng.normal(0.0, 0.05, 240), 0.0, 1.0))
    path = plan(xs)
    # THEN the crop moves far less than the detections do
    noisy = np.array([left_of(x) for x in xs])
    calm = lefts(path, 60.0)
    assert calm.std() < 0.1 * noisy.std()
    # AND it is mostly still: at most a few short moves in a minute
    assert len(path.keyframes) <= 10


def test_unsure_samples_are_ignored_and_the_crop_holds() -> None:
    # GIVEN a confident subject at 0.3, with unsure "detections" at 0.9 in between
    xs = [0.3, 0.9] * 40
    confidences = [0.9, 0.1] * 40
    # THEN the unsure ones do not move the crop
    assert plan(xs, confidences).keyframes == ((0.0, 182),)


def test_losing_the_subject_holds_the_last_position() -> None:
    # GIVEN a subject at 0.3 for 10 s, then nothing detected (centre, confidence 0)
    path = plan([0.3] * 40 + [0.5] * 40, [0.9] * 40 + [0.0] * 40)
    # THEN the crop stays where the subject was
    assert path.keyframes == ((0.0, 182),)


def test_a_subject_found_late_is_framed_from_the_start() -> None:
    # GIVEN nothing detected for 5 s, then a subject at 0.7
    path = plan([0.5] * 20 + [0.7] * 60, [0.0] * 20 + [0.9] * 60)
    # THEN the crop does not start in the centre and pan: it starts on the subject
    assert path.keyframes == ((0.0, round(0.7 * SOURCE_W - HALF)),)


def test_nothing_detected_at_all_gives_the_centre_crop() -> None:
    path = plan([0.5] * 40, 0.0)
    assert path.keyframes == ((0.0, HIGHEST // 2),)


def test_keyframes_stay_at_most_one_per_second_for_a_restless_subject() -> None:
    # GIVEN a two-minute clip where the subject jumps somewhere new every half second
    rng = np.random.default_rng(3)
    xs = list(np.repeat(rng.uniform(0.0, 1.0, 240), 2))
    path = plan(xs)
    # THEN keyframes are at least 1 s apart, so the expression has <= 1 term per second
    times = [t for t, _ in path.keyframes]
    assert min(np.diff(times)) >= 1.0
    assert len(path.keyframes) <= 121
    assert len(crop_filter(path)) < 30 * len(path.keyframes) + 40


# --- crop_filter ------------------------------------------------------------------------

_FILTER = re.compile(r"crop=(\d+):(\d+):x='([^']*)':y=\(ih-oh\)/2")
_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate(expression: str, t: float) -> float:
    """A tiny evaluator of the ffmpeg expression subset: numbers, t, + - * /, clip()."""

    def value(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id == "t":
            return t
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "clip" and len(node.args) == 3:
            x, lo, hi = (value(a) for a in node.args)
            return min(max(x, lo), hi)
        raise AssertionError(f"not in the expected ffmpeg subset: {ast.dump(node)}")

    return value(ast.parse(expression, mode="eval").body)


def split_filter(text: str) -> tuple[int, int, str]:
    match = _FILTER.fullmatch(text)
    assert match, text
    return int(match[1]), int(match[2]), match[3]


def test_the_crop_expression_follows_the_path_at_every_instant() -> None:
    # GIVEN a path with pans both ways and a still stretch in between
    path = plan([0.2] * 20 + [0.8] * 40 + [0.5] * 40)
    assert len(path.keyframes) > 4
    width, height, expression = split_filter(crop_filter(path))
    assert (width, height) == (404, 720)
    # THEN evaluated like ffmpeg does, it is the path, before, during and after the pans
    for t in np.arange(-1.0, 27.0, 0.05):
        assert evaluate(expression, t) == pytest.approx(path.left_at(t), abs=1e-6), t


@pytest.mark.parametrize(
    "keyframes",
    [
        ((0.0, 120),),
        ((0.5, 100), (2.25, 700), (7.0, 300), (8.0, 300), (9.5, 876)),
        ((0.0, 0), (3.0, 876)),
    ],
)
def test_the_crop_expression_matches_any_path(keyframes: tuple[tuple[float, int], ...]) -> None:
    # GIVEN pieces of uneven lengths, starting at and after 0, one of them still
    path = CropPath(WINDOW, keyframes)
    _, _, expression = split_filter(crop_filter(path))
    # THEN the expression is the linear interpolation, held before and after
    for t in np.arange(-1.0, 11.0, 0.05):
        assert evaluate(expression, t) == pytest.approx(path.left_at(t), abs=1e-6), t


def test_the_crop_filter_needs_no_escaping_beyond_its_quotes() -> None:
    # GIVEN a busy path (many pieces, both directions)
    rng = np.random.default_rng(5)
    path = plan(list(np.repeat(rng.uniform(0.0, 1.0, 60), 4)))
    text = crop_filter(path)
    _, _, expression = split_filter(text)
    # THEN the quoted expression holds nothing that ends a quote, escapes or splits options
    assert not set(expression) & set("'\\:;[] ")
    # AND outside the quotes nothing splits the filter graph
    assert not set(re.sub(r"'[^']*'", "", text)) & set(",;[] ")
    # AND it is flat: no nesting for ffmpeg's expression parser to run out of depth on
    assert "if(" not in expression
    assert expression.count("(") <= 2 * expression.count("clip(")


def test_a_crop_path_refuses_unordered_keyframes() -> None:
    with pytest.raises(ValueError, match="increase"):
        CropPath(WINDOW, ((1.0, 10), (1.0, 20)))
    with pytest.raises(ValueError, match="at least one"):
        CropPath(WINDOW, ())
