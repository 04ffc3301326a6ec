"""Where a clip starts and ends, and how it may overlap the clips already made."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from liveclips.domain.highlight_engine.config import EngineConfig

Span = tuple[float, float]
LUFS_STEP_S = 0.1  # momentary loudness arrives every 100 ms (EBU R128 momentary)


def iou(a: Span, b: Span) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0.0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def snap(x: float, lufs: Mapping[int, float], window_s: float) -> float:
    """The quietest momentary-loudness point within +-window_s of x (nearest on ties).

    A cut in a pause between sentences sounds deliberate; a cut mid-word sounds broken.
    Without loudness around x, x stays where it is.
    """
    lo = math.ceil((x - window_s) / LUFS_STEP_S - 1e-9)
    hi = math.floor((x + window_s) / LUFS_STEP_S + 1e-9)
    best: tuple[float, float, int] | None = None
    for i in range(lo, hi + 1):
        v = lufs.get(i)
        if v is None:
            continue
        cand = (v, abs(i * LUFS_STEP_S - x), i)
        if best is None or cand < best:
            best = cand
    return x if best is None else best[2] * LUFS_STEP_S


def clip_window(
    start: float,
    end: float,
    *,
    peak_s: float,
    cfg: EngineConfig,
    lufs: Mapping[int, float],
    bounds: Span,
    min_end: float,
) -> Span:
    """Snap, then fit [start, end] into the clip length limits and `bounds`.

    `min_end` is the earliest end the decision time allows: a clip decided at t may not
    end before t - decision_delay_s, or the detector would have looked further past the
    moment than the latency budget allows.
    """
    start = snap(start, lufs, cfg.snap_window_s)
    end = max(snap(end, lufs, cfg.snap_window_s), min_end)
    if end - start > cfg.max_clip_s:
        # Keep the peak; a minute-long "moment" is usually a long tail of chat.
        earliest = max(start, min_end - cfg.max_clip_s)
        start = min(max(peak_s - cfg.max_clip_s / 2, earliest), end - cfg.max_clip_s)
        end = start + cfg.max_clip_s
    if end - start < cfg.min_clip_s:
        grow = cfg.min_clip_s - (end - start)
        start, end = start - grow / 2, end + grow / 2
    lo, hi = bounds
    if start < lo:
        end, start = min(hi, end + lo - start), lo
    if end > hi:
        start, end = max(lo, start - (end - hi)), hi
    return round(start, 2), round(max(end, start), 2)


def resolve_overlap(span: Span, taken: Sequence[Span], cfg: EngineConfig) -> Span | None:
    """Drop a near-duplicate of a clip already made; trim a partial overlap away.

    Clips already emitted are final (they may be published), so the newcomer gives way.
    """
    start, end = span
    for a, b in taken:
        if min(end, b) - max(start, a) <= 0.0:
            continue
        if iou((start, end), (a, b)) >= cfg.dedupe_iou:
            return None
        if a <= start < b:
            start = b
        elif a < end <= b:
            end = a
        else:
            return None  # it contains an existing clip: a longer duplicate
    if end - start < cfg.min_clip_s:
        return None
    return start, end
