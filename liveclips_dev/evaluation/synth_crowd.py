"""A room: who is in it, and the chat lines they write.

Most viewers never type. Of those who do, activity is heavy-tailed (Zipf): a few
regulars write a large share of everything; lurkers speak up only when something
happens. Arrivals are Poisson processes sampled by thinning, so any rate curve
(a room's level, a reaction's build-up and decay) can be written with one helper.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import deque
from collections.abc import Callable

from liveclips_dev.evaluation import synth_words
from liveclips_dev.evaluation.formats import ChatKind, ChatLine
from liveclips_dev.evaluation.synth_vocab import Vocab

# Zipf with an offset: the top chatter writes a few percent of a big room's lines, the
# top 1 % of chatters nearly half.
ZIPF_EXPONENT, ZIPF_OFFSET = 1.1, 8


class Room:
    def __init__(
        self, rng: random.Random, duration_s: float, vocab: Vocab, chatters: int, lurkers: int
    ) -> None:
        self.rng, self.duration_s, self.vocab = rng, duration_s, vocab
        self.taken: set[str] = set()
        self.regulars = synth_words.unique_names(rng, chatters, self.taken)
        weights = (1.0 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT for rank in range(chatters))
        self._cum = list(itertools.accumulate(weights))
        self.lurkers = synth_words.unique_names(rng, lurkers, self.taken)
        self.recent: deque[str] = deque(maxlen=12)  # who spoke lately, for @replies
        self.lines: list[ChatLine] = []

    def regular(self) -> str:
        """A chatter, the most active ones far more often (cumulative weights: O(log n))."""
        x = self.rng.random() * self._cum[-1]
        return self.regulars[bisect.bisect_left(self._cum, x)]

    def anyone(self, lurker_share: float) -> str:
        if self.rng.random() < lurker_share:
            return self.rng.choice(self.lurkers)
        return self.regular()

    def newcomers(self, count: int) -> list[str]:
        return synth_words.unique_names(self.rng, count, self.taken)

    def say(self, t: float, user: str, text: str, kind: ChatKind = "message") -> None:
        if 0.0 <= t < self.duration_s:
            self.lines.append(ChatLine(t=round(t, 2), user=user, text=text, kind=kind))

    def talk(self, t: float) -> None:
        """One ordinary line: mostly talk, sometimes an @reply to someone who just spoke."""
        rng, user = self.rng, self.regular()
        if self.recent and rng.random() < 0.1:
            text = f"@{rng.choice(self.recent)} {self.vocab.chatter(rng)}"
        else:
            text = self.vocab.chatter(rng)
        self.recent.append(user)
        self.say(t, user, text)

    def stream(
        self,
        start: float,
        end: float,
        rate: Callable[[float], float],
        peak: float,
        line: Callable[[float], None],
    ) -> list[float]:
        """Calls `line(t)` at Poisson arrivals of `rate` (<= `peak`); returns the times."""
        times: list[float] = []
        rng, t = self.rng, start
        end = min(end, self.duration_s)
        while peak > 0:
            t += rng.expovariate(peak)
            if t >= end:
                break
            if rng.random() * peak < rate(t):
                line(t)
                times.append(t)
        return times

    def sorted_lines(self) -> list[ChatLine]:
        return sorted(self.lines, key=lambda c: c.t)
