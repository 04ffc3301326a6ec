"""Scoring detections against labelled moments: one-to-one matching by interval IoU.

A detection hits a label when their IoU is at least the threshold (0.3 by default:
a clip must mostly cover the moment, but pre/post-roll make exact boundaries
unreasonable). Matching is greedy by IoU, best pair first, each label and detection
used at most once, so two clips of one moment count as one hit and one false alarm.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from liveclips.domain.highlight_engine import boundaries

IOU_THRESHOLD = 0.3


class SpanLike(Protocol):
    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


@dataclass(frozen=True)
class Interval:
    start: float
    end: float


@dataclass(frozen=True)
class Match:
    detection: int  # index into the detections
    label: int  # index into the labels
    iou: float


@dataclass(frozen=True)
class ShowScore:
    """Counts for one show; rates are derived so they aggregate correctly."""

    hits: int
    detections: int
    labels: int
    start_error_sum: float  # sum of |detection start - label start| over hits
    end_error_sum: float

    @property
    def false_alarms(self) -> int:
        return self.detections - self.hits

    @property
    def misses(self) -> int:
        return self.labels - self.hits

    @property
    def precision(self) -> float:
        # Nothing detected means nothing wrongly detected.
        return self.hits / self.detections if self.detections else 1.0

    @property
    def recall(self) -> float:
        # Nothing to find means nothing missed.
        return self.hits / self.labels if self.labels else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mean_start_error_s(self) -> float | None:
        return self.start_error_sum / self.hits if self.hits else None

    @property
    def mean_end_error_s(self) -> float | None:
        return self.end_error_sum / self.hits if self.hits else None

    @property
    def mean_boundary_error_s(self) -> float | None:
        """Mean of |start diff| and |end diff| over matched pairs."""
        if not self.hits:
            return None
        return (self.start_error_sum + self.end_error_sum) / (2 * self.hits)


def iou(a: SpanLike, b: SpanLike) -> float:
    # The engine's own definition, so it dedupes by exactly what it is scored on.
    return boundaries.iou((a.start, a.end), (b.start, b.end))


def match(
    detections: Sequence[SpanLike], labels: Sequence[SpanLike], threshold: float = IOU_THRESHOLD
) -> list[Match]:
    """Greedy one-to-one matching, highest IoU first; ties go to the earlier pair."""
    candidates = [
        Match(d, lab, score)
        for d, det in enumerate(detections)
        for lab, label in enumerate(labels)
        if (score := iou(det, label)) >= threshold and score > 0
    ]
    candidates.sort(key=lambda m: (-m.iou, m.label, m.detection))
    used_d: set[int] = set()
    used_l: set[int] = set()
    matches = []
    for m in candidates:
        if m.detection not in used_d and m.label not in used_l:
            used_d.add(m.detection)
            used_l.add(m.label)
            matches.append(m)
    return sorted(matches, key=lambda m: m.label)


def score_show(
    detections: Sequence[SpanLike], labels: Sequence[SpanLike], threshold: float = IOU_THRESHOLD
) -> ShowScore:
    matches = match(detections, labels, threshold)
    return ShowScore(
        hits=len(matches),
        detections=len(detections),
        labels=len(labels),
        start_error_sum=sum(
            abs(detections[m.detection].start - labels[m.label].start) for m in matches
        ),
        end_error_sum=sum(abs(detections[m.detection].end - labels[m.label].end) for m in matches),
    )


def total(scores: Iterable[ShowScore]) -> ShowScore:
    """Micro-average: pool the counts of all shows, so long shows weigh more."""
    items = list(scores)
    return ShowScore(
        hits=sum(s.hits for s in items),
        detections=sum(s.detections for s in items),
        labels=sum(s.labels for s in items),
        start_error_sum=sum(s.start_error_sum for s in items),
        end_error_sum=sum(s.end_error_sum for s in items),
    )
