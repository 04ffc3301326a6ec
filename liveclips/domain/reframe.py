"""Where a vertical (or square) crop of a landscape picture sits over time.

AutoFlip's rule of thumb, made explicit: the crop stays still while the subject stays
roughly in its middle, and when the subject leaves that zone the crop pans to re-centre
it, with bounded speed and eased starts and stops, never past a subject that stays put
and never outside the picture. The whole clip is known before rendering, so the targets
may look ahead in time (the subject's position is a median centred on each instant).

Why a dead zone with a kinematic pan rather than a generic low-pass (EMA, Kalman, splines):
a low-pass filter still moves a little all the time, and a crop that drifts by a few
pixels reads as shake on a phone; a dead zone gives exactly still shots, and the speed and
acceleration bounds are what viewers perceive as a calm camera. The L1-optimal path of
Grundmann et al. (the YouTube stabiliser) would give the same still/linear shape but needs
an LP solver for no visible gain at one keyframe per second.

The path is planned on a grid of `step_s` (1 s): ffmpeg interpolates linearly between
keyframes, so a pan is a handful of straight pieces and the crop expression stays short.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

CENTRE = 0.5


@dataclass(frozen=True)
class SubjectSample:
    t_s: float  # clip-relative seconds
    x: float  # horizontal centre of the subject, fraction 0..1 of the source width
    confidence: float  # 0..1; near 0 means "nothing stood out, x is a guess"


@dataclass(frozen=True)
class CropWindow:
    width: int
    height: int


@dataclass(frozen=True)
class CropPath:
    """The crop's left edge in source pixels, linear between keyframes (time s, left px).

    Before the first keyframe and after the last, the crop holds still, so a path that
    never moves is one keyframe.
    """

    window: CropWindow
    keyframes: tuple[tuple[float, int], ...]

    def __post_init__(self) -> None:
        if not self.keyframes:
            raise ValueError("a crop path needs at least one keyframe")
        times = [t for t, _ in self.keyframes]
        if any(b <= a for a, b in pairwise(times)):
            raise ValueError(f"keyframe times must increase: {times}")

    def left_at(self, t_s: float) -> float:
        """The crop's left edge at `t_s`, as ffmpeg evaluates it before its own rounding."""
        times = [t for t, _ in self.keyframes]
        lefts = [float(x) for _, x in self.keyframes]
        return float(np.interp(t_s, times, lefts))


def crop_window(source_w: int, source_h: int, aspect_w: int, aspect_h: int) -> CropWindow:
    """The largest aspect_w:aspect_h crop inside the source, both sides even (yuv420p).

    Flooring to even sizes can leave the crop a fraction of a percent off the exact
    aspect (1280x720 -> 9:16 is 404x720, not 405x720); the scaler absorbs it.
    """
    if min(source_w, source_h, aspect_w, aspect_h) <= 0:
        raise ValueError("sizes and aspect must be positive")
    # Integer cross-multiplication: 16:9 on 1280x720 must come out exact, not 1279 wide.
    if source_w * aspect_h >= source_h * aspect_w:  # source is wider: keep its height
        height = _even(source_h)
        width = _even(height * aspect_w // aspect_h)
    else:
        width = _even(source_w)
        height = _even(width * aspect_h // aspect_w)
    if width < 2 or height < 2:
        raise ValueError(f"no {aspect_w}:{aspect_h} crop fits in {source_w}x{source_h}")
    return CropWindow(width, height)


def plan_crop_path(
    samples: Sequence[SubjectSample],
    source_w: int,
    source_h: int,
    window: CropWindow,
    duration_s: float,
    *,
    min_confidence: float = 0.3,
    dead_zone: float = 0.2,
    max_speed: float = 0.75,
    ramp_s: float = 2.0,
    step_s: float = 1.0,
    median_s: float = 2.0,
) -> CropPath:
    """Plan where the crop sits so that it follows the subject calmly.

    - min_confidence: samples below it are ignored; the crop holds where the last
      trusted sample put it (before the first one: where the first one will put it;
      with none at all: the centre). 0.3 keeps faces and concentrated motion and drops
      scattered motion (see liveclips/media/subject.py).
    - dead_zone: how far (fraction of the crop width, either side of its centre) the
      subject may wander before the crop moves; 0.2 lets a head turn or a lean pass.
    - max_speed: pan speed limit in crop widths per second; the crop width is what the
      viewer sees, so this is the speed the picture appears to slide at. 0.75 is about
      an operator following someone walking (9:16 of 720p: 303 px/s).
    - ramp_s: time to reach full pan speed from rest (and to stop from it).
    - step_s: keyframe spacing, which bounds the expression to one term per step.
    - median_s: width of the window the subject's position is the median over; it
      removes detector noise and one-off false detections (a stray Haar hit).
    """
    if window.width > source_w or window.height > source_h:
        raise ValueError(f"{window} does not fit in {source_w}x{source_h}")
    if duration_s <= 0 or step_s <= 0 or max_speed <= 0 or ramp_s <= 0:
        raise ValueError("duration_s, step_s, max_speed and ramp_s must be positive")
    highest = source_w - window.width
    if highest == 0:
        return CropPath(window, ((0.0, 0),))

    times = _grid(duration_s, step_s)
    goals = _goals(
        samples,
        times,
        reach=lambda x: min(max(x * source_w - window.width / 2, 0.0), float(highest)),
        median_s=median_s,
        floor=min_confidence,
    )
    lefts = _follow(
        times,
        goals,
        highest=highest,
        dead_zone_px=dead_zone * window.width,
        max_speed_px=max_speed * window.width,
        accel_px=max_speed * window.width / ramp_s,
    )
    points = [(t, min(max(round(x), 0), highest)) for t, x in zip(times, lefts, strict=True)]
    return CropPath(window, _simplify(points))


def crop_filter(path: CropPath) -> str:
    """The ffmpeg crop filter for `path`, vertically centred, ready for a filter chain.

    The x expression is a constant plus one clipped ramp per pan piece,
    `x0 + dx * clip((t - t0) / d, 0, 1)`, rather than nested if()s: it is flat, so
    ffmpeg's expression parser (which refuses nesting deeper than ~100) accepts any
    length, and still pieces cost nothing. It is single-quoted because it contains
    commas; it contains no quote, backslash or colon, so that quoting is all it needs
    inside one -vf / -filter_complex argument.

    `t` is each frame's timestamp, so the crop must see clip-relative timestamps: put it
    after an input seek (-ss before -i) or after setpts=PTS-STARTPTS, and before scale.
    """
    w, h = path.window.width, path.window.height
    return f"crop={w}:{h}:x='{_x_expression(path.keyframes)}':y=(ih-oh)/2"


def _x_expression(keyframes: Sequence[tuple[float, int]]) -> str:
    terms = [str(keyframes[0][1])]
    for (t0, x0), (t1, x1) in pairwise(keyframes):
        if x1 == x0:
            continue
        sign = "+" if x1 > x0 else "-"
        ramp = f"t-{_number(t0)}" if t0 > 0 else "t"
        if t1 - t0 != 1:
            ramp = f"({ramp})/{_number(t1 - t0)}"
        terms.append(f"{sign}{abs(x1 - x0)}*clip({ramp},0,1)")
    return "".join(terms)


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _even(n: int) -> int:
    return n - n % 2


def _grid(duration_s: float, step_s: float) -> list[float]:
    # Round times keep the expression short; the remainder joins the last step (which is
    # then up to twice as long) instead of making a keyframe of its own.
    steps = max(1, math.floor(duration_s / step_s + 1e-9))
    return [round(i * step_s, 6) for i in range(steps)] + [float(duration_s)]


def _goals(
    samples: Sequence[SubjectSample],
    times: Sequence[float],
    *,
    reach: Callable[[float], float],
    median_s: float,
    floor: float,
) -> list[float]:
    """Per grid time: the crop position centring the median of trusted samples around it.

    Positions are clamped to the picture before the median is taken, so a subject beyond
    the crop's reach counts as at its edge rather than pulling the median further.
    """
    trusted = sorted(
        (s for s in samples if s.confidence >= floor and math.isfinite(s.x + s.t_s)),
        key=lambda s: s.t_s,
    )
    at = np.array([s.t_s for s in trusted])
    lefts = np.array([reach(s.x) for s in trusted])
    weights = np.array([min(s.confidence, 1.0) for s in trusted])
    found: list[float | None] = []
    for t in times:
        lo, hi = np.searchsorted(at, [t - median_s / 2, t + median_s / 2], side="left")
        found.append(_weighted_median(lefts[lo:hi], weights[lo:hi]) if hi > lo else None)
    # Before the first trusted sample the crop already waits where it will be needed.
    last = next((x for x in found if x is not None), reach(CENTRE))
    goals = []
    for x in found:
        last = last if x is None else x
        goals.append(last)
    return goals


def _weighted_median(values: NDArray[np.float64], weights: NDArray[np.float64]) -> float:
    order = np.argsort(values, kind="stable")
    ordered, cumulative = values[order], np.cumsum(weights[order])
    half = cumulative[-1] / 2
    i = int(np.searchsorted(cumulative, half - 1e-9 * cumulative[-1]))
    if i + 1 < len(ordered) and abs(cumulative[i] - half) <= 1e-9 * cumulative[-1]:
        # An even split (a subject that moved halfway through the window) is halfway.
        return float(ordered[i] + ordered[i + 1]) / 2
    return float(ordered[i])


def _follow(
    times: Sequence[float],
    goals: Sequence[float],
    *,
    highest: float,
    dead_zone_px: float,
    max_speed_px: float,
    accel_px: float,
) -> list[float]:
    """Crop positions at `times`: still inside the dead zone, else an eased pan to the goal.

    Each step takes the fastest speed the acceleration bound allows from which the crop
    can still stop at the goal, so a pan towards a subject that stays put never passes
    it. A subject that turns back mid-pan is overshot a little rather than braked for
    harder than the bound: a jolt reads as shake, a short drift does not. A pan continues
    while the goal keeps moving (a walking subject is followed without stop-and-go) and
    ends once the crop is near the goal and slow enough to stop.
    """
    position, velocity, panning = goals[0], 0.0, False
    positions = [position]
    for k in range(1, len(times)):
        dt = times[k] - times[k - 1]
        gap = goals[k] - position
        if not panning and abs(gap) > dead_zone_px:
            panning = True
        if panning and abs(gap) <= dead_zone_px / 2 and abs(velocity) <= accel_px * dt:
            panning, velocity = False, 0.0
        if panning:
            direction = 1.0 if gap > 0 else -1.0
            towards = direction * velocity
            speed = _speed_towards(towards, abs(gap), dt, max_speed=max_speed_px, accel=accel_px)
            if speed * dt >= abs(gap) and abs(gap) / dt >= towards - accel_px * dt:
                step = gap  # arrives within this step without braking harder than allowed
            else:
                step = direction * speed * dt
            previous = position
            position = min(max(position + step, 0.0), highest)
            velocity = (position - previous) / dt
        positions.append(position)
    return positions


def _speed_towards(
    speed: float, distance: float, dt: float, *, max_speed: float, accel: float
) -> float:
    """The fastest reachable speed (negative: still moving away) that can stop in `distance`."""
    lowest = max(speed - accel * dt, -max_speed)
    highest = min(speed + accel * dt, max_speed)

    def travel(v: float) -> float:
        # This step at v, then slowing by accel*dt per step until stopped.
        braking = np.arange(v - accel * dt, 0.0, -accel * dt) if v > 0 else np.array([])
        return v * dt + float(braking.sum()) * dt

    if travel(highest) <= distance:
        return highest
    if travel(lowest) > distance:
        return lowest
    for _ in range(40):  # travel() increases with v: bisect for the largest v that fits
        middle = (lowest + highest) / 2
        lowest, highest = (middle, highest) if travel(middle) <= distance else (lowest, middle)
    return lowest


def _simplify(points: Sequence[tuple[float, int]]) -> tuple[tuple[float, int], ...]:
    """Drop keyframes the linear interpolation reproduces, then still lead-in/tail ones."""
    anchor, kept = 0, [points[0]]
    for i in range(1, len(points) - 1):
        if not _on_line(points[anchor], points[i + 1], points[anchor + 1 : i + 1]):
            anchor = i
            kept.append(points[i])
    kept.append(points[-1])
    if all(x == kept[0][1] for _, x in kept):
        return ((0.0, kept[0][1]),)
    while kept[0][1] == kept[1][1]:
        kept.pop(0)
    while kept[-1][1] == kept[-2][1]:
        kept.pop()
    return tuple(kept)


def _on_line(
    a: tuple[float, int], b: tuple[float, int], between: Sequence[tuple[float, int]]
) -> bool:
    (ta, xa), (tb, xb) = a, b
    return all(abs(xa + (xb - xa) * (t - ta) / (tb - ta) - x) <= 0.5 for t, x in between)
