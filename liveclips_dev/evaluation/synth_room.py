"""Long chat-only shows (1-8 h) whose chat behaves like a real Twitch room's.

The pieces: a room's arc over hours (synth_rate.py: lobby, games, breaks, a final, a
tenfold swing and more), its people (synth_crowd.py: most never type, a few type all the
time), its own vocabulary (synth_vocab.py), reactions that lag the play by 5-30 s and
fade over 10-40 s (synth_react.py), and bursts that are no highlight (synth_noise.py).

Plays happen during games and the final. How much a play matters (`importance`: how
many viewers clip it, whether the editor keeps it) and how loud chat gets (`gain`) are
related but not the same: some plays that matter get little chat, and many chat bursts
(a donation read out, a joke, a poll, a pasta) are no play at all.

Labels come the two ways our real sets have them: "clips" (viewers' clips grouped like
real ones: within 20 s, 3+ curators, median start to median end) and "reel" (an editor
keeps the whole play, 30-180 s, with chat reacting during and after it).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

from liveclips_dev.evaluation.formats import ChatLine, Span
from liveclips_dev.evaluation.importers.grouping import Clip
from liveclips_dev.evaluation.synth_crowd import Room
from liveclips_dev.evaluation.synth_noise import Noise, room_bots
from liveclips_dev.evaluation.synth_rate import RateCurve, room_curve
from liveclips_dev.evaluation.synth_react import (
    Reaction,
    clip_labels,
    clip_presses,
    draw_reaction,
    react,
)
from liveclips_dev.evaluation.synth_vocab import Language, draw_vocab

LabelStyle = Literal["clips", "reel"]
REEL_MIN_S, REEL_MAX_S = 30.0, 180.0
__all__ = ["LabelStyle", "Language", "Play", "RoomShow", "generate_room_show"]


@dataclass(frozen=True)
class Play:
    start: float
    end: float
    importance: float  # ~1 typical; how many viewers clip it, whether an editor keeps it
    reactions: tuple[Reaction, ...]


@dataclass(frozen=True)
class RoomShow:
    duration_s: float
    chat: tuple[ChatLine, ...]
    labels: tuple[Span, ...]
    style: LabelStyle
    language: Language
    plays: tuple[Play, ...] = ()
    curve: RateCurve | None = None


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _chat_gain(rng: random.Random, importance: float) -> float:
    if rng.random() < 0.15:  # a play that matters, and chat barely notices
        return rng.uniform(1.1, 1.6)
    return 1.3 + 2.2 * importance * math.exp(rng.gauss(0.0, 0.45))


def _plays(rng: random.Random, room: Room, curve: RateCurve, style: LabelStyle) -> list[Play]:
    plays: list[Play] = []
    t = curve.phases[0].end + rng.uniform(60, 240)
    while t < room.duration_s - 240:
        phase = curve.phase(t)
        if phase.kind in ("lobby", "break"):
            t = phase.end + rng.uniform(30, 120)
            continue
        importance = math.exp(rng.gauss(-0.1, 0.65))
        if style == "clips":
            length = rng.uniform(5, 30)
            climaxes = [t + rng.uniform(0.4, 1.0) * length]
        else:
            length = rng.uniform(30, 150)
            climaxes = sorted(t + rng.uniform(0.2, 1.0) * length for _ in range(rng.randint(1, 3)))
        reactions = []
        for k, at in enumerate(climaxes):
            reaction = draw_reaction(rng, at, _chat_gain(rng, importance) / (1 + 0.5 * k))
            pasta = 0.15 if importance > 1.5 and k == 0 else 0.0
            react(room, reaction, curve.at(reaction.onset_s), pasta)
            reactions.append(reaction)
        plays.append(Play(round(t, 2), round(t + length, 2), importance, tuple(reactions)))
        t += length + 60 + rng.expovariate(1 / 220.0)
    return plays


def _noise(rng: random.Random, room: Room, curve: RateCurve) -> None:
    noise = Noise(room, room_bots(rng, room.vocab.channel))
    noise.timers(rng.uniform(600, 1200))
    room.stream(0, room.duration_s, lambda t: 0.025 * curve.at(t), 0.025 * max(curve.levels),
                noise.command)  # fmt: skip
    room.stream(0, room.duration_s, lambda t: 0.001 + 0.008 * curve.at(t),
                0.001 + 0.008 * max(curve.levels), noise.sub)  # fmt: skip
    for phase in curve.phases:
        if phase.kind == "break":
            noise.ad_break(phase.start + rng.uniform(0, 20), curve.at(phase.start))
            noise.spam_wave(rng.uniform(phase.start + 30, phase.end), curve.at(phase.start))
    hours = room.duration_s / 3600
    events = {noise.gift_wave: 1.5, noise.donation: 1.5, noise.joke: 1.0, noise.poll: 0.7,
              noise.spam_wave: 0.5, noise.giveaway: 0.3, noise.raid: 0.6}  # fmt: skip
    for event, per_hour in events.items():
        for _ in range(max(0, round(rng.gauss(per_hour * hours, math.sqrt(per_hour * hours))))):
            at = rng.uniform(0, room.duration_s - 90)
            event(at, curve.at(at))
    for _ in range(round(hours * rng.uniform(0.5, 1.5))):
        noise.flood(rng.uniform(0, room.duration_s - 130))


def _labels(rng: random.Random, room: Room, plays: list[Play], style: LabelStyle,
            curve: RateCurve) -> list[tuple[float, float]]:  # fmt: skip
    if style == "clips":
        clips: list[Clip] = []
        for play in plays:
            audience = 1.2 + 2.0 * math.sqrt(curve.at(play.reactions[0].onset_s))
            clips += clip_presses(room, play.reactions[0], play.importance * audience)
        return clip_labels(clips, room.duration_s)
    spans = []
    for play in plays:  # the editor keeps the plays that matter, and one in a while another
        if play.importance * rng.uniform(0.6, 1.5) < 0.75:
            continue
        end = max(play.end + rng.uniform(5, 25), play.start + REEL_MIN_S)
        spans.append((play.start, min(end, play.start + REEL_MAX_S, room.duration_s)))
    return spans


def generate_room_show(seed: int, hours: float, style: LabelStyle, language: Language) -> RoomShow:
    rng = random.Random(f"liveclips-room:{seed}:{style}:{language}")
    duration = round(hours * 3600.0, 1)
    vocab = draw_vocab(rng, language)
    base = _log_uniform(rng, 0.8, 2.2)
    curve = room_curve(rng, duration, base)
    chatters = int(400 * base * (1 + hours))
    room = Room(rng, duration, vocab, chatters=chatters, lurkers=3 * chatters)
    room.stream(0, duration, curve.at, max(curve.levels), room.talk)
    _noise(rng, room, curve)
    plays = _plays(rng, room, curve, style)
    spans = _labels(rng, room, plays, style, curve)
    labels = tuple(Span(start=round(a, 2), end=round(b, 2)) for a, b in spans)
    return RoomShow(duration, tuple(room.sorted_lines()), labels, style, language,
                    tuple(plays), curve)  # fmt: skip
