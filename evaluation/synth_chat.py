"""Synthetic chat for a planned show.

Chat is a sum of arrival processes, each sampled by thinning an upper-bound Poisson
process: drifting baseline chatter (quieter in quiet stretches), a lagged burst per true
moment, spam floods, a raid wave of new users, talk about music, and isolated reactions.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from evaluation import synth_words as words
from evaluation.formats import ChatLine
from evaluation.synth_plan import Moment, ShowPlan, inside

BURST_LAG_MIN_S, BURST_LAG_MAX_S = 2.0, 6.0
QUIET_FACTOR = 0.08
_DRIFT_STEP_S = 10.0
_NOISE_EVERY_S = 45.0  # an isolated hype message from one viewer, roughly this often
RAID_WAVE_S = 15.0


def _arrivals(
    rng: random.Random, start: float, end: float, rate: Callable[[float], float], peak: float
) -> list[float]:
    times: list[float] = []
    if peak <= 0:
        return times
    t = start
    while True:
        t += rng.expovariate(peak)
        if t >= end:
            return times
        if rng.random() * peak < rate(t):
            times.append(t)


def _drift(rng: random.Random, duration_s: float) -> list[float]:
    """A mean-reverting random walk of log-rate, one multiplier per 10 s."""
    level, out = 0.0, []
    for _ in range(int(duration_s / _DRIFT_STEP_S) + 2):
        out.append(math.exp(level))
        level = 0.8 * level + rng.gauss(0.0, 0.25)
    return out


class _Chat:
    def __init__(self, rng: random.Random, plan: ShowPlan) -> None:
        self.rng, self.plan = rng, plan
        taken: set[str] = set()
        self.streamer = words.user_name(rng)
        taken.add(self.streamer)
        self.regulars = words.unique_names(rng, round(rng.uniform(25, 150)), taken)
        # Zipf-like activity: a few people talk all the time, most say little.
        self.weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(self.regulars))]
        # Lurkers only speak up when something happens.
        self.lurkers = words.unique_names(rng, len(self.regulars), taken)
        self.taken = taken
        self.lines: list[ChatLine] = []

    def say(self, t: float, user: str, text: str) -> None:
        if 0 <= t < self.plan.duration_s:
            self.lines.append(ChatLine(t=round(t, 2), user=user, text=text))

    def regular(self) -> str:
        return self.rng.choices(self.regulars, self.weights)[0]

    def baseline(self) -> None:
        rng, plan = self.rng, self.plan
        drift = _drift(rng, plan.duration_s)

        def rate(t: float) -> float:
            quiet = QUIET_FACTOR if inside(t, plan.quiet) else 1.0
            return plan.base_chat_rate * drift[int(t / _DRIFT_STEP_S)] * quiet

        peak = plan.base_chat_rate * max(drift)
        for t in _arrivals(rng, 0.0, plan.duration_s, rate, peak):
            if rng.random() < 0.05:
                text = rng.choice(words.MILD_REACTIONS)
            else:
                text = words.fill(rng, rng.choice(words.MUNDANE), self.streamer, self.regulars)
            self.say(t, self.regular(), text)

    def burst(self, moment: Moment) -> None:
        rng, s = self.rng, moment.strength
        onset = moment.start + rng.uniform(BURST_LAG_MIN_S, BURST_LAG_MAX_S)
        sustain = moment.end - moment.start
        decay = rng.uniform(2.5, 6.0)
        # Bigger audiences react harder in absolute terms, but even a tiny chat spikes.
        peak = max(1.5, self.plan.base_chat_rate) * (1.5 + 6.0 * s) * rng.uniform(0.8, 1.25)

        def rate(t: float) -> float:
            ramp = min(1.0, (t - onset) / 1.5)
            past = t - onset - sustain
            return peak * ramp * (math.exp(-past / decay) if past > 0 else 1.0)

        storm = rng.choice(words.STORMS) if rng.random() < s else None
        stormers: set[str] = set()
        for t in _arrivals(rng, onset, onset + sustain + 4 * decay, rate, peak):
            user = self.regular() if rng.random() < 0.5 else rng.choice(self.lurkers)
            roll = rng.random()
            if storm is not None and roll < 0.3 and user not in stormers:
                stormers.add(user)
                text = storm
            elif roll < 0.8:
                text = words.stretched(rng, rng.choice(words.HYPE))
            else:
                text = rng.choice(words.REACTION_TALK)
            self.say(t, user, text)

    def spam(self) -> None:
        rng = self.rng
        for span in self.plan.spam:
            user = (
                self.regular() if rng.random() < 0.5 else words.unique_names(rng, 1, self.taken)[0]
            )
            text = words.fill(rng, rng.choice(words.SPAM), self.streamer, self.regulars)
            t = span.start
            while t < span.end:
                self.say(t, user, text)
                t += rng.uniform(0.4, 2.0)

    def raid(self) -> None:
        rng, raid_t = self.rng, self.plan.raid_t
        if raid_t is None:
            return
        raider = words.user_name(rng)
        message = f"{raider} RAID 💜 {raider} RAID 💜"
        for user in words.unique_names(rng, rng.randint(15, 80), self.taken):
            self.say(raid_t + rng.triangular(0.0, RAID_WAVE_S, 2.0), user, message)
        for _ in range(rng.randint(1, 4)):
            self.say(raid_t + rng.uniform(2, 12), self.regular(), rng.choice(words.RAID_WELCOME))

    def noise(self) -> None:
        rng, plan = self.rng, self.plan
        for _ in range(round(plan.duration_s / _NOISE_EVERY_S)):
            self.say(rng.uniform(0, plan.duration_s), self.regular(), rng.choice(words.HYPE))
        for music in plan.music:
            for _ in range(rng.randint(0, 3)):
                t = rng.uniform(music.start, music.end)
                self.say(t, self.regular(), rng.choice(words.MUSIC_TALK))


def generate_chat(rng: random.Random, plan: ShowPlan) -> list[ChatLine]:
    chat = _Chat(rng, plan)
    chat.baseline()
    for moment in plan.moments:
        chat.burst(moment)
    chat.spam()
    chat.raid()
    chat.noise()
    return sorted(chat.lines, key=lambda line: line.t)
