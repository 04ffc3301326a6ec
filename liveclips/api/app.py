"""The mobile feed, studio and content-team API (Cloud Run)."""

from __future__ import annotations

import argparse
import os

import uvicorn
from fastapi import FastAPI

from liveclips.adapters.config import settings
from liveclips.api import errors
from liveclips.api.accounts import router as accounts_router
from liveclips.api.body_limit import BodyLimit
from liveclips.api.channels import router as channels_router
from liveclips.api.chat_actions import router as chat_actions_router
from liveclips.api.chat_tokens import router as chat_tokens_router
from liveclips.api.clip_media import router as clip_media_router
from liveclips.api.clips import router as clips_router
from liveclips.api.comments import router as comments_router
from liveclips.api.errors import COMMON_RESPONSES
from liveclips.api.events import router as events_router
from liveclips.api.feed import router as feed_router
from liveclips.api.follows import router as follows_router
from liveclips.api.highlights import router as highlights_router
from liveclips.api.live import router as live_router
from liveclips.api.moderation import router as moderation_router
from liveclips.api.search import router as search_router
from liveclips.api.session import router as session_router
from liveclips.api.share import router as share_router
from liveclips.api.studio import router as studio_router
from liveclips.api.studio_reports import router as studio_reports_router
from liveclips.api.viewing import router as viewing_router
from liveclips.api.vod import router as vod_router
from liveclips.api.vod_titles import router as vod_titles_router
from liveclips.settings import ApiSettings, require

# Fails the start, naming what is missing, when a variable the API needs is not set.
require(ApiSettings)

app = FastAPI(
    title="liveclips API",
    version="0.2.0",
    description="The mobile feed, the creators' studio and the content team's tools. Every "
    "route but /healthz takes a bearer token (JWT); errors carry a machine-readable code.",
    responses=COMMON_RESPONSES,
)
errors.install(app)
app.add_middleware(BodyLimit, max_bytes=settings().max_body_bytes)
app.include_router(session_router)
# Before vod: GET /v1/vod/{title_id}/comments is not a rendition.
app.include_router(comments_router)
app.include_router(follows_router)
app.include_router(share_router)
app.include_router(accounts_router)
app.include_router(highlights_router)
app.include_router(studio_router)
app.include_router(clip_media_router)
app.include_router(viewing_router)
app.include_router(vod_titles_router)
app.include_router(vod_router)
app.include_router(moderation_router)
app.include_router(chat_actions_router)
app.include_router(events_router)
app.include_router(channels_router)
app.include_router(chat_tokens_router)
app.include_router(studio_reports_router)
app.include_router(live_router)
app.include_router(feed_router)
app.include_router(clips_router)
app.include_router(search_router)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser(description="liveclips API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    # One process per vCPU keeps both busy (bench/feed.py); uvicorn's own variable.
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    args = parser.parse_args()
    target = "liveclips.api.app:app" if args.workers > 1 else app  # workers import the app by name
    uvicorn.run(target, host=args.host, port=args.port, workers=args.workers, log_level="warning")


if __name__ == "__main__":
    main()
