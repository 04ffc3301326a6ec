"""What happens in a synthetic show: the true moments and the things that look like them.

A plan is pure data drawn from a seeded `random.Random`; the chat, viewer, marker and
video renderers all read the same plan, so every signal agrees on when things happened.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

from liveclips_dev.evaluation.metrics import Interval

Signal = Literal["chat", "viewers", "markers", "video", "picks"]

# A moment is the whole play (real highlights last 20-180 s; a short show has short ones).
MOMENT_MIN_S, MOMENT_MAX_S = 20.0, 45.0
MUSIC_MIN_S, MUSIC_MAX_S = 8.0, 25.0
# Chat reacts 5-30 s after a play's climax and fades over 10-40 s, so a reaction's tail
# may still run when the next event starts, as in a real room.
GAP_MIN_S, GAP_MAX_S = 30.0, 80.0
HEAD_MIN_S, HEAD_MAX_S = 10.0, 30.0
TAIL_S = 20.0


@dataclass(frozen=True)
class Moment:
    start: float
    end: float
    strength: float  # 0..1: how much of a reaction it gets (chat, loudness, viewers)


@dataclass(frozen=True)
class ShowPlan:
    show_id: str
    duration_s: float
    signals: frozenset[Signal]
    moments: tuple[Moment, ...]
    music: tuple[Interval, ...]  # loud music: loud audio, nobody in chat reacts
    raid_t: float | None  # another channel raids: many new viewers, one identical message
    spam: tuple[Interval, ...]  # one user floods the same message
    quiet: tuple[Interval, ...]  # chat nearly stops (host reading, break screen)
    base_chat_rate: float  # messages/s at the start, before drift
    base_viewers: int


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _moment_strength(rng: random.Random) -> float:
    # Skewed towards mid-strength: a few huge moments, many ordinary ones, some weak.
    return round(min(1.0, max(0.15, rng.betavariate(2.2, 2.0))), 3)


def _events(
    rng: random.Random, duration_s: float
) -> tuple[list[Moment], list[Interval], float | None]:
    moments: list[Moment] = []
    music: list[Interval] = []
    raid_t: float | None = None
    t = rng.uniform(HEAD_MIN_S, HEAD_MAX_S)
    while True:
        roll = rng.random()
        if roll < 0.15 and len(music) < 2:
            length = rng.uniform(MUSIC_MIN_S, MUSIC_MAX_S)
            if t + length > duration_s - TAIL_S:
                break
            music.append(Interval(round(t, 2), round(t + length, 2)))
        elif roll < 0.23 and raid_t is None:
            length = 20.0  # the raid message wave takes about this long
            if t + length > duration_s - TAIL_S:
                break
            raid_t = round(t, 2)
        else:
            length = rng.uniform(MOMENT_MIN_S, MOMENT_MAX_S)
            if t + length > duration_s - TAIL_S:
                break
            moments.append(Moment(round(t, 2), round(t + length, 2), _moment_strength(rng)))
        t += length + rng.uniform(GAP_MIN_S, GAP_MAX_S)
    return moments, music, raid_t


def _scattered(
    rng: random.Random, duration_s: float, count: int, low: float, high: float
) -> tuple[Interval, ...]:
    spans = []
    for _ in range(count):
        length = rng.uniform(low, high)
        start = rng.uniform(5.0, max(5.0, duration_s - length - 5.0))
        spans.append(Interval(round(start, 2), round(min(duration_s, start + length), 2)))
    return tuple(sorted(spans, key=lambda s: s.start))


def plan_show(
    rng: random.Random, show_id: str, duration_s: float, signals: frozenset[Signal]
) -> ShowPlan:
    moments, music, raid_t = _events(rng, duration_s)
    if not moments:
        # Every labelled show has at least one moment, or recall is undefined for it.
        start = rng.uniform(HEAD_MIN_S, duration_s / 2)
        moments.append(Moment(round(start, 2), round(start + 25.0, 2), _moment_strength(rng)))
    return ShowPlan(
        show_id=show_id,
        duration_s=round(duration_s, 1),
        signals=signals,
        moments=tuple(moments),
        music=tuple(music),
        raid_t=raid_t,
        spam=_scattered(rng, duration_s, rng.choice([0, 1, 1, 2]), 10.0, 30.0),
        quiet=_scattered(rng, duration_s, rng.choice([0, 1, 1, 2]), 30.0, 90.0),
        base_chat_rate=round(_log_uniform(rng, 0.3, 2.5), 3),
        base_viewers=round(_log_uniform(rng, 40, 3000)),
    )


def inside(t: float, spans: tuple[Interval, ...]) -> bool:
    return any(s.start <= t < s.end for s in spans)
