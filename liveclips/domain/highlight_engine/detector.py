"""The live highlight detector: one second in, final detections out.

Per second: normalise every signal against its own past (normalize.py), discount chat in
a raid, fuse media at s with chat/reactions from a reaction time later (fusion.py), and
run hysteresis over the fused score: a moment opens above `enter_score`, stays open above
`exit_score`, and closes after `max_gap_s` below it. A closed moment becomes a detection
if it lasted `min_moment_s` and is corroborated; its clip comes from the media span (or
the chat-shifted span), plus pre/post roll, snapped to quiet points (boundaries.py).

Latency contract: a detection is emitted by the push of second t with decided_at_s = t,
and t <= end_s + decision_delay_s always holds. A moment media placed is decided as soon
as the room has been calm for max_gap_s (its chat tail adds nothing to the clip); one
only chat placed waits for the burst to fade, up to the budget.

Momentary loudness for snapping comes through `push_loudness`, ideally before the push
of the seconds it covers; without it, cuts are not snapped. A "marker" value >= 0.5 in a
second is a creator's "clip that"; manual picks come through `add_manual_pick`.

The whole state is plain JSON (`to_dict`/`from_dict`), so the live pipeline can keep it
in Redis between segments and resume on any worker with identical results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from liveclips.domain.highlight_engine import fusion, moments, policy
from liveclips.domain.highlight_engine.config import (
    AUDIENCE_SIGNALS,
    CHAT_SIGNALS,
    EngineConfig,
)
from liveclips.domain.highlight_engine.fusion import Fused
from liveclips.domain.highlight_engine.normalize import Normalizer
from liveclips.domain.highlight_engine.state import (
    JOINS_WINDOW_S,
    RAID_WINDOW_S,
    DetectorState,
    Region,
)
from liveclips.domain.highlight_engine.types import Detection, ManualPick, SecondFeatures

_RAID_KEYS = ("chat_rate", "chat_storm", "chat_raid")
SILENCE_LUFS = -120.0


class LiveDetector:
    def __init__(self, config: EngineConfig = EngineConfig()) -> None:  # noqa: B008 (frozen)
        self._cfg = config
        self._s = DetectorState(norm=Normalizer(config))

    # ---- inputs ----------------------------------------------------------------
    def push_loudness(self, t0: float, values: Sequence[float], step_s: float = 0.1) -> None:
        """Momentary loudness (LUFS) at t0, t0 + step_s, ...: where quiet cuts may go."""
        for i, v in enumerate(values):
            if math.isfinite(v):
                self._s.lufs[round((t0 + i * step_s) * 10)] = max(float(v), SILENCE_LUFS)

    def push(self, second: SecondFeatures) -> list[Detection]:
        t = int(second.t)
        if self._s.last_t is not None and t <= self._s.last_t:
            raise ValueError(f"second {t} after second {self._s.last_t}: seconds must increase")
        if self._s.last_t is None:
            self._s.frontier = t
        self._s.last_t = t
        values = second.values
        z = self._s.norm.push(values)
        self._s.raw[t] = {
            k: float(values[k]) for k in _RAID_KEYS if k in values and math.isfinite(values[k])
        }
        self._discount_raid(t, z)
        self._s.z[t] = z
        if values.get("marker", 0.0) >= 0.5:
            self._s.markers.append(t)
        out = self._advance(t, final=False)
        self._s.prune(t, self._cfg)
        return out

    def finish(self) -> list[Detection]:
        """End of show: decide everything still open with whatever lookahead exists."""
        if self._s.last_t is None:
            return []
        return self._advance(self._s.last_t, final=True)

    def add_manual_pick(self, pick: ManualPick) -> Detection:
        """The content team's pick, exactly as given; automatic clips give way to it."""
        now = float(self._s.last_t) if self._s.last_t is not None else 0.0
        peaks = [f.score for s, f in self._s.fused.items() if pick.start_s <= s < pick.end_s]
        return self._s.out.add_manual(pick, max(peaks, default=0.0), now)

    # ---- the pipeline ------------------------------------------------------------
    def _discount_raid(self, t: int, z: dict[str, float]) -> None:
        raw = [self._s.raw[u] for u in range(t - RAID_WINDOW_S + 1, t + 1) if u in self._s.raw]
        past = range(t - JOINS_WINDOW_S, t)
        joins = [self._s.z[u].get("viewer_joins", 0.0) for u in past if u in self._s.z]
        joins.append(z.get("viewer_joins", 0.0))
        if fusion.raid_like(raw, joins, self._cfg):
            self._s.raid_until = t + self._cfg.raid_hold_s
        if t <= self._s.raid_until:
            for name in CHAT_SIGNALS + AUDIENCE_SIGNALS:
                if name in z:
                    z[name] *= self._cfg.raid_chat_keep

    def _advance(self, now: int, final: bool) -> list[Detection]:
        out: list[Detection] = []
        limit = now if final else now - self._cfg.lookahead_s
        while self._s.frontier <= limit:
            rec = fusion.fuse(self._s.frontier, self._s.z, self._s.norm.present, self._cfg)
            self._s.fused[rec.s] = rec
            self._s.frontier += 1
            out += self._step(rec, now)
        region = self._s.region
        if region is not None and (final or moments.ready(self._s, region, now, self._cfg)):
            out += self._close(now)
        out += self._decide_markers(now, final)
        return out

    def _step(self, rec: Fused, now: int) -> list[Detection]:
        cfg, region = self._cfg, self._s.region
        if region is None:
            if rec.score < cfg.exit_score:
                self._s.armed = True
            elif self._s.armed and rec.score >= cfg.enter_score:
                start = rec.s
                while (
                    rec.s - start < cfg.backtrack_s
                    and start - 1 > self._s.closed_until
                    and (prev := self._s.fused.get(start - 1)) is not None
                    and prev.score >= cfg.exit_score
                ):
                    start -= 1
                self._s.region = Region(start, rec.s, rec.s - start + 1, rec.s, rec.score)
                self._s.armed = False
            return []
        if rec.score >= cfg.exit_score:
            region.last_high, region.above = rec.s, region.above + 1
            if rec.score > region.peak:
                region.peak_s, region.peak = rec.s, rec.score
        too_long = rec.s - region.start + 1 >= cfg.max_clip_s
        if rec.s - region.last_high > cfg.max_gap_s or too_long:
            return self._close(now)
        return []

    def _close(self, now: int) -> list[Detection]:
        if self._s.region is None:
            return []
        recs = moments.region_recs(self._s, self._s.region)
        self._s.region, self._s.closed_until = None, self._s.frontier - 1
        # Closed early (deadline, length)? Then the score must dip before a new moment.
        latest = self._s.fused.get(self._s.frontier - 1)
        self._s.armed = latest is None or latest.score < self._cfg.exit_score
        span = moments.candidate(self._s, recs, now, self._cfg)
        if span is None:
            return []
        weaker = moments.outranked(self._s, recs, self._cfg)
        moments.remember_reaction(self._s, recs, self._cfg)
        if weaker:
            return []
        cfg, peak = self._cfg, max(recs, key=lambda r: r.score)
        ev = fusion.evidence(peak, self._s.norm.present, cfg)
        # A creator who already asked for this moment makes it theirs.
        asked = [m for m in self._s.markers if span[0] <= m <= span[1] + cfg.marker_claim_s]
        if not asked:
            return self._s.out.offer(span, peak.score, kind="auto", evidence=ev, now=now, cfg=cfg)
        self._s.markers = [m for m in self._s.markers if m not in asked]
        score, ev = max(peak.score, cfg.marker_score), {**ev, "marker": 1.0}
        return self._s.out.offer(span, score, kind="marker", evidence=ev, now=now, cfg=cfg)

    # ---- creator markers -------------------------------------------------------------
    def _decide_markers(self, now: int, final: bool) -> list[Detection]:
        out: list[Detection] = []
        for m in list(self._s.markers):
            if final or self._s.frontier > m + self._cfg.marker_wait_s:
                self._s.markers.remove(m)
                out += self._marker(m, now)
        return out

    def _marker(self, m: int, now: int) -> list[Detection]:
        """'Clip that': the moment is just behind the marker; an open one is taken over."""
        cfg, region = self._cfg, self._s.region
        lo, hi = m - cfg.marker_lookback_s, m + cfg.marker_wait_s
        if region is not None and region.last_high >= lo and region.start <= hi:
            basis = moments.region_recs(self._s, region)
            self._s.region, self._s.armed = None, False
            self._s.closed_until = self._s.frontier - 1
        else:
            recs = [self._s.fused[s] for s in range(lo, hi + 1) if s in self._s.fused]
            basis = policy.run_around_peak(recs, cfg)
        clip, score, ev = moments.marker_clip(self._s, m, basis, now, cfg)
        return self._s.out.offer(clip, score, kind="marker", evidence=ev, now=now, cfg=cfg)

    # ---- state -----------------------------------------------------------------
    def fused_score(self, s: int) -> float | None:
        """The fused score of second s, while it is remembered (for timelines)."""
        rec = self._s.fused.get(s)
        return None if rec is None else rec.score

    def to_dict(self) -> dict[str, Any]:
        return self._s.to_dict()

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        config: EngineConfig = EngineConfig(),  # noqa: B008 (frozen)
    ) -> LiveDetector:
        det = cls(config)
        det._s = DetectorState.from_dict(data, config)
        return det
