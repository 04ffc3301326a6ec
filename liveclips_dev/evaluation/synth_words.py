"""User names, and the lines of spam floods and music talk (a room's own words: synth_vocab.py)."""

from __future__ import annotations

import random

_NAME_HEADS = (
    "quiet", "pixel", "mossy", "lucky", "salty", "cozy", "neon", "sleepy", "rapid", "tiny",
    "grumpy", "frosty", "lazy", "wild", "brave", "odd", "sunny", "dusty", "fuzzy", "iron",
    "velvet", "crispy", "lunar", "rusty", "misty", "jolly", "zesty", "shy", "bold", "calm",
)  # fmt: skip
_NAME_TAILS = (
    "fox", "otter", "panda", "ghost", "wizard", "potato", "falcon", "noodle", "badger",
    "koala", "pirate", "taco", "raven", "moose", "gecko", "cactus", "lynx", "bean", "yeti",
    "comet", "mango", "walrus", "ninja", "pickle", "toad", "llama", "beetle", "squid",
)  # fmt: skip
_NAME_STYLES = ("{h}{t}", "{h}_{t}", "{h}{t}{n}", "{H}{T}", "{t}{n}", "x{h}{t}x", "{h}.{t}")

SPAM = (
    "FOLLOW ME ON MY CHANNEL", "first", "give me mod pls", "👋👋👋👋", "LOL LOL LOL LOL",
    "cheap followers at bestfollows dot com", "notice me {streamer}", "AAAAAAAAAA",
)  # fmt: skip
MUSIC_TALK = ("song?", "what song is this", "this song slaps", "song name pls", "vibing")


def user_name(rng: random.Random) -> str:
    head, tail = rng.choice(_NAME_HEADS), rng.choice(_NAME_TAILS)
    return rng.choice(_NAME_STYLES).format(
        h=head, t=tail, H=head.capitalize(), T=tail.capitalize(), n=rng.randint(1, 999)
    )


def unique_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` fresh names, none in `taken` (which is updated)."""
    names: list[str] = []
    while len(names) < count:
        name = user_name(rng)
        if name in taken:
            name = f"{name}{rng.randint(1000, 9999)}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names
