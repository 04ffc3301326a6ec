"""What a chat line is, read without knowing its language.

Real rooms react in tokens, not words: an emote the room invented ("xqcL", "KEKW"), a
run of one character ("77777", "????", "哈哈哈", "ㅋㅋㅋ", "wwww"), a line pasted by many.
Keyword lists in one language do not transfer to the next room, so nothing here lists
reaction words. A reaction is recognised by its shape (short, a run of one character,
emoji, shouting) and by *echo*: several people typing the same short token at once,
whatever that token means (see features.py).

What is not the audience reacting is filtered first: platform notices (subscriptions,
gift waves, raid banners), `!commands` and the bots answering them, and links.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Accounts that exist to post: chat bots of the big platforms' ecosystems. A name list is
# platform knowledge, not language knowledge: these post the same on every channel.
KNOWN_BOTS = frozenset(
    {
        "nightbot",
        "streamelements",
        "streamlabs",
        "moobot",
        "fossabot",
        "wizebot",
        "botisimo",
        "sery_bot",
        "deepbot",
        "coebot",
        "phantombot",
        "ankhbot",
        "vivbot",
        "soundalerts",
        "commanderroot",
        "kofistreambot",
        "tangiabot",
        "blerp",
        "streamstickers",
        "pokemoncommunitygame",
        "own3d",
        "stay_hydrated_bot",
        "lolrankbot",
        "creatisbot",
        "supibot",
        "buttsbot",
        "streamlootsbot",
    }
)
SHORT_PIECES = 3  # a reaction is a few tokens at most ("KEKW KEKW", "no way", "哈哈哈")
SHORT_CHARS = 24  # ... and short once repeats are squeezed
_URL = re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|tv|gg|ly|io|net|org)/\S*", re.I)
_RUN = re.compile(r"(.)\1+")
# One or two characters three times or more: '77777', 'hahaha', 'ㅋㅋㅋ', '哈哈哈', 'wwww'.
_LONG_RUN = re.compile(r"(.{1,2}?)\1{2,}")
_PUNCT_RUN = re.compile(r"[!?]{2,}")  # after NFKC, which folds the full-width ones


def squeeze(piece: str) -> str:
    """'LOOOOL' -> 'lol', '77777' -> '7', '哈哈哈' -> '哈', '????' -> '?'."""
    return _RUN.sub(r"\1", piece)


def _is_cjk(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def _bare(piece: str) -> str:
    """'lol!' and 'lol' are one token; a piece that is only punctuation ('?!') stays."""
    inner = piece.strip("".join(c for c in piece if unicodedata.category(c).startswith("P")))
    return inner or piece


def is_bot(user: str) -> bool:
    name = user.casefold()
    return name in KNOWN_BOTS or (name.endswith("bot") and len(name) > 4)


def is_noise(user: str, text: str, kind: str = "message") -> bool:
    """Lines that say nothing about what the audience saw: the platform, bots, commands,
    links. They are left out of every chat feature."""
    stripped = text.lstrip()
    return (
        kind != "message"
        or stripped.startswith("!")
        or is_bot(user)
        or _URL.search(stripped) is not None
    )


@lru_cache(maxsize=65_536)
def reaction_tokens(text: str) -> tuple[str, ...]:
    """The tokens a short line could echo, or () for a line too long to be a reaction.

    Whitespace pieces are folded and squeezed; a piece in a script written without
    spaces also yields its characters, so '哈哈哈哈' and '哈哈好笑' share '哈'. Mentions and
    one-letter Latin pieces ('a', 'i') are not tokens, a lone digit or '?' is.
    """
    norm = unicodedata.normalize("NFKC", text).casefold()
    pieces = norm.split()
    if not pieces or len(pieces) > SHORT_PIECES:
        return ()
    squeezed = [_bare(squeeze(p)) for p in pieces if not p.startswith("@")]
    if sum(len(p) for p in squeezed) > SHORT_CHARS:
        return ()
    tokens: set[str] = set()
    for piece in squeezed:
        if len(piece) > 1 or not piece.isascii() or not piece.isalpha():
            tokens.add(piece)
        if any(_is_cjk(c) for c in piece):
            tokens.update(c for c in piece if _is_cjk(c))
    return tuple(sorted(tokens))


@lru_cache(maxsize=65_536)
def looks_like_reaction(text: str) -> bool:
    """A line shaped like a reaction in any language: a run of one character, emoji,
    doubled !/?, or shouting. (Meaning is left to echo: see features.py.)"""
    raw = unicodedata.normalize("NFKC", text)
    if _LONG_RUN.search(raw) or _PUNCT_RUN.search(raw):
        return True
    if any(unicodedata.category(c) == "So" for c in raw):
        return True
    letters = [c for c in raw if c.isalpha() and c.isascii()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
