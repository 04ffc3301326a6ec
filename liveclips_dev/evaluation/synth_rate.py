"""How busy a long room is, minute by minute: its arc over hours.

A show opens on a quiet lobby, plays games with breaks in between (ad breaks, BRB),
and ends on a final that is many times busier than the lobby; on top of that the level
drifts minute to minute. Phases change over a few minutes, not at once. A 5-minute
window in the final is easily tenfold one in the lobby.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

PhaseKind = Literal["lobby", "game", "break", "final"]
STEP_S = 60.0
_CROSSFADE_STEPS = 3


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    start: float
    end: float
    level: float  # messages/s before the drift


@dataclass(frozen=True)
class RateCurve:
    phases: tuple[Phase, ...]
    levels: tuple[float, ...]  # messages/s, one per STEP_S

    def at(self, t: float) -> float:
        return self.levels[min(int(t / STEP_S), len(self.levels) - 1)]

    def phase(self, t: float) -> Phase:
        return next((p for p in self.phases if p.start <= t < p.end), self.phases[-1])


def plan_phases(rng: random.Random, duration_s: float, base: float) -> tuple[Phase, ...]:
    lobby_end = duration_s * rng.uniform(0.06, 0.15)
    final_start = duration_s * rng.uniform(0.7, 0.82)
    phases = [Phase("lobby", 0.0, lobby_end, base * rng.uniform(0.05, 0.12))]
    t = lobby_end
    while t < final_start:
        game_end = min(final_start, t + rng.uniform(12, 40) * 60)
        phases.append(Phase("game", t, game_end, base * math.exp(rng.uniform(-0.7, 0.7))))
        t = game_end
        if t < final_start - 600:
            brk = rng.uniform(3, 9) * 60
            phases.append(Phase("break", t, t + brk, base * rng.uniform(0.1, 0.25)))
            t += brk
    phases.append(Phase("final", t, duration_s, base * rng.uniform(3.0, 6.0)))
    return tuple(phases)


def room_curve(rng: random.Random, duration_s: float, base: float) -> RateCurve:
    phases = plan_phases(rng, duration_s, base)
    steps = int(duration_s / STEP_S) + 1
    target = [next(p.level for p in phases if p.end > i * STEP_S or p is phases[-1])
              for i in range(steps)]  # fmt: skip
    drift, levels = 0.0, []
    for i in range(steps):
        window = target[max(0, i - _CROSSFADE_STEPS + 1) : i + 1]
        smooth = math.exp(sum(math.log(x) for x in window) / len(window))
        drift = 0.85 * drift + rng.gauss(0.0, 0.12)
        levels.append(round(smooth * math.exp(drift), 4))
    return RateCurve(phases, tuple(levels))
