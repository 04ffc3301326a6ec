"""YouTube live chat replays: chat-downloader's JSON and yt-dlp's live_chat.json.

chat-downloader (`chat_downloader URL --output chat.json`) writes a list of items
(JSONL is read too):

    {"time_in_seconds": 12.3, "time_text": "0:12", "timestamp": <µs>, "message": "...",
     "message_type": "text_message" | "paid_message" | "membership_item" | ...,
     "author": {"id", "name", ...}}

yt-dlp (`--write-subs --sub-langs live_chat`) writes one `replayChatItemAction` per line,
its actions holding YouTube's own renderers (liveChatTextMessageRenderer, ...) and the
time in "videoOffsetTimeMsec". A file may mix neither: each record is judged by shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from liveclips_dev.evaluation.formats import ChatKind
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
from liveclips_dev.evaluation.importers.reading import (
    Lenient,
    json_lines,
    list_records,
    reason,
    user_key,
)

# chat-downloader's message types that are the platform talking about a viewer.
NOTICE_TYPES = frozenset(
    {
        "membership_item",
        "paid_sticker",
        "sponsorships_gift_purchase_announcement",
        "sponsorships_gift_redemption_announcement",
    }
)
YTDLP_KEY = "replayChatItemAction"
# yt-dlp renderers, by what they are.
_RENDERERS: dict[str, ChatKind | None] = {
    "liveChatTextMessageRenderer": "message",
    "liveChatPaidMessageRenderer": None,  # a message when it has text, else a notice
    "liveChatMembershipItemRenderer": "notice",
    "liveChatPaidStickerRenderer": "notice",
    "liveChatSponsorshipsGiftPurchaseAnnouncementRenderer": "notice",
    "liveChatSponsorshipsGiftRedemptionAnnouncementRenderer": "notice",
}


class Author(Lenient):
    id: str | None = None
    name: str | None = None


class DownloaderItem(Lenient):
    time_in_seconds: float
    message: str | None = None
    message_type: str = "text_message"
    author: Author | None = None


def decode_downloader_item(record: Record) -> Item:
    try:
        item = DownloaderItem.model_validate(record.raw)
    except ValidationError as exc:
        return Rejected(record.where, reason(exc), record.raw)
    kind = item.message_type
    if kind.startswith("ticker_"):
        return Skipped("YouTube ticker item (repeats a paid message or membership)")
    author = item.author or Author()
    user = user_key(user_id=author.id, name=author.name)
    chat = kind in {"text_message", "paid_message"}
    if user is None:
        if chat:
            return Rejected(record.where, "author: no id or name", record.raw)
        return Skipped(f"YouTube {kind} without an author")
    text = item.message or ""
    if kind == "text_message" and item.message is None:
        return Rejected(record.where, "message: missing", record.raw)
    notice = not chat or not text.strip()
    return Message(item.time_in_seconds, user, text, "notice" if notice else "message")


def _runs_text(value: Any) -> str:
    runs = value.get("runs") if isinstance(value, dict) else None
    if not isinstance(runs, list):
        return value.get("simpleText", "") if isinstance(value, dict) else ""
    parts = []
    for run in runs:
        if not isinstance(run, dict):
            continue
        if isinstance(run.get("text"), str):
            parts.append(run["text"])
        elif isinstance(emoji := run.get("emoji"), dict):
            shortcuts = emoji.get("shortcuts") or [""]
            unicode = emoji.get("emojiId") if not emoji.get("isCustomEmoji") else None
            parts.append(unicode if isinstance(unicode, str) else str(shortcuts[0]))
    return "".join(parts)


def _renderer_author(data: dict[str, Any]) -> str | None:
    name = data.get("authorName")
    if not isinstance(name, dict):  # a gift purchase names its author in a header
        header = data.get("header")
        if isinstance(header, dict):
            header = header.get("liveChatSponsorshipsHeaderRenderer")
        name = header.get("authorName") if isinstance(header, dict) else None
    display = name.get("simpleText") if isinstance(name, dict) else None
    return user_key(user_id=data.get("authorExternalChannelId"), name=display)


def _renderer(action: Any, record: Record) -> tuple[str, Any] | Item:
    """The chat item renderer of one action, or what to count instead."""
    if not isinstance(action, dict) or not action:
        return Rejected(record.where, "actions: an action is not an object", record.raw)
    key = next(iter(action))
    if key != "addChatItemAction":
        return Skipped(f"yt-dlp {key}")
    item = action[key].get("item") if isinstance(action[key], dict) else None
    if not isinstance(item, dict) or not item:
        return Rejected(record.where, "addChatItemAction.item: missing", record.raw)
    renderer = next(iter(item))
    return renderer, item[renderer]


def _decode_action(action: Any, t: float, record: Record) -> Item:
    found = _renderer(action, record)
    if not isinstance(found, tuple):
        return found
    renderer, data = found
    if renderer not in _RENDERERS:
        return Skipped(f"yt-dlp {renderer}")
    if not isinstance(data, dict):
        return Rejected(record.where, f"{renderer}: not an object", record.raw)
    user = _renderer_author(data)
    if user is None:
        why = f"{renderer}: no authorExternalChannelId or authorName"
        return Rejected(record.where, why, record.raw)
    text = _runs_text(data.get("message"))
    kind = _RENDERERS[renderer] or ("message" if text.strip() else "notice")
    return Message(t, user, text, kind)


def decode_ytdlp_line(record: Record) -> list[Item]:
    replay = record.raw.get(YTDLP_KEY) if isinstance(record.raw, dict) else None
    if not isinstance(replay, dict):
        return [Rejected(record.where, f"{YTDLP_KEY}: not an object", record.raw)]
    offset = replay.get("videoOffsetTimeMsec")
    try:
        t = int(offset) / 1000 if isinstance(offset, str | int) else None
    except ValueError:
        t = None
    if t is None or isinstance(offset, bool):
        why = "missing" if offset is None else f"not a whole number of ms ({offset!r})"
        return [Rejected(record.where, f"videoOffsetTimeMsec: {why}", record.raw)]
    actions = replay.get("actions")
    if not isinstance(actions, list):
        return [Rejected(record.where, "actions: expected a list", record.raw)]
    return [_decode_action(action, t, record) for action in actions]


def decode_youtube(record: Record) -> list[Item]:
    if isinstance(record.raw, dict) and YTDLP_KEY in record.raw:
        return decode_ytdlp_line(record)
    return [decode_downloader_item(record)]


def looks_like_downloader(doc: Any) -> bool:
    first = doc[0] if isinstance(doc, list) and doc else doc
    return isinstance(first, dict) and ("time_in_seconds" in first or "message_type" in first)


def looks_like_ytdlp(doc: Any) -> bool:
    return isinstance(doc, dict) and YTDLP_KEY in doc


def open_youtube(doc: Any, data: bytes, path: Path) -> ChatSource:
    """`doc` is the whole file as JSON, or None when it is not one JSON value (JSONL)."""
    if isinstance(doc, list):
        records = list_records(doc, path)
    elif doc is None or isinstance(doc, dict):
        records = json_lines(data, path)
    else:
        raise ImportFailed(f"{path}: expected a list of chat items or JSON lines")
    first = next((r.raw for r in records if r.problem is None), None)
    name = f"{ChatFormat.YOUTUBE} (yt-dlp)" if looks_like_ytdlp(first) else ChatFormat.YOUTUBE
    return ChatSource(format=str(name), records=records, decode=decode_youtube)
