"""Chat for a planned short show (3-8 min): a real room's mess, scaled to its length.

The same pieces as the long rooms (synth_room.py): a room with its own vocabulary (a
quarter of the rooms Traditional Chinese with English emotes), heavy-tailed chatters,
talk on a drifting rate with quiet stretches, and per true moment a reaction that lags
the play's climax by 5-30 s, builds over seconds and fades over 10-40 s (some moments
barely get one). Around it, what is no highlight: bot timers and `!command` answers,
sub notices, sometimes a gift wave, a donation read out, a joke, a poll; the plan's
spam floods (one user, one message), its raid (newcomers pasting one line) and a few
lines about the loud music.
"""

from __future__ import annotations

import math
import random

from liveclips_dev.evaluation import synth_words as words
from liveclips_dev.evaluation.formats import ChatLine
from liveclips_dev.evaluation.synth_crowd import Room
from liveclips_dev.evaluation.synth_noise import Noise, room_bots
from liveclips_dev.evaluation.synth_plan import Moment, ShowPlan, inside
from liveclips_dev.evaluation.synth_react import Reaction, draw_reaction, react
from liveclips_dev.evaluation.synth_vocab import draw_vocab

QUIET_FACTOR = 0.08
_DRIFT_STEP_S = 10.0
_ZH_SHARE = 0.25
# Chance per show of each burst that is no highlight (a short show has a few at most).
_EXTRAS = {"gift_wave": 0.3, "donation": 0.35, "joke": 0.3, "poll": 0.2}


def _drift(rng: random.Random, duration_s: float) -> list[float]:
    """A mean-reverting random walk of log-rate, one multiplier per 10 s."""
    level, out = 0.0, []
    for _ in range(int(duration_s / _DRIFT_STEP_S) + 2):
        out.append(math.exp(level))
        level = 0.8 * level + rng.gauss(0.0, 0.3)
    return out


def moment_reaction(rng: random.Random, moment: Moment) -> Reaction:
    climax = moment.start + rng.uniform(0.3, 0.9) * (moment.end - moment.start)
    if rng.random() < 0.15:  # chat barely notices
        gain = rng.uniform(1.2, 1.6)
    else:
        gain = 1.5 + 5.0 * moment.strength * math.exp(rng.gauss(0.0, 0.3))
    return draw_reaction(rng, climax, gain)


class _ShortChat:
    def __init__(self, rng: random.Random, plan: ShowPlan) -> None:
        self.rng, self.plan = rng, plan
        vocab = draw_vocab(rng, "zh" if rng.random() < _ZH_SHARE else "en")
        chatters = round(rng.uniform(25, 150))
        self.room = Room(rng, plan.duration_s, vocab, chatters=chatters, lurkers=2 * chatters)
        self.drift = _drift(rng, plan.duration_s)
        self.noise = Noise(self.room, room_bots(rng, vocab.channel))

    def level(self, t: float) -> float:
        quiet = QUIET_FACTOR if inside(t, self.plan.quiet) else 1.0
        return self.plan.base_chat_rate * self.drift[int(t / _DRIFT_STEP_S)] * quiet

    def write(self) -> list[ChatLine]:
        rng, plan, room, noise = self.rng, self.plan, self.room, self.noise
        peak = plan.base_chat_rate * max(self.drift)
        room.stream(0.0, plan.duration_s, self.level, peak, room.talk)
        for moment in plan.moments:
            reaction = moment_reaction(rng, moment)
            react(room, reaction, self.level(reaction.onset_s), 0.2 * (moment.strength > 0.6))
        noise.timers(rng.uniform(150, 300))
        room.stream(0.0, plan.duration_s, lambda t: 0.02 * self.level(t), 0.02 * peak,
                    noise.command)  # fmt: skip
        room.stream(0.0, plan.duration_s, lambda _t: 0.006, 0.006, noise.sub)
        for name, chance in _EXTRAS.items():
            if rng.random() < chance:
                at = rng.uniform(0.0, plan.duration_s - 30.0)
                getattr(noise, name)(at, self.level(at))
        self._spam()
        if plan.raid_t is not None:
            noise.raid(plan.raid_t, self.level(plan.raid_t))
        for music in plan.music:
            for _ in range(rng.randint(0, 3)):
                t = rng.uniform(music.start, music.end)
                room.say(t, room.regular(), rng.choice(words.MUSIC_TALK))
        return room.sorted_lines()

    def _spam(self) -> None:
        rng, room = self.rng, self.room
        for span in self.plan.spam:
            user = room.regular() if rng.random() < 0.5 else room.newcomers(1)[0]
            text = rng.choice(words.SPAM).format(streamer=room.vocab.channel)
            t = span.start
            while t < span.end:
                room.say(t, user, text)
                t += rng.uniform(0.4, 2.0)


def generate_chat(rng: random.Random, plan: ShowPlan) -> list[ChatLine]:
    return _ShortChat(rng, plan).write()
