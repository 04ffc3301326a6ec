"""Whole-show detection, exactly as the live path would have done it.

Used by evaluation and by the post-show pass: the same LiveDetector sees the seconds in
order, with the momentary loudness of each second pushed just before it, so an offline
score is a faithful measure of what viewers would have got live.
"""

from __future__ import annotations

import math
from dataclasses import replace

from liveclips.domain.highlight_engine.config import EngineConfig
from liveclips.domain.highlight_engine.detector import LiveDetector
from liveclips.domain.highlight_engine.types import Detection, ShowInputs

_LUFS_PER_S = 10


def detect_show(
    inputs: ShowInputs,
    config: EngineConfig = EngineConfig(),  # noqa: B008 (frozen)
) -> list[Detection]:
    det = LiveDetector(config)
    # Manual picks are known up front offline; live they arrive whenever the team acts.
    found = [det.add_manual_pick(p) for p in inputs.manual_picks]
    lufs = inputs.momentary_lufs
    for second in sorted(inputs.seconds, key=lambda s: s.t):
        i = second.t * _LUFS_PER_S
        if i < len(lufs):
            det.push_loudness(float(second.t), lufs[i : i + _LUFS_PER_S])
        found += det.push(second)
    found += det.finish()
    clipped = [_clamp(d, inputs.duration_s) for d in found]
    return sorted((d for d in clipped if d is not None), key=lambda d: (d.start_s, d.end_s))


def fused_scores(
    inputs: ShowInputs,
    config: EngineConfig = EngineConfig(),  # noqa: B008 (frozen)
) -> list[float]:
    """The fused score of every second as the live detector computed it (for timelines)."""
    det = LiveDetector(config)
    seconds = sorted(inputs.seconds, key=lambda s: s.t)
    scores: dict[int, float] = {}
    for second in seconds:
        det.push(second)
        for s in range(second.t - config.lookahead_s - 1, second.t + 1):
            if (score := det.fused_score(s)) is not None:
                scores[s] = score
    det.finish()
    for s in range(seconds[-1].t - config.lookahead_s - 1, seconds[-1].t + 1) if seconds else ():
        if (score := det.fused_score(s)) is not None:
            scores[s] = score
    return [scores.get(t, 0.0) for t in range(math.ceil(inputs.duration_s))]


def _clamp(d: Detection, duration_s: float) -> Detection | None:
    if d.kind == "manual":
        return d
    if d.start_s >= duration_s:
        return None
    return replace(d, end_s=min(d.end_s, duration_s)) if d.end_s > duration_s else d
