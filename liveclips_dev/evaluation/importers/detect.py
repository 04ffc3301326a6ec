"""Which export a chat file is, judged by its content, and opening it as a ChatSource."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from liveclips_dev.evaluation.importers import irc, twitch, youtube
from liveclips_dev.evaluation.importers.model import ChatFormat, ChatSource, ImportFailed
from liveclips_dev.evaluation.importers.reading import decode_text, parse_json, read_bytes

_KNOWN = "Twitch comments, TwitchDownloader JSON, an IRC-style log or YouTube chat"


def _document(data: bytes) -> Any | None:
    """The file as one JSON value, or None when it is not one (JSONL, a text log)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text.lstrip()[:1] not in {"{", "["}:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _first_json_line(data: bytes) -> Any | None:
    for line in data.split(b"\n", 50)[:50]:
        if line.strip():
            try:
                return json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                return None
    return None


def _strict_document(data: bytes, path: Path) -> Any:
    return parse_json(decode_text(data, path), path)


def detect(data: bytes, path: Path, doc: Any | None = None) -> ChatFormat:
    """The export's format; `doc` is the file as one JSON value when it is one."""
    if doc is not None:
        if twitch.is_downloader(doc):
            return ChatFormat.TWITCHDOWNLOADER
        if twitch.looks_like_twitch(doc):
            return ChatFormat.TWITCH
        if youtube.looks_like_downloader(doc) or youtube.looks_like_ytdlp(doc):
            return ChatFormat.YOUTUBE
        if not doc:
            raise ImportFailed(f"{path}: an empty JSON {type(doc).__name__}, no chat in it")
        raise ImportFailed(f"{path}: JSON, but not a chat export this reads ({_KNOWN})")
    if irc.looks_like_irc(data):
        return ChatFormat.IRC
    first = _first_json_line(data)
    if youtube.looks_like_ytdlp(first) or youtube.looks_like_downloader(first):
        return ChatFormat.YOUTUBE
    if data.lstrip()[:1] in {b"{", b"["}:
        _strict_document(data, path)  # raises with where the JSON breaks
    raise ImportFailed(f"{path}: not a chat export this reads ({_KNOWN}); see --format")


def open_chat(
    path: Path, fmt: ChatFormat = ChatFormat.AUTO, start_clock_s: float | None = None
) -> ChatSource:
    """Open a chat export; `fmt` AUTO detects it. Raises ImportFailed for a file that
    cannot be read at all; malformed records are the source's to report one by one."""
    data = read_bytes(path)
    doc = None if fmt is ChatFormat.IRC else _document(data)
    if fmt is ChatFormat.AUTO:
        fmt = detect(data, path, doc)
    if fmt is ChatFormat.IRC:
        return irc.open_irc(data, path, start_clock_s)
    if fmt is ChatFormat.YOUTUBE:
        return youtube.open_youtube(doc, data, path)
    if doc is None:
        doc = _strict_document(data, path)  # raises, naming where the JSON breaks
    if fmt is ChatFormat.TWITCHDOWNLOADER:
        return twitch.open_downloader(doc, path)
    return twitch.open_twitch(doc, path)
