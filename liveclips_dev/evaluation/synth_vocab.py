"""What one room types: its own reaction vocabulary and its ordinary talk.

Real rooms react in tokens, not words, and every room in its own: the channel's invented
emotes ("xqcL", "shroudW"), a handful of the global ones, runs of a character ("77777",
"????", "哈哈哈", "ㅋㅋㅋ"), and lines pasted by many. A `Vocab` is drawn per room, so
two rooms share little of their reaction tokens and no fixed keyword list transfers.
Ordinary talk is in the room's language mix: English, or Traditional Chinese with
English emotes, with a sprinkle of other languages either way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "zh"]

GLOBAL_EMOTES = (
    "LUL", "KEKW", "PogChamp", "Kreygasm", "OMEGALUL", "Pog", "monkaS", "Sadge", "EZ",
    "5Head", "PepeLaugh", "Pepega", "WutFace", "BibleThump", "Kappa", "4Head", "NotLikeThis",
    "FeelsBadMan", "FeelsGoodMan", "monkaW", "catJAM", "Clap", "COPIUM", "peepoHappy",
    "POGGERS", "HYPERS", "Jebaited", "LULW", "PogU", "widepeepoHappy", "PepeHands", "ICANT",
    "Aware", "Clueless", "GIGACHAD", "forsenCD", "TriHard", "KomodoHype", "PJSalt", "D:",
)  # fmt: skip
_EMOTE_SUFFIXES = (
    "L", "W", "Pog", "LUL", "Sad", "Hype", "Love", "Rage", "Wave", "GG", "Cry", "Shy",
    "Clap", "Ez", "Head", "Dance", "Fire", "Sip", "Smile", "What", "Lurk", "Hug", "Gasm",
)  # fmt: skip
_RUNS = ("77777", "666", "????", "!!!!", "WWWW", "LLLL", "88888", "?????", "NOOOO", "LOOOL")
_CJK_CHEERS = (
    "哈哈哈哈",
    "草",
    "www",
    "ㅋㅋㅋㅋ",
    "加油",
    "笑死",
    "牛逼",
    "太神啦",
    "好強",
    "ㄏㄏ",
)
_CJK_RUNS = (
    "哈哈哈",
    "ㅋㅋㅋ",
    "wwwww",
    "哈哈哈哈哈",
    "\uff01\uff01\uff01",
    "\uff1f\uff1f\uff1f",
)  # full-width !!! ???
_EN_TEXT = (
    " "
    "the a is it that this he she they you i we no yes what why how so just like not was "
    "gonna game play team win lose chat stream guy bro dude man actually literally again "
    "never always maybe good bad nice wait look time round map ult push back got get him "
    "her my your our its on in at for to of with from did does can cant wont lets go got "
    "think know see saw said really still even well right left mid top bot jungle support "
    "fight fights went gone now then later today tonight tomorrow week hour minute"
)
_EN_WORDS = tuple(_EN_TEXT.split())
_ZH_CHARS = (
    "的是我你他她們這那了不在有人打好就要會到說去吧嗎呢啊看隊贏輸中路上下野輔大龍小龍塔"
    "團戰開局經濟選手教練今天比賽真的可以怎麼什麼為沒還很太都也又再"
)
_FOREIGN = (
    "que jogo lindo", "vamos time", "jajaja que paso", "привет всем", "давай давай",
    "hola chat", "kkkkkkk", "mdr", "saludos desde mexico", "boa noite", "слава богу",  # noqa: RUF001
)  # fmt: skip
QUESTIONS = (
    "what rank is he", "what game is this", "how long has he been live", "who is winning",
    "what happened", "is this ranked", "what's the score", "when is the next game",
    "whats his sens", "who is he playing with", "is this the final", "what did i miss",
)  # fmt: skip
_ZH_QUESTIONS = ("現在幾比幾", "這是第幾局", "誰贏了", "剛剛發生什麼", "主播在哪", "下一場幾點")
_LINKS = (
    "https://clips.twitch.tv/{w}{n}", "https://youtu.be/{w}{n}", "https://imgur.com/{w}",
    "https://x.com/{w}/status/{n}", "https://www.reddit.com/r/{w}/",
)  # fmt: skip


def _log_choice(rng: random.Random, items: list[str]) -> str:
    """One of `items`, the first far more often than the last (a room's favourites)."""
    return items[min(len(items) - 1, int(rng.expovariate(1.0 / max(1.0, len(items) / 4))))]


@dataclass(frozen=True)
class Vocab:
    language: Language
    channel: str
    emotes: tuple[str, ...]  # the channel's own, invented for this room
    reactions: tuple[str, ...]  # favourites first: channel emotes, some global, runs, CJK
    pastas: tuple[str, ...]  # the room's copy-pastas

    def reaction(self, rng: random.Random, picks: list[str]) -> str:
        """A reaction line from `picks` (this moment's tokens): one token, repeated or combined."""
        token = _log_choice(rng, picks)
        roll = rng.random()
        if roll < 0.45:
            return token
        if roll < 0.75:
            return " ".join([token] * rng.randint(2, 4))
        if roll < 0.9:
            return f"{token} {_log_choice(rng, picks)}"
        return token + (token[-1] * rng.randint(1, 5) if token[-1].isalpha() else "")

    def chatter(self, rng: random.Random) -> str:
        """Ordinary talk: words in the room's language, the odd emote, question, link."""
        roll = rng.random()
        if roll < 0.08:
            return rng.choice(self.emotes[:3]) + " " + " ".join(self.words(rng, 2, 6))
        if roll < 0.12:
            return rng.choice(self.reactions[:10])
        if roll < 0.17:
            pool = _ZH_QUESTIONS if self.language == "zh" and rng.random() < 0.7 else QUESTIONS
            return rng.choice(pool) + rng.choice(("?", "?", "??", " ?", ""))
        if roll < 0.18:
            return rng.choice(_LINKS).format(w=rng.choice(_EN_WORDS), n=rng.randrange(10**6))
        if roll < 0.21:
            return rng.choice(_FOREIGN)
        return " ".join(self.words(rng, 2, 12))

    def words(self, rng: random.Random, low: int, high: int) -> list[str]:
        if self.language == "zh" and rng.random() < 0.75:
            text = "".join(rng.choice(_ZH_CHARS) for _ in range(rng.randint(low + 1, high + 4)))
            return [text, rng.choice(self.emotes)] if rng.random() < 0.15 else [text]
        return [rng.choice(_EN_WORDS) for _ in range(rng.randint(low, high))]


def draw_vocab(rng: random.Random, language: Language) -> Vocab:
    """A room's vocabulary: an invented channel, its emotes and its favourite reactions."""
    syllables = ("xq", "shr", "nb", "lck", "pok", "tyl", "moon", "asmon", "hasan", "kai", "sod",
                 "tim", "nmp", "ibai", "faker", "zy", "gorg", "lirik", "summ", "mizk")  # fmt: skip
    channel = rng.choice(syllables) + rng.choice(("", "ie", "o", "er", "yy", "tv", "x"))
    prefix = channel[: rng.randint(3, 5)]
    emotes = tuple(prefix + s for s in rng.sample(_EMOTE_SUFFIXES, rng.randint(6, 10)))
    global_pick = rng.sample(GLOBAL_EMOTES, rng.randint(4, 7))
    runs = rng.sample(_RUNS, 3)
    cjk = rng.sample(_CJK_CHEERS, 5) + rng.sample(_CJK_RUNS, 2) if language == "zh" else []
    if language == "zh":  # an esports room: Chinese cheers first, English emotes next
        ordered = [cjk[0], global_pick[0], emotes[0], *cjk[1:4], *emotes[1:4], *global_pick[1:]]
        ordered += [*runs, *cjk[4:], *emotes[4:]]
    else:
        ordered = [emotes[0], global_pick[0], *emotes[1:4], *global_pick[1:], *runs, *emotes[4:]]
    pastas = tuple(_pasta(rng, channel, emotes) for _ in range(3))
    return Vocab(language, channel, emotes, tuple(ordered), pastas)


def _pasta(rng: random.Random, channel: str, emotes: tuple[str, ...]) -> str:
    emote = rng.choice(emotes)
    return rng.choice(
        (
            f"{emote} {channel.upper()} ARMY {emote} WE RIDE AT DAWN {emote}",
            f"I have been watching {channel} for {rng.randint(2, 9)} years and never seen "
            f"this {emote} {emote}",
            f"{emote} if you are reading this you are the chosen one {emote}",
            f"{emote} {emote} {emote} {channel} {rng.choice(('W', 'L'))} {emote} {emote} {emote}",
            f"░░░{emote}░░░ {channel} stream best stream ░░░{emote}░░░",
            f"copy this {emote} before {channel} sees it {emote}",
        )
    )
