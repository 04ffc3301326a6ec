"""GET /v1/clips/{clip_id}: one clip with signed, expiring playback URLs and its counts."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Path, Request

from liveclips.adapters import clip_stats, spanner_feed
from liveclips.api.auth import AnyCaller
from liveclips.api.clip_views import fields, urls_expire_at
from liveclips.api.errors import api_error, documented
from liveclips.api.models import ID_PATTERN, ClipDetail

router = APIRouter(prefix="/v1", tags=["clips"])
ClipId = Annotated[str, Path(min_length=1, max_length=36, pattern=ID_PATTERN)]


@router.get("/clips/{clip_id}", response_model=ClipDetail, responses=documented(404, 410))
def clip_detail(clip_id: ClipId, request: Request, _caller: AnyCaller) -> ClipDetail:
    """Any preset's clip once it is playable. A clip the content team took down answers
    410 `clip_removed` (the app drops it from its lists); unknown, not yet playable or
    not approved: 404 `clip_not_found`."""
    found = spanner_feed.clip(clip_id)
    if found is not None and found.hidden_at is not None:
        raise api_error(410, "clip_removed", f"clip {clip_id} was taken down")
    if found is None or not found.visible:
        raise api_error(404, "clip_not_found", f"no playable clip {clip_id}")
    now = time.time()
    engagement = clip_stats.counts([clip_id])[clip_id]
    base = str(request.base_url).rstrip("/")
    return ClipDetail(
        **fields(found.item, engagement, base, now),
        preset=found.item["preset"],
        urls_expire_at=urls_expire_at(now),
    )
