"""Live loudness-peak highlight rule: the walking skeleton's detector.

It sees one analysed segment at a time, in order, and only the past: a loud run that
reaches the end of a segment stays open until a later segment shows where it ends.
Loudness is judged against the stream's own running baseline, so a quiet podcast and a
loud stadium both get their peaks.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class LoudnessRule:
    lu_above_baseline: float = 10.0
    min_moment_s: float = 1.0
    # Shorter dips (a breath in a cheer) do not split a moment in two.
    max_gap_s: float = 0.6
    pre_roll_s: float = 5.0
    post_roll_s: float = 2.0
    max_clip_s: float = 60.0
    # Each segment moves the baseline this far towards its own quiet level.
    baseline_weight: float = 0.3


@dataclass(frozen=True)
class SegmentLoudness:
    index: int
    start_s: float
    step_s: float
    momentary_lufs: Sequence[float]

    @property
    def end_s(self) -> float:
        return self.start_s + self.step_s * len(self.momentary_lufs)


@dataclass(frozen=True)
class DetectorState:
    next_index: int = 0
    baseline_lufs: float | None = None
    open_start_s: float | None = None
    open_last_loud_s: float | None = None
    open_peak_lufs: float = -120.0


@dataclass(frozen=True)
class Moment:
    start_s: float
    end_s: float
    peak_lufs: float
    baseline_lufs: float

    @property
    def score(self) -> float:
        return self.peak_lufs - self.baseline_lufs

    def clip_window(self, rule: LoudnessRule, available_until_s: float) -> tuple[float, float]:
        start = max(0.0, self.start_s - rule.pre_roll_s)
        end = min(self.end_s + rule.post_roll_s, available_until_s, start + rule.max_clip_s)
        return start, end


class OutOfOrderSegment(ValueError):
    """A segment ahead of the next expected one: an earlier one is still in flight."""


def detect(
    state: DetectorState, segment: SegmentLoudness, rule: LoudnessRule = LoudnessRule()
) -> tuple[DetectorState, list[Moment]]:
    """Feed one segment; return the new state and the moments that closed in it.

    A segment already seen returns the state unchanged and no moments, so redelivery is
    harmless. A segment from the future raises, so the caller retries it later.
    """
    if segment.index < state.next_index:
        return state, []
    if segment.index > state.next_index:
        raise OutOfOrderSegment(
            f"segment {segment.index} arrived before segment {state.next_index}"
        )
    values = list(segment.momentary_lufs)
    baseline = state.baseline_lufs
    if baseline is None:
        baseline = _quiet_level(values) if values else -70.0
    threshold = baseline + rule.lu_above_baseline

    moments: list[Moment] = []
    open_start, last_loud, peak = state.open_start_s, state.open_last_loud_s, state.open_peak_lufs
    for i, value in enumerate(values):
        t = segment.start_s + i * segment.step_s
        if value >= threshold:
            if open_start is None:
                open_start, peak = t, value
            last_loud, peak = t + segment.step_s, max(peak, value)
        elif open_start is not None and last_loud is not None and t - last_loud > rule.max_gap_s:
            moments.extend(_close(open_start, last_loud, peak, baseline, rule))
            open_start, last_loud, peak = None, None, -120.0

    quiet = [v for v in values if v < threshold]
    if quiet:
        new_level = _quiet_level(quiet)
        baseline += rule.baseline_weight * (new_level - baseline)
    next_state = replace(
        state,
        next_index=segment.index + 1,
        baseline_lufs=baseline,
        open_start_s=open_start,
        open_last_loud_s=last_loud,
        open_peak_lufs=peak,
    )
    return next_state, moments


def flush(state: DetectorState, rule: LoudnessRule = LoudnessRule()) -> list[Moment]:
    """Close a moment still open when the show ends."""
    if state.open_start_s is None or state.open_last_loud_s is None:
        return []
    return _close(
        state.open_start_s,
        state.open_last_loud_s,
        state.open_peak_lufs,
        state.baseline_lufs or -70.0,
        rule,
    )


def _close(
    start: float, end: float, peak: float, baseline: float, rule: LoudnessRule
) -> list[Moment]:
    if end - start < rule.min_moment_s:
        return []
    return [Moment(start_s=start, end_s=end, peak_lufs=peak, baseline_lufs=baseline)]


def _quiet_level(values: Sequence[float]) -> float:
    # Silence reads as -120 LUFS and would drag the baseline into nonsense.
    audible = [v for v in values if v > -70.0]
    return statistics.median(audible) if audible else -70.0
