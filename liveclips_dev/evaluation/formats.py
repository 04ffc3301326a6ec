"""The files of a labelled show directory, one pydantic model per line or file.

Models are strict about shape (unknown keys are rejected) so a typo in a hand-labelled
file is an error rather than a silently missing field.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

SHOW_FILE = "show.json"
CHAT_FILE = "chat.jsonl"
VIEWERS_FILE = "viewers.jsonl"
MARKERS_FILE = "markers.jsonl"
PICKS_FILE = "picks.json"
LABELS_FILE = "labels.json"
VIDEO_FILE = "video.mp4"
HLS_PLAYLIST = "hls/playlist.m3u8"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShowMeta(_Strict):
    id: str = Field(min_length=1)
    duration_s: float = Field(gt=0)


class TimedEvent(_Strict):
    t: float = Field(ge=0)  # show seconds


ChatKind = Literal["message", "notice"]


class ChatLine(TimedEvent):
    user: str = Field(min_length=1)
    text: str
    # "notice": a platform's system line an export carries among the messages (a sub, a
    # gifted sub, a raid, a membership). Written only when it is one, so plain chat files
    # stay {"t", "user", "text"}.
    kind: ChatKind = Field(default="message", exclude_if=lambda kind: kind == "message")


class ViewerLine(TimedEvent):
    count: int = Field(ge=0)


class MarkerLine(TimedEvent):
    kind: str = Field(min_length=1)


class Span(_Strict):
    """A labelled moment or a manual pick, in show seconds."""

    start: float = Field(ge=0)
    end: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self
