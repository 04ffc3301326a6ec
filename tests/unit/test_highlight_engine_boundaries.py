"""Clip boundaries: quiet cuts, length limits, and overlap with clips already made."""

from __future__ import annotations

import pytest

from liveclips.domain.highlight_engine.boundaries import clip_window, iou, resolve_overlap, snap
from liveclips.domain.highlight_engine.config import EngineConfig

CFG = EngineConfig()
NO_LUFS: dict[int, float] = {}


def window(start: float, end: float, bounds=(0.0, 1000.0), min_end=0.0, lufs=NO_LUFS):
    return clip_window(start, end, peak_s=(start + end) / 2, cfg=CFG, lufs=lufs,
                       bounds=bounds, min_end=min_end)  # fmt: skip


def test_iou_of_intervals():
    assert iou((0, 10), (5, 15)) == pytest.approx(5 / 15)
    assert iou((0, 10), (10, 20)) == 0.0


def test_a_cut_moves_to_the_quietest_point_within_reach():
    lufs = {i: -20.0 for i in range(0, 200)} | {117: -45.0, 140: -60.0}
    assert snap(12.0, lufs, 1.5) == pytest.approx(11.7)
    assert snap(15.0, lufs, 1.5) == pytest.approx(14.0)
    assert snap(50.0, lufs, 1.5) == 50.0  # no loudness there: stays


def test_short_moments_grow_to_the_minimum_and_long_ones_keep_their_peak():
    assert window(10.0, 12.0) == (8.0, 14.0)
    start, end = clip_window(0.0, 200.0, peak_s=150.0, cfg=CFG, lufs=NO_LUFS,
                             bounds=(0.0, 1000.0), min_end=0.0)  # fmt: skip
    assert end - start == CFG.max_clip_s and start < 150.0 < end


def test_clips_stay_inside_the_show_and_end_late_enough_for_their_decision():
    assert window(-3.0, 4.0) == (0.0, 7.0)  # shifted in, not shortened
    assert window(95.0, 103.0, bounds=(0.0, 100.0)) == (92.0, 100.0)
    assert window(10.0, 20.0, min_end=25.0)[1] == 25.0


def test_a_near_duplicate_is_dropped_and_a_partial_overlap_trimmed():
    taken = [(100.0, 110.0)]
    assert resolve_overlap((101.0, 111.0), taken, CFG) is None
    assert resolve_overlap((108.0, 120.0), taken, CFG) == (110.0, 120.0)
    assert resolve_overlap((90.0, 102.0), taken, CFG) == (90.0, 100.0)
    assert resolve_overlap((95.0, 125.0), taken, CFG) is None  # it contains the clip
    assert resolve_overlap((107.0, 114.0), taken, CFG) is None  # too short once trimmed
    assert resolve_overlap((120.0, 130.0), taken, CFG) == (120.0, 130.0)
