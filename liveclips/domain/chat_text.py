"""What a chat message says once its disguises are taken off.

Evasions seen in live chat: full-width and mathematical letters (NFKC undoes them),
Cyrillic/Greek look-alikes (Unicode TR39 confusables, from confusable-homoglyphs),
zero-width and bidi characters, stacked combining marks ("zalgo"), leetspeak
(`f4gg0t`, `$h1t`), and spacing or punctuation between letters (`f u c k`, `f.u.c.k`),
with letters repeated (`fuuuck`). `words()` gives the comparable form of each word, and
of each run of single letters joined, so a block list matches whole words only: the
Scunthorpe problem (class, assassin, grape) stays out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex
from confusable_homoglyphs.utils import load as load_confusables

# Invisible: zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel
# separator, and the bidi embeddings/isolates used to reverse text on screen.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u202a\u202b\u202c\u202d\u202e"
        "\u2066\u2067\u2068\u2069\u200e\u200f"),
    None,
)  # fmt: skip
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
     "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e"}
)  # fmt: skip
# A word: letters, digits and the symbols leetspeak writes letters with.
_WORD = regex.compile(r"[\p{L}\p{N}@$!|+€]+(?:[._\-*'][\p{L}\p{N}@$!|+€]+)*")
_INNER_SEPARATORS = regex.compile(r"[._\-*']")
_REPEATS = regex.compile(r"(.)\1+")


@lru_cache(maxsize=1)
def _look_alikes() -> dict[int, str]:
    """Every confusable character that looks like an ASCII letter or digit, mapped to it."""
    table: dict[int, str] = {}
    for char, homoglyphs in load_confusables("confusables.json").items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_twin = next(
            (
                h["c"]
                for h in homoglyphs
                if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()
            ),
            None,
        )
        if ascii_twin is not None:
            table[ord(char)] = ascii_twin.lower()
    return table


def visible(text: str) -> str:
    """NFKC, without invisible characters or combining marks: what a reader sees."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    decomposed = unicodedata.normalize("NFD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def letters(word: str) -> str:
    """Look-alikes and leetspeak folded, inner separators removed (`F.u.c.k` -> `fuck`)."""
    folded = word.lower().translate(_look_alikes()).translate(_LEET)
    return _INNER_SEPARATORS.sub("", folded)


def skeleton(word: str) -> str:
    """`letters` with repeats collapsed (`fuuuck` -> `fuck`; Cyrillic `shit` -> `shit`)."""
    return _REPEATS.sub(r"\1", letters(word))


@dataclass(frozen=True)
class Word:
    start: int  # span in the visible text, for redaction
    end: int
    form: str  # skeleton
    length: int  # of its letters before repeats were collapsed

    def spells(self, term_form: str, term_length: int) -> bool:
        """Is this word the term, repeats allowed? Never shorter than it: "as" is not "ass"."""
        return self.form == term_form and self.length >= term_length


def words(text: str) -> list[Word]:
    """The skeleton of every word of `visible(text)`, plus one for each run of two or more
    single-character words (`f u c k`; `f-u-c-k` is already one word), in reading order."""
    seen = visible(text)
    found = [_word(m.start(), m.end(), letters(m.group())) for m in _WORD.finditer(seen)]
    runs: list[Word] = []
    run: list[Word] = []
    for word in [*found, Word(-1, -1, "", 0)]:
        if word.length == 1 and (not run or word.start - run[-1].end <= 2):
            run.append(word)
            continue
        if len(run) >= 2:
            runs.append(_word(run[0].start, run[-1].end, "".join(w.form for w in run)))
        run = [word] if word.length == 1 else []
    # In reading order, each run right after its letters, so phrases match across runs.
    return sorted([*found, *runs], key=lambda w: (w.end, w.end - w.start))


def _word(start: int, end: int, spelled: str) -> Word:
    return Word(start, end, _REPEATS.sub(r"\1", spelled), len(spelled))
