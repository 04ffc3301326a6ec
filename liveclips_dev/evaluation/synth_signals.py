"""Synthetic viewer counts, creator markers and manual picks for a planned show."""

from __future__ import annotations

import math
import random

from liveclips_dev.evaluation.formats import MarkerLine, Span, ViewerLine
from liveclips_dev.evaluation.synth_plan import ShowPlan

VIEWER_SAMPLE_EVERY_S = 2.0  # a player-heartbeat aggregate, not every second
MARKER_DELAY_MIN_S, MARKER_DELAY_MAX_S = 0.5, 5.0
_RAID_RAMP_S = 5.0


def _bump(t: float, start: float, rise_s: float, hold_s: float) -> float:
    """0 before `start`, rising to 1 over `rise_s`, then fading over `hold_s`."""
    if t < start:
        return 0.0
    if t < start + rise_s:
        return (t - start) / rise_s
    return math.exp(-(t - start - rise_s) / hold_s)


def generate_viewers(rng: random.Random, plan: ShowPlan) -> list[ViewerLine]:
    # A moment brings a few percent more viewers (shares), arriving after it.
    bumps = [
        (m.end, rng.uniform(8, 20), rng.uniform(60, 200), m.strength * rng.uniform(0.02, 0.08))
        for m in plan.moments
    ]
    raid_size = max(30.0, plan.base_viewers * rng.uniform(0.3, 1.5))
    raid_keep = rng.uniform(0.4, 0.7)  # raiders who stay after the first minutes
    level = 0.0
    samples = []
    t = 0.0
    while t < plan.duration_s:
        level = 0.98 * level + rng.gauss(0.0, 0.01)
        count = plan.base_viewers * math.exp(level)
        count *= 1.0 + sum(size * _bump(t, at, rise, hold) for at, rise, hold, size in bumps)
        if plan.raid_t is not None and t >= plan.raid_t:
            since = t - plan.raid_t
            if since < _RAID_RAMP_S:
                count += raid_size * since / _RAID_RAMP_S
            else:
                leaving = math.exp(-(since - _RAID_RAMP_S) / 180.0)
                count += raid_size * (raid_keep + (1 - raid_keep) * leaving)
        samples.append(ViewerLine(t=round(t, 1), count=max(0, round(count))))
        t += VIEWER_SAMPLE_EVERY_S
    return samples


def generate_markers(rng: random.Random, plan: ShowPlan) -> list[MarkerLine]:
    markers = []
    for moment in plan.moments:
        # A creator presses "clip" after the moment, and more often for the big ones.
        if rng.random() < 0.3 + 0.5 * moment.strength:
            delay = rng.uniform(MARKER_DELAY_MIN_S, MARKER_DELAY_MAX_S)
            t = min(plan.duration_s - 0.1, moment.end + delay)
            markers.append(MarkerLine(t=round(t, 2), kind="clip"))
    if rng.random() < 0.3:
        # Other timed metadata a studio sends; not a request for a clip.
        t = rng.uniform(0, plan.duration_s)
        markers.append(MarkerLine(t=round(t, 2), kind=rng.choice(["chapter", "poll"])))
    return sorted(markers, key=lambda m: m.t)


def generate_picks(rng: random.Random, plan: ShowPlan) -> list[Span]:
    """The content team picks the weakest moment by hand, with loose human boundaries."""
    weakest = min(plan.moments, key=lambda m: m.strength)
    start = max(0.0, weakest.start - rng.uniform(0.0, 2.0))
    end = min(plan.duration_s, weakest.end + rng.uniform(0.0, 2.0))
    return [Span(start=round(start, 2), end=round(end, 2))]
