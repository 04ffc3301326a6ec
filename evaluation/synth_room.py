"""Long chat-only shows whose chat is as messy as a real Twitch room's.

The short shows (synth_chat.py) flatter the detector: one language, a listed hype
vocabulary, tidy lags. Real rooms, and so these shows, have:

- a rate that swings tenfold over hours (lobby, game, break, final), 0.2 to 30+ msg/s;
- a heavy-tailed population: most viewers never type, a few regulars type all the time;
- reactions as the room's own tokens: emotes it invented, runs of one character
  ("77777", "????", "哈哈哈", "ㅋㅋㅋ"), pasted lines, mixed languages;
- a reaction 5-30 s after the action, building over seconds and fading over 10-40 s,
  and moments whose chat barely reacts;
- bursts that are not highlights: bot timers and `!command` answers, subscription and
  gift-sub waves with their thank-you emotes, copy-pasta waves in a break, a raid,
  a question the streamer asks that the whole chat answers.

Labels come the two ways our real evaluation sets have them: "clips" (viewers press
"clip" while they react; a clip starts 20-25 s before the press and lasts ~30 s; a
moment is 3+ distinct curators' clips grouped exactly as the importer groups real ones)
and "reel" (an edited highlight reel: the whole play, 30-180 s).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from evaluation.formats import ChatLine, Span
from evaluation.importers.grouping import Clip, find_moments, fit_to_show

LabelStyle = Literal["clips", "reel"]
Language = Literal["en", "zh"]
PHASE_S = 60.0  # the room's level changes minute by minute
CLIP_BEFORE_PRESS_S, CLIP_LENGTH_S = 25.0, 30.0
_EN_TEXT = (
    "the a is it that this he she they you i we no yes what why how so just like not "
    "was is gonna game play team win lose chat stream guy bro dude man actually literally "
    "again never always maybe good bad nice wait look time round map ult push back"
)
_EN_WORDS = _EN_TEXT.split()
_ZH_CHARS = "的是我你他她们这那了不在有人打好就要会到说去吧吗呢啊看队赢输"
_EN_REACTIONS = ("KEKW", "LUL", "OMEGALUL", "Pog", "PogChamp", "Kreygasm", "monkaS", "EZ")
_ZH_REACTIONS = ("哈哈哈哈", "草", "笑死", "牛逼", "加油", "ㅋㅋㅋㅋ", "www", "太神啦")
_RUNS = ("77777", "????", "!!!!", "WWWW", "666", "LOOOOL", "NOOOO")
_BOTS = ("nightbot", "streamelements", "moobot")
_COMMANDS = ("!uptime", "!rank", "!song", "!discord", "!followage", "!sens")


@dataclass(frozen=True)
class RoomShow:
    duration_s: float
    chat: tuple[ChatLine, ...]
    labels: tuple[Span, ...]
    style: LabelStyle
    language: Language


class _Room:
    def __init__(self, rng: random.Random, hours: float, language: Language) -> None:
        self.rng, self.duration_s, self.language = rng, hours * 3600.0, language
        n_users = rng.randint(3_000, 9_000)
        self.users = [f"viewer{i}_{rng.randrange(10**6)}" for i in range(n_users)]
        self.activity = [1.0 / (rank + 1) ** 1.1 for rank in range(n_users)]
        prefix = rng.choice(("xq", "shr", "nb3", "lck", "pok", "tyl"))
        # The room's own emotes: no list anywhere knows them.
        self.emotes = [f"{prefix}{rng.choice(('L', 'W', 'Pog', 'Sad', 'Hype', 'Lul'))}{k}"
                       for k in range(8)]  # fmt: skip
        global_reactions = _ZH_REACTIONS if language == "zh" else _EN_REACTIONS
        self.reactions = [*self.emotes[:4], *rng.sample(global_reactions, 4), *_RUNS[:3]]
        self.levels = self._levels()
        self.lines: list[ChatLine] = []

    def _levels(self) -> list[float]:
        """Messages per second, minute by minute: a log random walk across phases."""
        rng, level, out = self.rng, math.log(self.rng.uniform(0.5, 3.0)), []
        phase = 1.0
        for _ in range(int(self.duration_s / PHASE_S) + 2):
            if rng.random() < 0.04:  # lobby, break, a big game: the room changes level
                phase = rng.choice((0.15, 0.4, 1.0, 2.0, 4.0))
            level = 0.93 * level + rng.gauss(0.0, 0.18)
            out.append(min(30.0, max(0.1, math.exp(level) * phase)))
        return out

    def rate(self, t: float) -> float:
        return self.levels[min(int(t / PHASE_S), len(self.levels) - 1)]

    def user(self, lurker_share: float = 0.0) -> str:
        if self.rng.random() < lurker_share:
            return self.rng.choice(self.users)  # someone who rarely types
        return self.rng.choices(self.users, self.activity)[0]

    def chatter(self) -> str:
        """Ordinary chat: conversation, questions, mentions, the odd emote."""
        rng = self.rng
        r = rng.random()
        if r < 0.10:
            return rng.choice(self.emotes)
        if r < 0.14:
            return f"@{rng.choice(self.users)} {rng.choice(_EN_WORDS)} {rng.choice(_EN_WORDS)}"
        if self.language == "zh" and r < 0.70:
            return "".join(rng.choice(_ZH_CHARS) for _ in range(rng.randint(3, 14)))
        words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(2, 12))]
        return " ".join(words) + ("?" if rng.random() < 0.15 else "")

    def say(self, t: float, user: str, text: str, kind: str = "message") -> None:
        if 0.0 <= t < self.duration_s:
            self.lines.append(ChatLine(t=round(t, 3), user=user, text=text, kind=kind))

    def stream(self, start: float, end: float, rate: Callable[[float], float],
               line: Callable[[float], tuple[str, str]], peak: float) -> list[float]:  # fmt: skip
        """Poisson arrivals of `rate` by thinning; returns the times it said something."""
        times, t = [], start
        while peak > 0:
            t += self.rng.expovariate(peak)
            if t >= end:
                break
            if self.rng.random() * peak < rate(t):
                user, text = line(t)
                self.say(t, user, text)
                times.append(t)
        return times


def _background(room: _Room) -> None:
    peak = max(room.levels)
    room.stream(0.0, room.duration_s, room.rate, lambda _t: (room.user(), room.chatter()), peak)
    rng = room.rng
    for timer in range(0, int(room.duration_s), 900):  # bot timers
        room.say(timer + rng.uniform(0, 60), rng.choice(_BOTS), "Follow on socials! https://x.co/s")
    for _ in range(int(room.duration_s / 120)):  # commands and the bot's answers
        at, asker = rng.uniform(0, room.duration_s), room.user()
        room.say(at, asker, rng.choice(_COMMANDS))
        room.say(at + rng.uniform(0.5, 2.0), rng.choice(_BOTS), f"@{asker} live for 3h 12m")


def _distractors(room: _Room) -> None:
    """Bursts that are not highlights, about two of each kind an hour."""
    rng, hours = room.rng, room.duration_s / 3600.0
    for _ in range(round(2 * hours)):  # a gift-sub wave, and the room thanking
        t0, gifter = rng.uniform(0, room.duration_s), room.user()
        for k in range(rng.randint(5, 50)):
            room.say(t0 + k * 0.4, gifter, f"{gifter} gifted a Tier 1 sub!", kind="notice")
        thanks = rng.choice(room.emotes[4:])
        for _ in range(rng.randint(5, 40)):
            room.say(t0 + rng.uniform(1, 25), room.user(0.3), f"{thanks} {thanks}")
    for _ in range(round(2 * hours)):  # a copy-pasta wave in a quiet stretch
        t0 = rng.uniform(0, room.duration_s)
        pasta = (
            f"{rng.choice(room.emotes)} this is my copy pasta, do not copy it {rng.random():.3f}"
        )
        for _ in range(rng.randint(10, 70)):
            room.say(t0 + rng.uniform(0, 40), room.user(0.5), pasta)
    for _ in range(round(2 * hours)):  # the streamer asks; everyone answers differently
        t0 = rng.uniform(0, room.duration_s)
        for _ in range(int(room.rate(t0) * rng.uniform(15, 50)) + 5):
            room.say(t0 + rng.uniform(0, 30), room.user(0.4), room.chatter())
    if hours >= 1:  # one raid: newcomers, one line
        t0, line = rng.uniform(0, room.duration_s), f"bigstreamer raid {rng.choice(room.emotes)}"
        for k in range(rng.randint(30, 200)):
            room.say(t0 + rng.uniform(0, 15), f"raider{k}_{rng.randrange(10**6)}", line)


def _moment(room: _Room, action_s: float, action_len: float, strength: float) -> list[Clip]:
    """The room's reaction to one play, and the clips viewers made of it."""
    rng = room.rng
    lag = rng.uniform(5, 12) if rng.random() < 0.6 else rng.uniform(12, 30)
    onset = action_s + rng.uniform(0.3, 0.9) * action_len + lag
    fade = rng.uniform(10, 40)
    level = room.rate(onset)
    boost = level * (1.0 + 4.0 * strength) + strength
    tokens = rng.sample(room.reactions, 3)

    def rate(t: float) -> float:
        ramp = min(1.0, (t - onset) / 3.0)  # a reaction builds up over a few seconds
        return boost * ramp * math.exp(-(t - onset) / fade)

    def line(_t: float) -> tuple[str, str]:
        text = rng.choice(tokens) if rng.random() < 0.7 else room.chatter()
        return room.user(0.5), text

    said = room.stream(onset, onset + 3 * fade, rate, line, boost)
    clips = []
    for t in said:
        if rng.random() < 0.06 * strength * math.exp(-(t - onset) / 10.0):
            press = t + rng.uniform(0, 4)
            start = press - CLIP_BEFORE_PRESS_S + rng.gauss(0, 2)
            clips.append(Clip(start, start + CLIP_LENGTH_S + rng.gauss(0, 3), room.user(0.5)))
    return clips


def generate_room_show(seed: int, hours: float, style: LabelStyle, language: Language) -> RoomShow:
    rng = random.Random(seed)
    room = _Room(rng, hours, language)
    _background(room)
    _distractors(room)
    clips: list[Clip] = []
    reel: list[tuple[float, float]] = []
    t = rng.uniform(240, 900)
    while t < room.duration_s - 240:
        strength = rng.uniform(0.3, 3.0)  # some plays barely move the chat
        length = rng.uniform(10, 40) if style == "clips" else rng.uniform(30, 150)
        clips += _moment(room, t, length, strength)
        if style == "reel" and strength >= 1.0:  # the editor keeps the big plays
            reel.append((t, t + length))
        t += length + rng.expovariate(1 / (540 if style == "clips" else 780)) + 90
    if style == "clips":
        moments = find_moments(clips, within_s=20.0, min_curators=3).kept
        spans = list(fit_to_show(moments, room.duration_s).spans)
    else:
        spans = reel
    labels = tuple(Span(start=round(a, 2), end=round(min(b, room.duration_s), 2)) for a, b in spans)
    chat = tuple(sorted(room.lines, key=lambda c: c.t))
    return RoomShow(room.duration_s, chat, labels, style, language)
