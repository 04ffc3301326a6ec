"""Clips as the API shows them: cached, unsigned fields -> signed, expiring URLs.

Playlists and tracks are served by the API (liveclips/api/clip_media.py) with each reference
signed; the MP4 (or the instant playlist) and the poster are signed here.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from liveclips.adapters import playback_urls
from liveclips.api.models import ClipStats, FeedClip
from liveclips.domain.feed_ranking import Engagement


def urls_expire_at(now: float) -> datetime:
    return datetime.fromtimestamp(int(now) + playback_urls.ttl_s(), UTC)


def feed_clip(
    item: dict[str, Any], engagement: Engagement | None, api_base: str, now: float
) -> FeedClip:
    return FeedClip(**fields(item, engagement, api_base, now))


def fields(
    item: dict[str, Any], engagement: Engagement | None, api_base: str, now: float
) -> dict[str, Any]:
    media = f"{api_base}/v1/clips/{item['recording_id']}/{item['clip_id']}"
    poster = item.get("poster_key")
    bucket = item["bucket"]
    return {
        "id": item["clip_id"],
        "stream_id": item.get("stream_id"),
        "channel_id": item["channel_id"],
        "recording_id": item["recording_id"],
        "start_s": item["start_s"],
        "end_s": item["end_s"],
        "duration_s": item["duration_s"],
        "rendition": item["rendition"],
        "width": item["width"],
        "height": item["height"],
        "url": playback_urls.signed_url(bucket, item["key"], now=now),
        "hls_url": f"{media}/hls.m3u8" if item.get("hls_key") else None,
        "poster_url": playback_urls.signed_url(bucket, poster, now=now) if poster else None,
        "thumbnails_url": f"{media}/thumbnails.vtt" if item.get("thumbnails_key") else None,
        "published_at": item["published_at"],
        "rendered_at": item.get("rendered_at"),
        "moment_ended_at": item["moment_ended_at"],
        "title": item.get("title"),
        "tags": item.get("tags") or [],
        "stats": ClipStats(**asdict(engagement)) if engagement is not None else None,
    }
