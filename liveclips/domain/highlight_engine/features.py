"""Per-second features from raw chat, viewer counts and creator markers (pure).

Each builder returns {second: {feature: value}}; `merge_features` turns any number of
them into the SecondFeatures the detector consumes. Media features (loudness, scene,
motion) come from media analysis and merge the same way.

Besides the contract's chat features, `chat_features` emits "chat_raid": messages in the
second that belong to a raid wave, i.e. one near-identical line pasted by almost all of
the recent first-time chatters. Those messages are left out of every other chat feature:
a raid is another channel arriving, not this audience reacting, and without video nothing
else tells the two apart. (A big moment's copypasta is one line among the many things
its newcomers say.) Everything is causal: a message is judged only on those before it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from liveclips.domain.highlight_engine.chat_tokens import (
    is_noise,
    looks_like_reaction,
    reaction_tokens,
)
from liveclips.domain.highlight_engine.types import SecondFeatures

PerSecond = dict[int, dict[str, float]]

SPAM_REPEAT_S = 30.0  # a user saying the same thing again within this counts once
PER_USER_PER_SECOND = 1  # nobody reacts faster than this; more is a bot or a flood
STORM_WINDOW_S = 5
RAID_WINDOW_S = 15.0  # a raid's identical line arrives over ~15 s
RAID_MIN_SENDERS = 5
RAID_NEW_SHARE = 0.8  # share of the recent first-time chatters who pasted that line
RAID_KEY_HOLD_S = 60.0  # the raid line keeps being a raid line for this long
CLIP_MARKER_KINDS = frozenset({"clip", "clip_that", "highlight"})
ECHO_WINDOW_S = 8  # a room's reaction to one moment arrives over several seconds
ECHO_MIN_USERS = 3  # a token three people type at once is the room's, not one person's

_REPEATS = re.compile(r"(.)\1+")
_WORD = re.compile(r"\w+")
_SYMBOL = "So"  # emoji and other pictographs: part of what a line says


def collapse(text: str) -> str:
    """NFKC + casefold + squeeze repeats: 'LOOOOL' and 'lool' both become 'lol'."""
    return _REPEATS.sub(r"\1", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class ChatMessage:
    t: float
    user: str
    text: str
    # "notice": a platform's system line (a subscription, a gifted sub, a raid banner) that
    # an export carries among the messages; it is the platform talking, not the audience.
    kind: str = "message"


def message_key(text: str) -> str:
    """What near-identical messages share: squeezed words, punctuation and repeats gone."""
    norm = collapse(text)
    words = _WORD.findall(norm) + [c for c in norm if unicodedata.category(c) == _SYMBOL]
    squeezed = [w for i, w in enumerate(words) if i == 0 or w != words[i - 1]]
    return " ".join(squeezed) or norm.strip()


def is_hype(text: str) -> bool:
    """Shaped like a reaction in any language (see chat_tokens.looks_like_reaction)."""
    return looks_like_reaction(text)


def _seconds(duration_s: float) -> int:
    return max(0, math.ceil(duration_s))


class _RaidWatch:
    """Recognises a raid line from its first-time senders, causally."""

    def __init__(self) -> None:
        self._recent: deque[tuple[float, str, str, bool]] = deque()  # t, key, user, first
        self._raid_keys: dict[str, float] = {}  # key -> last seen as a raid line

    def is_raid(self, t: float, key: str, user: str, first_time: bool) -> bool:
        self._recent.append((t, key, user, first_time))
        while self._recent and self._recent[0][0] < t - RAID_WINDOW_S:
            self._recent.popleft()
        held = self._raid_keys.get(key)
        if held is not None and t - held <= RAID_KEY_HOLD_S:
            self._raid_keys[key] = t
            return True
        newcomers = {u for _, _, u, f in self._recent if f}
        firsts = len({u for _, k, u, f in self._recent if f and k == key})
        # Raiders arrive to paste the raid line; newcomers drawn in by a moment say all
        # sorts of things, its copypasta being only one of them.
        if firsts >= RAID_MIN_SENDERS and firsts >= RAID_NEW_SHARE * len(newcomers):
            self._raid_keys[key] = t
            return True
        return False


class _Echo:
    """Who, in the last few seconds, typed a short token that others typed too."""

    def __init__(self) -> None:
        self._lines: deque[tuple[int, str, tuple[str, ...]]] = deque()
        self._users: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add(self, t: int, user: str, text: str) -> tuple[str, ...]:
        tokens = reaction_tokens(text)
        if tokens:
            self._lines.append((t, user, tokens))
            for token in tokens:
                self._users[token][user] += 1
        return tokens

    def expire(self, before: int) -> None:
        while self._lines and self._lines[0][0] < before:
            _, user, tokens = self._lines.popleft()
            for token in tokens:
                users = self._users[token]
                users[user] -= 1
                if users[user] <= 0:
                    del users[user]
                if not users:
                    del self._users[token]

    def echoed(self, tokens: tuple[str, ...]) -> bool:
        return any(len(self._users.get(token, ())) >= ECHO_MIN_USERS for token in tokens)


def chat_features(
    messages: Sequence[ChatMessage], duration_s: float, known_users: Collection[str] = ()
) -> PerSecond:
    """Chat features per second. `known_users` have chatted before these messages: a live
    caller that computes over a recent window passes them, so regulars stay regulars.

    Notices, bots, `!commands` and links are left out (chat_tokens.is_noise). chat_hype
    counts the chatters of the second whose line is a reaction: shaped like one, or a
    short token that at least ECHO_MIN_USERS people typed within ECHO_WINDOW_S.
    """
    n = _seconds(duration_s)
    names = ("chat_rate", "chat_unique", "chat_hype", "chat_storm", "chat_raid")
    out: PerSecond = {t: dict.fromkeys(names, 0.0) for t in range(n)}
    last_said: dict[tuple[str, str], float] = {}
    per_user: Counter[tuple[str, int]] = Counter()
    seen_users: set[str] = set(known_users)
    raids = _RaidWatch()
    by_second: defaultdict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for m in sorted((m for m in messages if 0.0 <= m.t < n), key=lambda m: m.t):
        if is_noise(m.user, m.text, m.kind):
            continue
        t, key = int(m.t), message_key(m.text)
        first_time = m.user not in seen_users
        seen_users.add(m.user)
        if raids.is_raid(m.t, key, m.user, first_time):
            out[t]["chat_raid"] += 1.0
            continue
        by_second[t].append((m.user, key, m.text))
    storm: deque[tuple[int, str, str]] = deque()
    echo = _Echo()
    for t in range(n):
        said = by_second.get(t, ())
        echo.expire(t - ECHO_WINDOW_S + 1)
        counted: list[tuple[str, str, tuple[str, ...]]] = []
        for user, key, text in said:
            tokens = echo.add(t, user, text)
            previous = last_said.get((user, key))
            last_said[(user, key)] = float(t)
            if previous is not None and t - previous <= SPAM_REPEAT_S:
                continue
            if per_user[(user, t)] >= PER_USER_PER_SECOND:
                continue
            per_user[(user, t)] += 1
            counted.append((user, text, tokens))
        reacting = {u for u, text, tokens in counted if is_hype(text) or echo.echoed(tokens)}
        out[t]["chat_rate"] = float(len(counted))
        out[t]["chat_unique"] = float(len({u for u, _, _ in counted}))
        out[t]["chat_hype"] = float(len(reacting))
        storm.extend((t, user, key) for user, key, _ in said)
        while storm and storm[0][0] <= t - STORM_WINDOW_S:
            storm.popleft()
        groups: defaultdict[str, set[str]] = defaultdict(set)
        for _, user, key in storm:
            groups[key].add(user)
        out[t]["chat_storm"] = float(max((len(g) for g in groups.values()), default=0))
    return out


def viewer_features(samples: Sequence[tuple[float, int]], duration_s: float) -> PerSecond:
    """Concurrency carried forward from the last sample, and the joins (positive deltas)."""
    n = _seconds(duration_s)
    ordered = sorted(samples)
    out: PerSecond = {}
    i, current, previous = 0, None, None
    for t in range(n):
        joins = 0.0
        while i < len(ordered) and ordered[i][0] < t + 1:
            count = float(ordered[i][1])
            if previous is not None and count > previous:
                joins += count - previous
            previous = current = count
            i += 1
        if current is not None:
            out[t] = {"viewers": current, "viewer_joins": joins}
    return out


def marker_features(
    markers: Sequence[tuple[float, str]], kinds: Collection[str] = CLIP_MARKER_KINDS
) -> PerSecond:
    """marker=1.0 in the second of each clip request; chapters and polls are not one."""
    return {int(t): {"marker": 1.0} for t, kind in markers if t >= 0.0 and kind in kinds}


def merge_features(
    duration_s: float, *per_second: Mapping[int, Mapping[str, float]]
) -> list[SecondFeatures]:
    n = _seconds(duration_s)
    merged: list[dict[str, float]] = [{} for _ in range(n)]
    for source in per_second:
        for t, values in source.items():
            if 0 <= t < n:
                merged[t].update(values)
    return [SecondFeatures(t=t, values=v) for t, v in enumerate(merged)]
