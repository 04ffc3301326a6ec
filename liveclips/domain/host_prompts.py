"""Questions for the host without AI: what chat asked most, and when to suggest again.

A line is a question if a sentence of it ends in "?" or opens with a question word
("how old are you"). Questions are compared in a normal form (case, punctuation,
repeated letters, chat spellings like "u"/"ur" and filler like "hey"/"pls" removed) and
grouped when their words overlap enough, so "whats ur setup??" and "What's your setup"
count as one question asked by two people. Ranking: distinct askers (one person
repeating themselves is not demand), then the most recently asked.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Protocol

QUESTION_WORDS = frozenset(
    ("what", "why", "how", "when", "where", "who", "whom", "whose", "which", "is", "are",
     "am", "can", "could", "do", "does", "did", "will", "would", "should", "shall", "have",
     "has", "was", "were", "may", "might", "whats", "hows", "wheres", "whos", "whens", "whys")
)  # fmt: skip
_SPELLINGS = {"u": "you", "ur": "your", "r": "are", "ya": "you", "y": "why", "wat": "what"}
_FILLER = frozenset(
    ("hey", "hi", "yo", "pls", "plz", "please", "guys", "bro", "lol", "lmao", "um", "uh",
     "so", "just")
)  # fmt: skip
_MENTION_OR_URL = re.compile(r"@\w+|https?://\S+")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_NOT_WORD = re.compile(r"[^\w\s]")
_REPEATS = re.compile(r"(\w)\1{2,}")
MIN_WORDS = 3
MAX_CHARS = 200
SIMILAR = 0.7


class ChatSaid(Protocol):
    """A chat line as this module needs it (liveclips.services.moderation.ChatLine is one)."""

    @property
    def user_id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def sent_at(self) -> datetime: ...


@dataclass(frozen=True)
class AskedQuestion:
    text: str  # the most common phrasing, as written
    askers: int  # distinct users
    last_asked_at: datetime


def question_in(text: str) -> str | None:
    """The first question sentence of a chat line, cleaned for display, if it has one."""
    cleaned = " ".join(_MENTION_OR_URL.sub(" ", unicodedata.normalize("NFKC", text)).split())
    for match in _SENTENCE.finditer(cleaned):
        sentence = match.group().strip()
        words = normal_words(sentence)
        if len(words) < MIN_WORDS:
            continue
        if sentence.endswith("?") or words[0] in QUESTION_WORDS:
            return sentence[:MAX_CHARS]
    return None


def normal_words(text: str) -> list[str]:
    lowered = _REPEATS.sub(r"\1", _NOT_WORD.sub("", text.lower()))
    words = [_SPELLINGS.get(w, w) for w in lowered.split()]
    return [w for w in words if w not in _FILLER]


def similar(a: list[str], b: list[str]) -> bool:
    """Near-duplicates: mostly the same words, or nearly the same string (typos)."""
    sa, sb = set(a), set(b)
    if sa and sb and len(sa & sb) / len(sa | sb) >= SIMILAR:
        return True
    return SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.85


class _Group:
    """One question, however it was phrased, and who asked it when."""

    def __init__(self, words: list[str], first_at: datetime) -> None:
        self.words = words
        self.phrasings: Counter[str] = Counter()  # by their lower case
        self.written: dict[str, tuple[str, datetime]] = {}  # the cleanest way, when
        self.askers: set[str] = set()
        self.last_at = first_at

    def add(self, question: str, user_id: str, at: datetime) -> None:
        phrasing = question.rstrip("?!. ") + "?"
        key = phrasing.lower()
        self.phrasings[key] += 1
        kept = self.written.get(key)
        if kept is None or _untidiness(phrasing) < _untidiness(kept[0]):
            self.written[key] = (phrasing, at)
        self.askers.add(user_id)
        self.last_at = max(self.last_at, at)

    def asked(self) -> AskedQuestion:
        """Shown as chat wrote it most often; among equals the tidiest, then the latest."""
        key = max(
            self.phrasings,
            key=lambda k: (self.phrasings[k], -_untidiness(self.written[k][0]), self.written[k][1]),
        )
        return AskedQuestion(self.written[key][0], len(self.askers), self.last_at)


def _untidiness(phrasing: str) -> int:
    """Chat spellings, filler and shouting: what makes a phrasing worse to show the host."""
    words = _NOT_WORD.sub("", phrasing.lower()).split()
    return sum(w in _SPELLINGS or w in _FILLER for w in words) + phrasing.isupper()


def most_asked(messages: Iterable[ChatSaid], limit: int = 3) -> list[AskedQuestion]:
    groups: list[_Group] = []
    for message in sorted(messages, key=lambda m: m.sent_at):
        question = question_in(message.text)
        if question is None:
            continue
        words = normal_words(question)
        group = next((g for g in groups if similar(g.words, words)), None)
        if group is None:
            group = _Group(words, message.sent_at)
            groups.append(group)
        group.add(question, message.user_id, message.sent_at)
    ranked = sorted((g.asked() for g in groups), key=lambda q: (-q.askers, _newest_first(q)))
    return ranked[:limit]


def _newest_first(question: AskedQuestion) -> float:
    return -question.last_asked_at.timestamp()


def may_suggest(last_suggested_at: datetime | None, now: datetime, interval: timedelta) -> bool:
    """At most one suggestion per stream per interval. A last time in the future (another
    instance's clock ahead of ours) does not block: we cannot tell how far ahead it is."""
    if last_suggested_at is None:
        return True
    return not last_suggested_at <= now < last_suggested_at + interval
