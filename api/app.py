"""The mobile feed API (Cloud Run). Reads the Redis feed cache, falling back to Spanner."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

import uvicorn
from fastapi import FastAPI, Query, Request

from adapters import redis_store, s3, spanner_clips
from api.clip_media import router as clip_media_router
from api.events import router as events_router
from api.highlights import router as highlights_router
from api.models import FeedClip, FeedPage
from api.moderation import router as moderation_router
from api.studio import router as studio_router
from api.viewing import router as viewing_router
from api.vod import router as vod_router
from domain.clip_presets import FEED_PRESET

app = FastAPI(title="liveclips API", version="0.1.0")
app.include_router(highlights_router)
app.include_router(studio_router)
app.include_router(clip_media_router)
app.include_router(viewing_router)
app.include_router(vod_router)
app.include_router(moderation_router)
app.include_router(events_router)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/v1/feed", response_model=FeedPage)
def feed(
    request: Request,
    limit: int = Query(20, ge=1, le=50),
    before: float | None = Query(None, description="published_at (epoch s) of the last clip seen"),
) -> FeedPage:
    items = redis_store.feed_page(limit, before)
    if not items and before is None:
        items = [_from_row(row) for row in spanner_clips.visible_clips(FEED_PRESET, limit)]
    clips = [_clip(item, str(request.base_url).rstrip("/")) for item in items]
    next_before = clips[-1].published_at.timestamp() if len(clips) == limit else None
    return FeedPage(clips=clips, next_before=next_before)


def _clip(item: dict[str, Any], api_base: str) -> FeedClip:
    # Playlists and tracks are served by the API with each reference signed (clip_media).
    media = f"{api_base}/v1/clips/{item['recording_id']}/{item['clip_id']}"
    return FeedClip(
        id=item["clip_id"],
        stream_id=item.get("stream_id"),
        channel_id=item["channel_id"],
        recording_id=item["recording_id"],
        start_s=item["start_s"],
        end_s=item["end_s"],
        duration_s=item["duration_s"],
        rendition=item["rendition"],
        width=item["width"],
        height=item["height"],
        url=s3.signed_url(item["bucket"], item["key"]),
        hls_url=f"{media}/hls.m3u8" if item.get("hls_key") else None,
        poster_url=_signed(item, "poster_key"),
        thumbnails_url=f"{media}/thumbnails.vtt" if item.get("thumbnails_key") else None,
        published_at=item["published_at"],
        rendered_at=item.get("rendered_at"),
        moment_ended_at=item["moment_ended_at"],
    )


def _signed(item: dict[str, Any], key_field: str) -> str | None:
    key = item.get(key_field)
    return s3.signed_url(item["bucket"], key) if key else None


def _from_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description="liveclips API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
