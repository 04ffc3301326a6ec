from __future__ import annotations

import pytest

from liveclips_dev.evaluation.metrics import Interval, ShowScore, iou, match, score_show, total


def spans(*pairs: tuple[float, float]) -> list[Interval]:
    return [Interval(a, b) for a, b in pairs]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 10), (0, 10), 1.0),
        ((0, 10), (10, 20), 0.0),  # touching is not overlapping
        ((0, 10), (20, 30), 0.0),
        ((0, 10), (5, 15), 5 / 15),
        ((0, 10), (2, 4), 0.2),  # contained
    ],
)
def test_iou(a: tuple[float, float], b: tuple[float, float], expected: float) -> None:
    assert iou(Interval(*a), Interval(*b)) == pytest.approx(expected)
    assert iou(Interval(*b), Interval(*a)) == pytest.approx(expected)


def test_threshold_is_inclusive_at_point_three() -> None:
    labels = spans((0, 10))
    assert score_show(spans((0, 3)), labels).hits == 1  # IoU exactly 0.3
    assert score_show(spans((0, 2.9)), labels).hits == 0


def test_one_to_one_two_detections_of_one_moment_are_one_hit_and_one_false_alarm() -> None:
    score = score_show(spans((0, 10), (1, 9)), spans((0, 10)))
    assert (score.hits, score.false_alarms, score.misses) == (1, 1, 0)
    assert score.precision == 0.5
    assert score.recall == 1.0


def test_one_detection_spanning_two_moments_matches_the_better_one() -> None:
    matches = match(spans((8, 22)), spans((0, 10), (12, 22)))
    assert [(m.detection, m.label) for m in matches] == [(0, 1)]


def test_greedy_takes_the_best_pair_first() -> None:
    # Detection 0 overlaps both labels; label 1 is its better match, so label 0 must go
    # to detection 1 even though detection 0 comes first.
    detections = spans((4, 14), (0, 6))
    labels = spans((0, 8), (5, 14))
    found = {(m.detection, m.label) for m in match(detections, labels)}
    assert found == {(0, 1), (1, 0)}


def test_no_labels_and_no_detections_is_perfect() -> None:
    score = score_show([], [])
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.mean_boundary_error_s is None


def test_detections_without_labels_are_all_false_alarms() -> None:
    score = score_show(spans((0, 5), (10, 15)), [])
    assert (score.precision, score.recall, score.f1) == (0.0, 1.0, 0.0)
    assert score.false_alarms == 2


def test_labels_without_detections_are_all_missed() -> None:
    score = score_show([], spans((0, 5)))
    assert (score.precision, score.recall, score.f1) == (1.0, 0.0, 0.0)
    assert score.misses == 1


def test_boundary_error_is_the_mean_of_start_and_end_differences_over_hits() -> None:
    score = score_show(spans((1, 12), (100, 110)), spans((0, 10), (40, 50)))
    assert score.hits == 1
    assert score.mean_start_error_s == pytest.approx(1.0)
    assert score.mean_end_error_s == pytest.approx(2.0)
    assert score.mean_boundary_error_s == pytest.approx(1.5)


def test_f1_is_the_harmonic_mean() -> None:
    score = ShowScore(hits=3, detections=4, labels=6, start_error_sum=0, end_error_sum=0)
    assert score.precision == 0.75
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(0.6)


def test_total_pools_counts_rather_than_averaging_rates() -> None:
    small = score_show([], spans((0, 5)))  # F1 0
    big = score_show(
        spans(*[(i * 20, i * 20 + 5) for i in range(9)]),
        spans(*[(i * 20, i * 20 + 5) for i in range(9)]),
    )
    pooled = total([small, big])
    assert (pooled.hits, pooled.detections, pooled.labels) == (9, 9, 10)
    assert pooled.recall == 0.9
    assert pooled.f1 == pytest.approx(2 * 0.9 / 1.9)


def test_total_of_nothing_is_empty_and_perfect() -> None:
    assert total([]).f1 == 1.0
