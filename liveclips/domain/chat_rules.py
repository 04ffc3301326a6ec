"""The inline review of one chat message: allow, redact, or deny, and why.

Everything here runs inside IVS Chat's 200 ms review budget (our target: 5 ms p99 with
the Redis round trip), so it is plain string work on `liveclips.domain.chat_text`'s forms: no
models, no I/O. The slow, smart judgement is the asynchronous AI moderation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import regex

from liveclips.domain.chat_text import Word, letters, skeleton, visible, words

MAX_LENGTH = 500  # IVS Chat's own limit on a message
USER_LIMIT = 5  # messages per user per 10 s (liveclips/adapters/chat_limits.USER_WINDOW_MS)
ROOM_LIMIT = 200  # messages per room per second
# Self-harm incitement is denied in every room (threats need context: the AI moderation
# judges those); a room adds its own terms.
BASELINE_DENIED: tuple[str, ...] = ("kill yourself", "kys", "kill urself")
BASELINE_REDACTED: tuple[str, ...] = ("fuck", "fucking", "shit", "bitch", "cunt", "motherfucker")
_LINK = regex.compile(
    r"(?:h[tx]{2}ps?\s*[:;]\s*/\s*/|www\s*\.)"  # a scheme (also hxxp://) or www.
    r"|\b[\p{L}\p{N}-]{2,}\s*(?:\.|\[\.\]|\(\.\)|\s+dot\s+|\[dot\]|\(dot\))\s*"
    r"(?:com|net|org|io|gg|tv|ly|co|me|xyz|ru|info|app|link|live|shop|site|club)\b",
    regex.IGNORECASE,
)
_DOMAIN = regex.compile(r"([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)", regex.IGNORECASE)
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
_MENTION = regex.compile(r"(?<!\w)@\w+")
_RUN = regex.compile(r"(.)\1{11,}")  # 12+ of the same character

Result = Literal["ALLOW", "DENY"]


@dataclass(frozen=True)
class Term:
    """A blocked word or phrase in comparable form: one skeleton per word."""

    forms: tuple[str, ...]
    lengths: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Term:
        parts = [letters(w) for w in text.split()]
        return cls(tuple(skeleton(p) for p in parts), tuple(len(p) for p in parts))


def _terms(texts: tuple[str, ...] | frozenset[str]) -> tuple[Term, ...]:
    return tuple(Term.of(t) for t in texts if t.strip())


@dataclass(frozen=True)
class RoomPolicy:
    """A room's rules (stored per room in Redis; these defaults when it has none)."""

    channel_id: str | None = None
    denied: tuple[Term, ...] = field(default_factory=lambda: _terms(BASELINE_DENIED))
    redacted: tuple[Term, ...] = field(default_factory=lambda: _terms(BASELINE_REDACTED))
    links: Literal["deny", "allow"] = "deny"
    allowed_domains: frozenset[str] = frozenset()
    user_limit: int = USER_LIMIT
    room_limit: int = ROOM_LIMIT
    max_caps_ratio: float = 0.8  # of letters, on messages with 16+ letters
    max_emojis: int = 12
    max_mentions: int = 5

    @classmethod
    def build(
        cls,
        *,
        channel_id: str | None = None,
        denied: tuple[str, ...] = (),
        redacted: tuple[str, ...] = (),
        links: Literal["deny", "allow"] = "deny",
        allowed_domains: tuple[str, ...] = (),
        user_limit: int = USER_LIMIT,
        room_limit: int = ROOM_LIMIT,
    ) -> RoomPolicy:
        """A room's own terms come on top of the baseline, never instead of it."""
        return cls(
            channel_id=channel_id,
            denied=_terms((*BASELINE_DENIED, *denied)),
            redacted=_terms((*BASELINE_REDACTED, *redacted)),
            links=links,
            allowed_domains=frozenset(d.lower() for d in allowed_domains),
            user_limit=user_limit,
            room_limit=room_limit,
        )


@dataclass(frozen=True)
class Traffic:
    """What Redis counted, in the same round trip that fetched the policy."""

    user_count: int
    room_count: int
    duplicate: bool  # the same text from the same user inside the duplicate window


@dataclass(frozen=True)
class Review:
    result: Result
    content: str  # what IVS delivers (redacted when terms were masked)
    reasons: tuple[str, ...]  # why denied or changed; empty for a plain allow

    @property
    def changed(self) -> bool:
        return self.result == "ALLOW" and bool(self.reasons)


def review(text: str, policy: RoomPolicy, traffic: Traffic | None) -> Review:
    """Decide one message. `traffic` None means the counters could not be read (Redis
    down): the text rules still apply, the rate rules are skipped rather than guessed."""
    said = words(text)
    seen = visible(text)
    reason = (
        _over_rate(traffic, policy)
        or (f"length: over {MAX_LENGTH} characters" if len(text) > MAX_LENGTH else None)
        or _denied_term(said, policy)
        or _spam(text, seen, policy)
    )
    if reason:
        return Review("DENY", text, (reason,))
    masked = [w for w in said for t in policy.redacted if len(t.forms) == 1 and _spelled_by(w, t)]
    if not masked:
        return Review("ALLOW", text, ())
    return Review("ALLOW", _mask(seen, masked), (f"redacted {len(masked)} term(s)",))


def _over_rate(traffic: Traffic | None, policy: RoomPolicy) -> str | None:
    if traffic is None:
        return None
    if traffic.user_count > policy.user_limit:
        return f"rate: user over {policy.user_limit} messages"
    if traffic.room_count > policy.room_limit:
        return f"rate: room over {policy.room_limit} messages"
    return "flood: same message repeated" if traffic.duplicate else None


def _denied_term(said: list[Word], policy: RoomPolicy) -> str | None:
    found = _matches(said, policy.denied)
    return f"blocked term: {' '.join(found[0])}" if found else None


def _spelled_by(word: Word, term: Term) -> bool:
    return word.spells(term.forms[0], term.lengths[0])


def _matches(said: list[Word], terms: tuple[Term, ...]) -> list[tuple[str, ...]]:
    """Terms found as whole words, phrases as consecutive words."""
    plain = [w for w in said if w.length > 0]
    found = []
    for term in terms:
        n = len(term.forms)
        for i in range(len(plain) - n + 1):
            window = plain[i : i + n]
            if all(
                w.spells(f, ln) for w, f, ln in zip(window, term.forms, term.lengths, strict=True)
            ):
                found.append(term.forms)
                break
    return found


def _spam(text: str, seen: str, policy: RoomPolicy) -> str | None:
    if policy.links == "deny":
        for link in _LINK.finditer(seen):
            if not _allowed_link(seen[link.start() : link.end() + 64], policy):
                return "link: not an allowed domain"
    if _RUN.search(seen):
        return "spam: a character repeated 12+ times"
    letters_only = [c for c in seen if c.isalpha()]
    if len(letters_only) >= 16:
        caps = sum(c.isupper() for c in letters_only) / len(letters_only)
        if caps > policy.max_caps_ratio:
            return "spam: shouting (mostly capitals)"
    if len(_EMOJI.findall(text)) > policy.max_emojis:
        return f"spam: over {policy.max_emojis} emoji"
    if len(_MENTION.findall(seen)) > policy.max_mentions:
        return f"spam: over {policy.max_mentions} mentions"
    return None


def _allowed_link(context: str, policy: RoomPolicy) -> bool:
    domain = _DOMAIN.search(context)
    if domain is None or not policy.allowed_domains:
        return False
    host = domain.group(1).lower().removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in policy.allowed_domains)


def _mask(seen: str, masked: list[Word]) -> str:
    out = list(seen)
    for word in masked:
        for i in range(word.start, word.end):
            if not out[i].isspace():
                out[i] = "*"
    return "".join(out)
