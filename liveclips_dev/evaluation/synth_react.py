"""The room reacting to something, and the viewers who clip it.

Chat lags the action by 5-30 s (each reaction its own lag: the stream's delay, then the
time to read and type), builds up over a few seconds and fades over 10-40 s. A reaction
is a burst *relative to the room's current level*: a busy final reacts with dozens of
messages a second, a quiet lobby with a handful. Its lines are the room's own tokens
(a few picked per reaction), pasted lines for the big ones, and talk.

Viewers clip while they react: a press comes during the reaction, and the clip starts
20-25 s before the press and lasts ~30 s (Twitch's default). Clips are grouped exactly
as the importer groups real ones (liveclips_dev/evaluation/importers/grouping.py).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from liveclips_dev.evaluation.importers.grouping import Clip, find_moments, fit_to_show
from liveclips_dev.evaluation.synth_crowd import Room

LAG_MIN_S, LAG_MAX_S = 5.0, 30.0
DECAY_MIN_S, DECAY_MAX_S = 10.0, 40.0
CLIP_WITHIN_S, MIN_CURATORS = 20.0, 3
CLIP_LENGTH_S = 30.0
_LINES_PER_LEVEL_FLOOR = 0.6  # even an empty room's reaction has a few lines


@dataclass(frozen=True)
class Reaction:
    action_s: float  # when the thing happened on stream
    onset_s: float  # when chat starts reacting
    build_s: float
    decay_s: float
    gain: float  # peak rate over the room's level (0: nobody types)

    @property
    def lag_s(self) -> float:
        return self.onset_s - self.action_s

    @property
    def end_s(self) -> float:
        return self.onset_s + self.build_s + self.decay_s

    def shape(self, t: float) -> float:
        """0..1: rising over `build_s`, then an exponential fade (10 % after `decay_s`)."""
        since = t - self.onset_s
        if since < 0:
            return 0.0
        if since < self.build_s:
            return since / self.build_s
        return math.exp(-2.3 * (since - self.build_s) / self.decay_s)


def draw_lag(rng: random.Random) -> float:
    """Mostly 7-20 s, with a long tail to 30 s (a long stream delay, a slow room)."""
    return min(LAG_MAX_S, LAG_MIN_S + rng.gammavariate(2.0, 4.5))


def draw_reaction(rng: random.Random, action_s: float, gain: float) -> Reaction:
    return Reaction(
        action_s=action_s,
        onset_s=action_s + draw_lag(rng),
        build_s=rng.uniform(2.0, 7.0),
        decay_s=rng.uniform(DECAY_MIN_S, DECAY_MAX_S),
        gain=gain,
    )


def react(room: Room, reaction: Reaction, level: float, pasta_share: float = 0.0) -> list[float]:
    """Writes the reaction's lines; returns their times."""
    rng, vocab = room.rng, room.vocab
    peak = max(level, _LINES_PER_LEVEL_FLOOR) * reaction.gain
    # This reaction's tokens: the room's favourites are the likeliest.
    last = len(vocab.reactions) - 1
    picks = list(
        dict.fromkeys(vocab.reactions[min(last, int(rng.expovariate(0.2)))] for _ in range(5))
    )
    pasta = rng.choice(vocab.pastas) if pasta_share > 0 else ""
    pasted: set[str] = set()

    def line(t: float) -> None:
        user, roll = room.anyone(0.45), rng.random()
        if roll < pasta_share and user not in pasted:
            pasted.add(user)
            room.say(t, user, pasta)
        elif roll < 0.8:
            room.say(t, user, vocab.reaction(rng, picks))
        else:
            room.talk(t)

    def rate(t: float) -> float:
        return peak * reaction.shape(t)

    return room.stream(reaction.onset_s, reaction.end_s, rate, peak, line)


def clip_presses(room: Room, reaction: Reaction, expected: float) -> list[Clip]:
    """The viewers who clip this reaction (curators are mostly people who never type)."""
    rng, clips = room.rng, []
    for _ in range(_poisson(rng, expected)):
        press = reaction.onset_s + rng.uniform(0.5, reaction.build_s + 0.5 * reaction.decay_s)
        start = press - rng.uniform(20.0, 25.0)
        length = CLIP_LENGTH_S if rng.random() < 0.75 else rng.uniform(20.0, 60.0)
        clips.append(Clip(round(start, 2), round(start + length, 2), room.anyone(0.8)))
    return clips


def clip_labels(clips: list[Clip], duration_s: float) -> list[tuple[float, float]]:
    """Clips -> labels as for real shows: within 20 s chained, 3+ curators, medians."""
    moments = find_moments(clips, within_s=CLIP_WITHIN_S, min_curators=MIN_CURATORS).kept
    return list(fit_to_show(moments, duration_s, digits=2).spans)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: means here are small (a few clips per moment).
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
