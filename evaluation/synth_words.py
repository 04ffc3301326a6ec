"""The vocabulary of synthetic chat: user names and what people type."""

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

MUNDANE = (
    "hi chat", "hello everyone", "hey {streamer}", "good morning from {place}",
    "evening from {place}", "what game is this", "how long have you been live",
    "brb", "back", "nice setup", "what mic is that", "is this live?", "first time here",
    "love the stream", "how's everyone doing", "drink water chat", "same", "true",
    "fair enough", "yeah", "nah", "ok", "hmm", "what time is it there", "any plans later?",
    "did you see the update", "my cat is watching too", "i have work tomorrow lol",
    "the audio is fine for me", "whats the schedule this week", "agreed", "good point",
    "{user} hi", "lurking", "can you do a giveaway", "how old is the channel",
    "what are we doing today", "i missed the start, what happened", "chat is slow today",
    "this is so relaxing", "{streamer} what keyboard is that", "the background looks nice",
)  # fmt: skip
PLACES = ("brazil", "poland", "ohio", "manila", "berlin", "lagos", "seoul", "lyon", "perth")

# Baseline chat laughs now and then too, so a single "lol" is not a moment.
MILD_REACTIONS = ("lol", "haha", "xD", "LUL", "😂", "nice", "W")

HYPE = (
    "POGGERS", "LMAO", "LMAOOO", "KEKW", "NO WAY", "no way", "OMG", "CLIP IT", "clip that",
    "WHAT", "HOLY", "insane", "bro what", "LETS GOOO", "hahahaha", "PogChamp", "😂😂😂",
    "🔥🔥🔥", "W", "sheeesh", "he actually did it", "I CANT", "💀💀", "OMEGALUL", "yooo",
    "that was crazy", "HUH", "Pog", "clip it clip it", "LUL LUL LUL",
)  # fmt: skip
REACTION_TALK = (
    "what just happened", "did that really happen", "replay that", "i missed it what",
    "can someone clip that", "best moment of the stream", "my heart", "i'm crying",
)  # fmt: skip
# Copypasta: the identical line many distinct people paste during a big moment.
STORMS = ("CLIP IT 🔥", "NO WAY NO WAY NO WAY", "KEKW KEKW KEKW", "LETS GOOOOO", "🐐🐐🐐")
SPAM = (
    "FOLLOW ME ON MY CHANNEL", "first", "give me mod pls", "👋👋👋👋", "LOL LOL LOL LOL",
    "cheap followers at bestfollows dot com", "notice me {streamer}", "AAAAAAAAAA",
)  # fmt: skip
MUSIC_TALK = ("song?", "what song is this", "this song slaps", "song name pls", "vibing")
RAID_WELCOME = ("welcome raiders", "hi raiders!", "welcome in", "raid hype")


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


def fill(rng: random.Random, template: str, streamer: str, users: list[str]) -> str:
    return template.format(streamer=streamer, place=rng.choice(PLACES), user=rng.choice(users))


def stretched(rng: random.Random, text: str) -> str:
    """People elongate hype words differently ("LETS GOOOOO"), so exact repeats stay rare."""
    if text and text[-1].isalpha() and rng.random() < 0.4:
        return text + text[-1] * rng.randint(1, 4)
    return text
