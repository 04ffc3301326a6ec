"""Online per-signal baselines: every signal is judged against its own recent past.

The baseline of a signal is the median of its last `baseline_window_s` seconds and its
spread the MAD (scaled to a standard deviation): moments are frequent (one every 15-60 s
is normal) and an average would learn them as "usual", a median shrugs them off. The
current second is scored before it joins the window, so a z-score only uses the past.
Spreads are floored (absolute, relative to the level, and Poisson for counts) so a quiet
stretch cannot turn one message or one LU of noise into a huge z, and z-scores are
clipped to [0, z_cap]: only "more than usual" is evidence.

A signal a show does not have never appears in `present`, and weighted means are taken
over present signals only, so a chat-only or a video-only show is scored on what it has.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from liveclips.domain.highlight_engine.config import CHAT_SIGNALS, MEDIA_SIGNALS, EngineConfig

LOUDNESS_FLOOR_LUFS = -70.0  # silence reads as -120 and would wreck the level
MAD_TO_STD = 1.4826  # the MAD of a normal distribution times this is its std
COUNT_SIGNALS = frozenset(CHAT_SIGNALS) | {"reactions", "viewer_joins"}
_SMOOTHED = frozenset(CHAT_SIGNALS)


class Normalizer:
    def __init__(self, config: EngineConfig) -> None:
        self._cfg = config
        self._window: dict[str, list[float]] = {}
        self._recent: dict[str, list[float]] = {}
        self._gated: dict[str, int] = {}  # seconds in a row each signal was kept out

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self._window)

    def push(self, values: Mapping[str, float]) -> dict[str, float]:
        """Score one second against the past, then let it join the past."""
        z: dict[str, float] = {}
        for name, raw in values.items():
            if name not in self._cfg.weights or not math.isfinite(raw):
                continue
            x = self._prepare(name, raw)
            window = self._window.setdefault(name, [])
            z[name] = self._score(name, x, window)
            if self._gate(name, z[name]):
                continue
            window.append(x)
            del window[: -max(self._window_s(name), 1)]
        return z

    def _gate(self, name: str, z: float) -> bool:
        """Keep a media second out of its baseline while it stands out, for a while.

        A play is loud for tens of seconds; were its own seconds to join the baseline,
        its spread would swell and the play would stop standing out half way through, so
        the clip would cover only its first seconds. Past `media_gate_max_s` the level has
        changed for good (a louder segment of the show), and the baseline follows it.
        """
        cfg = self._cfg
        if name not in MEDIA_SIGNALS or z < cfg.media_gate_z:
            self._gated.pop(name, None)
            return False
        held = self._gated.get(name, 0) + 1
        if held > cfg.media_gate_max_s:
            return False
        self._gated[name] = held
        return True

    def _window_s(self, name: str) -> int:
        cfg = self._cfg
        return cfg.chat_baseline_window_s if name in _SMOOTHED else cfg.baseline_window_s

    def _score(self, name: str, x: float, window: list[float]) -> float:
        if len(window) < self._cfg.warmup_s:
            return 0.0
        level = statistics.median(window)
        mad = statistics.median(abs(v - level) for v in window)
        std = max(MAD_TO_STD * mad, self._floor(name, level))
        return min(max((x - level) / std, 0.0), self._cfg.z_cap)

    def _prepare(self, name: str, raw: float) -> float:
        if name == "loudness":
            return min(max(raw, LOUDNESS_FLOOR_LUFS), 0.0)
        if name not in _SMOOTHED:
            return raw
        recent = self._recent.setdefault(name, [])
        recent.append(max(raw, 0.0))
        del recent[: -max(self._cfg.chat_smooth_s, 1)]
        return sum(recent) / len(recent)

    def _floor(self, name: str, level: float) -> float:
        floor = self._cfg.std_floors.get(name, 1e-6)
        if name == "loudness":
            return floor
        floor = max(floor, self._cfg.relative_std_floor * abs(level))
        if name in COUNT_SIGNALS:
            n = self._cfg.chat_smooth_s if name in _SMOOTHED else 1
            floor = max(floor, math.sqrt(max(level, 0.0) / max(n, 1)))
        return floor

    def to_dict(self) -> dict[str, Any]:
        return {
            "window": {k: list(v) for k, v in self._window.items()},
            "recent": {k: list(v) for k, v in self._recent.items()},
            "gated": dict(self._gated),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], config: EngineConfig) -> Normalizer:
        norm = cls(config)
        norm._window = {k: [float(x) for x in v] for k, v in data["window"].items()}
        norm._recent = {k: [float(x) for x in v] for k, v in data["recent"].items()}
        norm._gated = {k: int(v) for k, v in data.get("gated", {}).items()}
        return norm


def weighted_mean(
    z: Mapping[str, float],
    names: Iterable[str],
    weights: Mapping[str, float],
    present: Iterable[str],
) -> tuple[float, float]:
    """(score, total weight) over the present, weighted signals among `names`.

    Renormalising over what is present is what lets a chat-only show reach the same
    score range as a show with every signal.
    """
    have = set(present)
    total = score = 0.0
    for name in names:
        w = weights.get(name, 0.0)
        if name in have and w > 0.0:
            total += w
            score += w * z.get(name, 0.0)
    return (score / total if total > 0.0 else 0.0), total
