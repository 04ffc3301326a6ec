"""Twitch clip lists: Kraken v5, Helix and GQL shapes, recognised per record.

    Kraken  {"slug", "vod": {"id", "offset", "url"} | null, "duration", "curator": {"name",
             "display_name", "id"}, "created_at"}          in {"clips": [...]} or a list
    Helix   {"id", "video_id", "vod_offset" | null, "duration", "creator_name",
             "creator_id", "created_at"}                   in {"data": [...]} or a list
    GQL     {"slug", "videoOffsetSeconds" | null, "durationSeconds", "curator": {"id",
             "login", "displayName"}, "video": {"id"}}     in a list, {"clips"}, or edges

The offset is where the clip starts in the VOD; a clip without one (its VOD is gone, or
it was cut from a live stream that was never archived) is skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from liveclips_dev.evaluation.importers.grouping import Clip
from liveclips_dev.evaluation.importers.model import ImportFailed, Record, Rejected, Skipped
from liveclips_dev.evaluation.importers.reading import (
    Lenient,
    decode_text,
    list_records,
    parse_json,
    read_bytes,
    reason,
    user_key,
)

NO_OFFSET = "no VOD offset (the VOD is gone or the clip is not from it)"
_CONTAINERS = ("clips", "data", "edges")


class _Person(Lenient):
    id: str | int | None = None
    name: str | None = None  # Kraken: the login
    login: str | None = None  # GQL
    display_name: str | None = None
    displayName: str | None = None  # noqa: N815  GQL's spelling


class _KrakenVod(Lenient):
    id: str | int | None = None
    offset: float | None = None


class KrakenClip(Lenient):
    slug: str = ""
    vod: _KrakenVod | None = None
    duration: float
    curator: _Person | None = None


class HelixClip(Lenient):
    id: str = ""
    video_id: str | None = None
    vod_offset: float | None = None
    duration: float
    creator_id: str | None = None
    creator_name: str | None = None


class _GqlVideo(Lenient):
    id: str | None = None


class GqlClip(Lenient):
    slug: str = ""
    video_offset_s: float | None = Field(default=None, alias="videoOffsetSeconds")
    duration_s: float = Field(alias="durationSeconds")
    curator: _Person | None = None
    video: _GqlVideo | None = None


@dataclass
class ClipList:
    clips: list[Clip] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    total: int = 0

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _records(doc: Any) -> list[Any] | None:
    """The list of clips inside whatever envelope the API wrapped it in."""
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        return None
    for key in _CONTAINERS:
        if key in doc:
            return _records(doc[key])
    inner = [v for v in doc.values() if isinstance(v, dict | list)]
    return _records(inner[0]) if len(inner) == 1 else None


@dataclass(frozen=True)
class _Fields:
    slug: str
    duration: float
    offset: float | None
    video_id: str | int | None
    curator: str | None


def _fields(raw: dict[str, Any]) -> _Fields | None:
    """The fields of one clip in whichever API's spelling it has; None for none of them.
    Raises ValidationError for a clip of a known shape with wrong or missing fields."""
    if {"vod_offset", "creator_id", "creator_name", "video_id"} & raw.keys():
        helix = HelixClip.model_validate(raw)
        curator = user_key(user_id=helix.creator_id, name=helix.creator_name)
        return _Fields(helix.id, helix.duration, helix.vod_offset, helix.video_id, curator)
    if {"videoOffsetSeconds", "durationSeconds"} & raw.keys():
        gql = GqlClip.model_validate(raw)
        who = gql.curator or _Person()
        curator = user_key(login=who.login, user_id=who.id, name=who.displayName)
        video = gql.video.id if gql.video else None
        return _Fields(gql.slug, gql.duration_s, gql.video_offset_s, video, curator)
    if {"vod", "duration", "curator"} & raw.keys():
        kraken = KrakenClip.model_validate(raw)
        vod, who = kraken.vod or _KrakenVod(), kraken.curator or _Person()
        curator = user_key(login=who.name, user_id=who.id, name=who.display_name)
        return _Fields(kraken.slug, kraken.duration, vod.offset, vod.id, curator)
    return None


def decode_clip(record: Record) -> Clip | Skipped | Rejected:
    raw = record.raw.get("node", record.raw) if isinstance(record.raw, dict) else record.raw
    try:
        found = _fields(raw) if isinstance(raw, dict) else None
    except ValidationError as exc:
        return Rejected(record.where, reason(exc), record.raw)
    if found is None:
        return Rejected(record.where, "not a Kraken, Helix or GQL clip", record.raw)
    if found.curator is None:
        return Rejected(record.where, "no curator (creator) name or id", record.raw)
    if found.duration <= 0:
        why = f"duration must be positive, got {found.duration}"
        return Rejected(record.where, why, record.raw)
    if found.offset is None:
        return Skipped(NO_OFFSET)
    video = None if found.video_id is None else str(found.video_id)
    return Clip(found.offset, found.offset + found.duration, found.curator, found.slug, video)


def read_clips(path: Path, video_id: str | None = None) -> ClipList:
    """Every clip of the file, those of another VOD than `video_id` (when known) skipped."""
    doc = parse_json(decode_text(read_bytes(path), path), path)
    items = _records(doc)
    if items is None:
        raise ImportFailed(f"{path}: expected a list of clips, or {{clips|data: [...]}}")
    out = ClipList(total=len(items))
    for record in list_records(items, path):
        decoded = decode_clip(record)
        if isinstance(decoded, Rejected):
            out.rejected.append(decoded)
        elif isinstance(decoded, Skipped):
            out.skip(decoded.reason)
        elif video_id is not None and decoded.video_id not in {None, video_id}:
            out.skip(f"from another VOD than the chat's ({video_id})")
        else:
            out.clips.append(decoded)
    return out
