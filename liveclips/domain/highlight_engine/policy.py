"""What a decided moment may become: manual picks win, no duplicates, a budget per hour,
and marquee for the best.

Live, an emitted detection is final (its clip may already be in the feed), so every rule
here only ever holds back newcomers: "keep the best" within the hourly budget means that
once half the budget is spent, a newcomer must beat the median of the hour so far.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from liveclips.domain.highlight_engine.boundaries import Span, resolve_overlap
from liveclips.domain.highlight_engine.config import EngineConfig
from liveclips.domain.highlight_engine.fusion import Fused
from liveclips.domain.highlight_engine.types import Detection, ManualPick

Kind = Literal["auto", "marker", "manual"]
HOUR_S = 3600.0
_SCORE_HISTORY = 200


@dataclass(frozen=True)
class _Made:
    start: float
    end: float
    score: float
    kind: Kind


class Emitted:
    def __init__(self) -> None:
        self._made: list[_Made] = []
        self._manual: list[Span] = []
        self._scores: list[float] = []  # auto and marker scores, for the marquee quantile

    def add_manual(self, pick: ManualPick, score: float, now: float) -> Detection:
        self._manual.append((pick.start_s, pick.end_s))
        self._made.append(_Made(pick.start_s, pick.end_s, score, "manual"))
        return Detection(
            start_s=pick.start_s,
            end_s=pick.end_s,
            score=score,
            kind="manual",
            evidence={"manual": 1.0},
            decided_at_s=now,
        )

    def offer(
        self,
        span: Span,
        score: float,
        *,
        kind: Kind,
        evidence: Mapping[str, float],
        now: float,
        cfg: EngineConfig,
    ) -> list[Detection]:
        if any(min(span[1], b) > max(span[0], a) for a, b in self._manual):
            return []
        resolved = resolve_overlap(span, [(m.start, m.end) for m in self._made], cfg)
        if resolved is None:
            return []
        start, end = resolved
        if now > end + cfg.decision_delay_s:
            return []  # trimmed back past what the latency budget allows
        if kind == "auto" and not self._within_budget(start, score, cfg):
            return []
        marquee = self._is_marquee(score, cfg)
        self._made.append(_Made(start, end, score, kind))
        self._scores = [*self._scores, score][-_SCORE_HISTORY:]
        return [
            Detection(
                start_s=start,
                end_s=end,
                score=round(score, 4),
                kind=kind,
                marquee=marquee,
                evidence=dict(evidence),
                decided_at_s=float(now),
            )
        ]

    def _within_budget(self, start: float, score: float, cfg: EngineConfig) -> bool:
        hour = [m.score for m in self._made if m.kind == "auto" and m.start > start - HOUR_S]
        if len(hour) >= cfg.max_clips_per_hour:
            return False
        return len(hour) < cfg.max_clips_per_hour / 2 or score >= statistics.median(hour)

    def _is_marquee(self, score: float, cfg: EngineConfig) -> bool:
        if score >= cfg.marquee_score:
            return True
        if len(self._scores) < cfg.marquee_min_history:
            return False
        ranked = sorted(self._scores)
        return score >= ranked[min(len(ranked) - 1, int(cfg.marquee_quantile * len(ranked)))]

    def prune(self, now: float, cfg: EngineConfig) -> None:
        horizon = now - HOUR_S - cfg.max_clip_s
        self._made = [m for m in self._made if m.end >= horizon]
        self._manual = [p for p in self._manual if p[1] >= horizon]

    def to_dict(self) -> dict[str, Any]:
        return {
            "made": [[m.start, m.end, m.score, m.kind] for m in self._made],
            "manual": [list(p) for p in self._manual],
            "scores": list(self._scores),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Emitted:
        out = cls()
        out._made = [_Made(float(a), float(b), float(s), k) for a, b, s, k in data["made"]]
        out._manual = [(float(a), float(b)) for a, b in data["manual"]]
        out._scores = [float(s) for s in data["scores"]]
        return out


def run_around_peak(recs: Sequence[Fused], cfg: EngineConfig) -> list[Fused]:
    """The run of strong seconds around the highest one (gaps up to max_gap_s bridged)."""
    if not recs:
        return []
    i = max(range(len(recs)), key=lambda k: recs[k].score)
    if recs[i].score < cfg.enter_score:
        return []
    lo = hi = i
    for step in (-1, 1):
        j, gap = i + step, 0
        while 0 <= j < len(recs) and gap <= cfg.max_gap_s:
            if recs[j].score >= cfg.exit_score:
                lo, hi, gap = min(lo, j), max(hi, j), 0
            else:
                gap += 1
            j += step
    return list(recs[lo : hi + 1])
