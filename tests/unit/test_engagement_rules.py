from __future__ import annotations

import numpy as np
import pytest

from pipelines.engagement import rules


@pytest.mark.parametrize("q", [0, 5, 50, 95, 100])
def test_percentile_matches_numpy_linear(q):
    values = [120.0, 80.0, 400.0, 95.0, 2000.0, 300.0, 310.0]
    assert rules.percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_percentile_of_nothing_is_none_and_of_one_is_it():
    assert rules.percentile([], 50) is None
    assert rules.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError, match="outside"):
        rules.percentile([1.0], 101)


def test_continuous_heartbeats_credit_the_whole_minute():
    beats = [0.5 + 10 * i for i in range(6)]  # 0.5, 10.5, ... 50.5
    assert rules.session_watch_seconds(beats, 60) == 60.0


def test_first_heartbeat_credits_a_period_and_gaps_are_capped():
    assert rules.session_watch_seconds([30.0], 60) == 10.0
    # paused for 35 s between the two: the second only closes 10 s of playing
    assert rules.session_watch_seconds([5.0, 40.0], 60) == 20.0
    # a resume right after a heartbeat earns only the time between them
    assert rules.session_watch_seconds([5.0, 7.0, 17.0], 60) == 10.0 + 2.0 + 10.0


def test_duplicates_earn_nothing_and_order_does_not_matter():
    assert rules.session_watch_seconds([20.0, 10.0, 10.0], 60) == 20.0
    assert rules.session_watch_seconds([], 60) == 0.0


def test_watch_seconds_never_exceed_the_window():
    assert rules.session_watch_seconds([float(i) for i in range(0, 60, 9)], 60) == 60.0
    assert rules.session_watch_seconds([0.0, 10.0], 15) == 15.0


def test_watched_fraction_is_clamped():
    assert rules.watched_fraction(30, 60) == 0.5
    assert rules.watched_fraction(90, 60) == 1.0


def test_retention_curve_counts_sessions_reaching_each_bucket():
    curve = rules.retention_curve([0.0, 0.07, 0.5, 1.0, 0.7 - 0.4])
    assert list(curve) == list(range(0, 101, 5))
    assert curve[0] == 5
    assert curve[5] == 4
    assert curve[10] == 3
    assert curve[30] == 3  # 0.7 - 0.4 = 0.29999999999999993 did reach 30 %
    assert curve[35] == 2
    assert curve[50] == 2
    assert curve[55] == 1
    assert curve[100] == 1
    assert rules.retention_curve([]) == dict.fromkeys(range(0, 101, 5), 0)


def test_click_through():
    assert rules.click_through(3, 12) == 0.25
    assert rules.click_through(2, 0) is None
    assert rules.click_through(5, 4) == 1.25
