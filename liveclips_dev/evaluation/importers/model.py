"""What every chat importer produces: messages, rejections and skips, one record at a time.

A *record* is one unit of an export as it sits in the file: a JSON object of a list, one
line of a JSONL or IRC log. Decoding a record gives zero or more items:

- `Message`: a chat line (or a platform notice) at a time in VOD seconds, maybe negative;
- `Rejected`: the record is malformed; `where` names the file and line or record index;
- `Skipped`: well formed but not chat (a YouTube ticker that repeats a paid message, a
  log header, a duplicate comment); counted by reason in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from liveclips_dev.evaluation.formats import ChatKind


class ChatFormat(StrEnum):
    AUTO = "auto"
    TWITCH = "twitch"
    TWITCHDOWNLOADER = "twitchdownloader"
    IRC = "irc"
    YOUTUBE = "youtube"


class ImportFailed(ValueError):
    """The file as a whole cannot be read (missing, not JSON, unknown format)."""


@dataclass(frozen=True, slots=True)
class Message:
    t: float  # seconds from the VOD start; negative before it
    user: str
    text: str
    kind: ChatKind = "message"


@dataclass(frozen=True, slots=True)
class Rejected:
    where: str  # "chat.log:17", "chat.json: record 5"
    reason: str
    raw: Any  # the record as it was in the file: a JSON value or the line's text

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str


Item = Message | Rejected | Skipped


@dataclass(frozen=True, slots=True)
class Record:
    where: str
    raw: Any
    problem: str | None = None  # already known to be malformed (not JSON, not UTF-8)


Decoder = Callable[[Record], Sequence[Item]]


@dataclass(frozen=True)
class ChatSource:
    """An opened export: its records, how to decode one, and what it says about the VOD."""

    format: str  # the detected format, e.g. "twitchdownloader", "youtube (yt-dlp)"
    records: Sequence[Record]
    decode: Decoder
    video_id: str | None = None
    video_length_s: float | None = None
    notes: tuple[str, ...] = ()  # what the report should mention about the file
