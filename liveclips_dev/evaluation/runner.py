"""Run the detector over labelled shows as if live, and score what it found."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from liveclips.domain.highlight_engine import offline
from liveclips.domain.highlight_engine.types import Detection, ShowInputs
from liveclips_dev.evaluation.metrics import IOU_THRESHOLD, Interval, ShowScore, match, score_show
from liveclips_dev.evaluation.show import LabelledShow, label_spans, load_show, show_inputs

Detector = Callable[[ShowInputs], Sequence[Detection]]


@dataclass(frozen=True)
class ShowResult:
    show: LabelledShow
    inputs: ShowInputs
    detections: tuple[Detection, ...]
    score: ShowScore
    hit_detections: frozenset[int]  # indices into detections that matched a label
    hit_labels: frozenset[int]  # indices into the show's labels that were found
    # Seconds from the end of each found moment to the automatic decision to clip it.
    delays_s: tuple[float, ...]
    fused: tuple[float, ...] | None  # the engine's fused score per second, if it exposes it


def default_detector(inputs: ShowInputs) -> Sequence[Detection]:
    return offline.detect_show(inputs)


def fused_scores(inputs: ShowInputs) -> tuple[float, ...] | None:
    """The fused score per second, when the engine offers `offline.fused_scores(inputs)`.

    Optional on purpose: the pictures are a debugging aid and must not force the engine
    to expose its internals.
    """
    trace = getattr(offline, "fused_scores", None)
    if trace is None:
        return None
    return tuple(float(v) for v in trace(inputs))


def detect(show: LabelledShow, detector: Detector = default_detector) -> list[Detection]:
    return sorted(detector(show_inputs(show)), key=lambda d: (d.start_s, d.end_s))


def evaluate_show(
    show: LabelledShow | Path | str,
    detector: Detector = default_detector,
    threshold: float = IOU_THRESHOLD,
) -> ShowResult:
    loaded = show if isinstance(show, LabelledShow) else load_show(show)
    labels = label_spans(loaded)
    inputs = show_inputs(loaded)
    detections = tuple(sorted(detector(inputs), key=lambda d: (d.start_s, d.end_s)))
    spans = [Interval(d.start_s, d.end_s) for d in detections]
    matches = match(spans, labels, threshold)
    return ShowResult(
        show=loaded,
        inputs=inputs,
        detections=detections,
        score=score_show(spans, labels, threshold),
        hit_detections=frozenset(m.detection for m in matches),
        hit_labels=frozenset(m.label for m in matches),
        delays_s=tuple(
            detections[m.detection].decided_at_s - labels[m.label].end
            for m in matches
            if detections[m.detection].kind != "manual"  # a person's pace, not the engine's
        ),
        fused=fused_scores(inputs) if detector is default_detector else None,
    )


def p95(values: Sequence[float]) -> float | None:
    """The 95th percentile (inclusive method), None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]
