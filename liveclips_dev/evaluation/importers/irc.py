"""IRC-style chat logs: one `[time] <user> text` per line.

    [20:15:03] <some_user> text            IRC clients, TwitchDownloader's text export
    [0:12:09] <some_user> text             h:mm:ss
    [2024-05-01 20:15:03] <some_user> text a date too
    [20:15:03]  some_user: text            Chatterino
    [20:15:03]  表示名 (some_user): text   Chatterino with a localised display name
    [20:15:03] * some_user waves           an action (/me)
    [20:15:03]  some_user subscribed at Tier 1. ...   a notice (sub, gift, raid)

Clock times become show seconds relative to the first line, or to `start` (a clock time
taken on the first line's day, or the day before or after, whichever is nearest), and
time going back by more than 12 hours is taken to be past midnight. Lines starting with
"#" or "---" are a logger's comments ("# Start logging at ...") and are skipped.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from liveclips_dev.evaluation.importers.model import (
    ChatFormat,
    ChatSource,
    ImportFailed,
    Item,
    Message,
    Record,
    Rejected,
    Skipped,
)
from liveclips_dev.evaluation.importers.reading import lines

DAY_S = 86_400
WRAP_S = DAY_S / 2  # a clock going back by more than this has passed midnight

_TIME = re.compile(
    r"\[(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?"
    r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})(?:[.,](?P<frac>\d{1,6}))?"
    # Loggers that write absolute times often name the zone: "[2017-11-02 00:00:00 UTC]".
    r"(?: ?(?:UTC|GMT|Z|[+-]\d{2}:?\d{2}))?\]"
)
_ANGLE = re.compile(r"\s*<[@+%~&]?(?P<user>[^>\s]+)>(?: (?P<text>.*))?")
_ACTION = re.compile(r"\s*\* (?P<user>\S+) (?P<text>.*)")
_LOCALISED = re.compile(r"\s+[^\s:()]+ \((?P<user>[^\s():]+)\):(?: (?P<text>.*))?")
_COLON = re.compile(r"\s+(?P<user>[^\s:<>*()\[\]]+):(?: (?P<text>.*))?")
_NOTICE = re.compile(
    r"\s+(?P<user>\w+) (?:subscribed|gifted|is gifting|has gifted|converted from|"
    r"is continuing|is paying forward|raided|is raiding)\b.*"
)
_RAIDERS = re.compile(r"\s+\d+ raiders from (?P<user>\w+) have joined\b.*")
_USER_LINES = (_ANGLE, _ACTION, _LOCALISED, _COLON)
_COMMENT_PREFIXES = ("#", "---")
_CLOCK = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})")


def parse_clock(value: str) -> float:
    """'20:15:03' or '0:12:09' -> seconds after midnight."""
    match = _CLOCK.fullmatch(value.strip())
    if match is None or int(match["m"]) > 59 or int(match["s"]) > 59:
        raise ValueError(f"expected a clock time hh:mm:ss, got {value!r}")
    return int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"])


def looks_like_irc(data: bytes) -> bool:
    """Most of the first dozen lines that are not comments start with [time]."""
    first = [text for _, text, _ in lines(data[:16_384])[:20]]
    timed = [t for t in first if not t.startswith(_COMMENT_PREFIXES)][:12]
    return bool(timed) and sum(bool(_TIME.match(t)) for t in timed) * 2 > len(timed)


def _speaker(rest: str) -> tuple[str, str, bool] | None:
    """(user, text, is a notice) from what follows the time, or None."""
    for pattern in _USER_LINES:
        if match := pattern.fullmatch(rest):
            return match["user"], match["text"] or "", False
    if (match := _NOTICE.fullmatch(rest)) or (match := _RAIDERS.fullmatch(rest)):
        return match["user"], rest.strip(), True
    return None


class IrcDecoder:
    """Stateful: times are relative to the first line and wrap past midnight in order."""

    def __init__(self, start_clock_s: float | None = None) -> None:
        self._start = start_clock_s
        self._origin: float | None = None
        self._day = 0
        self._last_clock: float | None = None

    def _absolute(self, day: str | None, clock: float) -> float:
        if day is not None:
            return date.fromisoformat(day).toordinal() * DAY_S + clock
        if self._last_clock is not None and clock < self._last_clock - WRAP_S:
            self._day += 1
        self._last_clock = clock
        return self._day * DAY_S + clock

    def _show_time(self, day: str | None, clock: float) -> float:
        absolute = self._absolute(day, clock)
        if self._origin is None:
            if self._start is None:
                self._origin = absolute
            else:
                base = absolute - clock + self._start  # the start on the first line's day
                self._origin = min(
                    (base + k * DAY_S for k in (-1, 0, 1)), key=lambda o: abs(absolute - o)
                )
        return absolute - self._origin

    def __call__(self, record: Record) -> list[Item]:
        line: str = record.raw.rstrip()
        if line.startswith(_COMMENT_PREFIXES):
            return [Skipped("log comment line")]
        stamp = _TIME.match(line)
        if stamp is None:
            return [Rejected(record.where, "no [hh:mm:ss] time at the start", line)]
        minutes, seconds = int(stamp["m"]), int(stamp["s"])
        if minutes > 59 or seconds > 59 or (stamp["date"] and int(stamp["h"]) > 23):
            return [Rejected(record.where, f"not a clock time: {stamp.group(0)}", line)]
        speaker = _speaker(line[stamp.end() :])
        if speaker is None:
            why = "no user: expected '<user> text' or 'user: text' after the time"
            return [Rejected(record.where, why, line)]
        try:
            clock: float = int(stamp["h"]) * 3600 + minutes * 60 + seconds
            clock += float(f"0.{stamp['frac']}") if stamp["frac"] else 0.0
            t = self._show_time(stamp["date"], clock)
        except ValueError as exc:  # an impossible date, 2024-02-30
            return [Rejected(record.where, f"not a date: {exc}", line)]
        user, text, notice = speaker
        return [Message(round(t, 3), user.lower(), text, "notice" if notice else "message")]


def open_irc(data: bytes, path: Path, start_clock_s: float | None = None) -> ChatSource:
    records = [
        Record(f"{path.name}:{number}", text, None if utf8 else "not UTF-8 text")
        for number, text, utf8 in lines(data)
    ]
    if not records:
        raise ImportFailed(f"{path}: no lines")
    return ChatSource(format=ChatFormat.IRC, records=records, decode=IrcDecoder(start_clock_s))
