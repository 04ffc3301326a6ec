from __future__ import annotations

import pytest

from domain.highlights import (
    DetectorState,
    LoudnessRule,
    OutOfOrderSegment,
    SegmentLoudness,
    detect,
    flush,
)

STEP = 0.1
QUIET, LOUD = -35.0, -12.0


def segment(index: int, loud_spans: list[tuple[float, float]], length_s: float = 10.0):
    start = index * length_s
    values = []
    for i in range(round(length_s / STEP)):
        t = start + i * STEP
        values.append(LOUD if any(a <= t < b for a, b in loud_spans) else QUIET)
    return SegmentLoudness(index=index, start_s=start, step_s=STEP, momentary_lufs=values)


def run(segments):
    state, found = DetectorState(), []
    for seg in segments:
        state, moments = detect(state, seg)
        found.extend(moments)
    return state, found


def test_a_loud_burst_inside_one_segment_is_one_moment():
    _, moments = run([segment(0, []), segment(1, [(14.0, 17.0)]), segment(2, [])])

    assert len(moments) == 1
    assert moments[0].start_s == pytest.approx(14.0, abs=0.11)
    assert moments[0].end_s == pytest.approx(17.0, abs=0.11)
    assert moments[0].score == pytest.approx(LOUD - QUIET, abs=0.5)


def test_a_burst_across_a_segment_boundary_waits_for_its_end():
    # GIVEN a burst from 18 s to 22 s, across the 20 s boundary
    state, first = run([segment(0, []), segment(1, [(18.0, 22.0)])])
    # THEN nothing is emitted while it is still loud at the end of what we have seen
    assert first == []
    assert state.open_start_s == pytest.approx(18.0, abs=0.11)
    # WHEN the next segment shows where it ends
    _, moments = detect(state, segment(2, [(18.0, 22.0)]))
    assert len(moments) == 1
    assert (moments[0].start_s, moments[0].end_s) == pytest.approx((18.0, 22.0), abs=0.11)


def test_short_blips_and_steady_noise_are_not_moments():
    _, moments = run([segment(0, [(3.0, 3.5)]), segment(1, [(12.0, 12.4)]), segment(2, [])])
    assert moments == []


def test_a_breath_inside_a_cheer_does_not_split_it():
    _, moments = run([segment(0, []), segment(1, [(11.0, 13.0), (13.3, 15.0)]), segment(2, [])])
    assert len(moments) == 1


def test_redelivered_segment_changes_nothing():
    state, _ = run([segment(0, []), segment(1, [(14.0, 17.0)])])
    again, moments = detect(state, segment(1, [(14.0, 17.0)]))
    assert again == state
    assert moments == []


def test_a_segment_from_the_future_is_refused_for_retry():
    with pytest.raises(OutOfOrderSegment, match="segment 2 arrived before segment 0"):
        detect(DetectorState(), segment(2, []))


def test_baseline_follows_a_louder_room():
    # A show that gets louder overall is not one endless highlight.
    louder = [SegmentLoudness(i, i * 10.0, STEP, [QUIET + 3 * i] * 100) for i in range(6)]
    _, moments = run(louder)
    assert moments == []


def test_clip_window_adds_pre_and_post_roll_within_what_exists():
    _, moments = run([segment(0, []), segment(1, [(14.0, 17.0)]), segment(2, [])])
    rule = LoudnessRule()
    start, end = moments[0].clip_window(rule, available_until_s=18.0)
    assert start == pytest.approx(14.0 - rule.pre_roll_s, abs=0.11)
    assert end == pytest.approx(18.0)


def test_flush_closes_a_moment_open_at_the_end_of_the_show():
    state, _ = run([segment(0, []), segment(1, [(17.0, 20.0)])])
    moments = flush(state)
    assert [(round(m.start_s), round(m.end_s)) for m in moments] == [(17, 20)]
