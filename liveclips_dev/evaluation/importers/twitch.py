"""Twitch chat replays: the API v5 `comments` JSON and TwitchDownloader's chat JSON.

Both carry the same comment shape:

    {"_id", "content_offset_seconds": 12.3,
     "commenter": {"_id", "name" (the login), "display_name"},
     "message": {"body", "fragments": [{"text", "emoticon"}], "user_badges",
                 "user_notice_params": {"msg-id": "sub" | "resub" | "raid" | ... | null}}}

v5 comes as one page `{"comments": [...], "_next"}`, a bare list of comments, or a list of
pages; TwitchDownloader (`chatdownload`) wraps the comments with "FileInfo", "streamer",
"video" {"id", "start", "end", "length"} and "embeddedData".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

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
from liveclips_dev.evaluation.importers.reading import Lenient, list_records, reason, user_key

# Keys only TwitchDownloader's wrapper has.
DOWNLOADER_KEYS = frozenset({"FileInfo", "streamer", "video", "embeddedData"})
# msg-ids a viewer typed the text of (a channel-points highlight): chat, not a notice.
MESSAGE_MSG_IDS = frozenset({"highlighted-message", "skip-subs-mode-message"})


class Commenter(Lenient):
    id: str | int | None = Field(default=None, alias="_id")
    name: str | None = None
    display_name: str | None = None


class Fragment(Lenient):
    text: str


class CommentMessage(Lenient):
    body: str | None = None
    fragments: list[Fragment] | None = None
    user_notice_params: dict[str, Any] | None = None


class Comment(Lenient):
    id: str | None = Field(default=None, alias="_id")
    content_offset_seconds: float
    commenter: Commenter
    message: CommentMessage


class Video(Lenient):
    id: str | int | None = None
    start: float | None = None
    end: float | None = None
    length: float | None = None


def _notice_id(message: CommentMessage) -> str | None:
    params = message.user_notice_params or {}
    msg_id = params.get("msg-id", params.get("msg_id"))
    return msg_id if isinstance(msg_id, str) and msg_id.strip() else None


def decode_comment(record: Record) -> Item:
    """One comment as a message, a notice or a rejection with the reason."""
    try:
        comment = Comment.model_validate(record.raw)
    except ValidationError as exc:
        return Rejected(record.where, reason(exc), record.raw)
    who = comment.commenter
    user = user_key(login=who.name, user_id=who.id, name=who.display_name)
    if user is None:
        return Rejected(record.where, "commenter: no name, _id or display_name", record.raw)
    msg_id = _notice_id(comment.message)
    notice = msg_id is not None and msg_id not in MESSAGE_MSG_IDS
    text = comment.message.body
    if text is None and comment.message.fragments is not None:
        text = "".join(f.text for f in comment.message.fragments)
    if text is None and not notice:
        return Rejected(record.where, "message: no body and no fragments", record.raw)
    return Message(
        t=comment.content_offset_seconds,
        user=user,
        text=text or "",
        kind="notice" if notice else "message",
    )


class _Decoder:
    """Decodes comments, skipping a comment id seen before (overlapping pages)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __call__(self, record: Record) -> list[Item]:
        raw = record.raw
        comment_id = raw.get("_id") if isinstance(raw, dict) else None
        if isinstance(comment_id, str):
            if comment_id in self._seen:
                return [Skipped("duplicate comment _id")]
            self._seen.add(comment_id)
        return [decode_comment(record)]


def _comments(value: Any, path: Path, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ImportFailed(f"{path}: {where}comments: expected a list of comments")
    return value


def is_downloader(doc: Any) -> bool:
    return isinstance(doc, dict) and "comments" in doc and bool(DOWNLOADER_KEYS & doc.keys())


def looks_like_twitch(doc: Any) -> bool:
    """A page, a list of pages, or a list of comments."""
    if isinstance(doc, dict):
        return "comments" in doc
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):
        first = doc[0]
        return "comments" in first or "content_offset_seconds" in first or "commenter" in first
    return False


def _video_id(records: list[Record]) -> str | None:
    for record in records[:50]:
        if isinstance(record.raw, dict) and record.raw.get("content_type") == "video":
            content_id = record.raw.get("content_id")
            if isinstance(content_id, str) and content_id:
                return content_id
    return None


def open_twitch(doc: Any, path: Path) -> ChatSource:
    """The v5 replay: one page, a bare list of comments, or a list of pages."""
    records: list[Record] = []
    if isinstance(doc, dict):
        records = list_records(_comments(doc.get("comments"), path, ""), path)
    elif isinstance(doc, list) and doc and isinstance(doc[0], dict) and "comments" in doc[0]:
        for number, page in enumerate(doc, start=1):
            if isinstance(page, dict) and isinstance(page.get("comments"), list):
                records += list_records(page["comments"], path, f"page {number}, ")
            else:
                where = f"{path.name}: page {number}"
                records.append(Record(where, page, "not a page of comments {comments: [...]}"))
    elif isinstance(doc, list):
        records = list_records(doc, path)
    else:
        raise ImportFailed(f"{path}: expected a Twitch comments page or a list of comments")
    return ChatSource(
        format=ChatFormat.TWITCH, records=records, decode=_Decoder(), video_id=_video_id(records)
    )


def open_downloader(doc: Any, path: Path) -> ChatSource:
    """TwitchDownloader's chat JSON; the VOD's length (or the crop's end) is the duration."""
    if not isinstance(doc, dict):
        raise ImportFailed(f"{path}: expected TwitchDownloader's JSON object")
    records = list_records(_comments(doc.get("comments"), path, ""), path)
    video_id: str | None = None
    length: float | None = None
    notes: tuple[str, ...] = ()
    try:
        video = Video.model_validate(doc.get("video") or {})
    except ValidationError as exc:
        video = Video()
        notes = (f"video: {reason(exc)}; the VOD's id and length were not used",)
    if video.id is not None and str(video.id):
        video_id = str(video.id)
    for candidate in (video.length, video.end):
        if candidate is not None and candidate > 0:
            length = candidate
            break
    return ChatSource(
        format=ChatFormat.TWITCHDOWNLOADER,
        records=records,
        decode=_Decoder(),
        video_id=video_id or _video_id(records),
        video_length_s=length,
        notes=notes,
    )
