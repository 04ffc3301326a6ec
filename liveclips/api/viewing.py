"""Viewers' watch progress: heartbeats, resume points, continue-watching, play counts.

A heartbeat costs two Redis round trips; Spanner is written at most every ~10 s per
(user, title), on pause/stop/end, and once per counted play (liveclips/domain/playback.py).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from liveclips.adapters import redis_store, s3, spanner_viewing
from liveclips.api import cursors
from liveclips.api.auth import SignedInUserId as User
from liveclips.api.cursors import CursorParam
from liveclips.api.errors import documented
from liveclips.api.models import (
    ID_PATTERN,
    ContinueWatchingPage,
    ContinueWatchingTitle,
    ProgressReport,
    ProgressSaved,
    ResumePoint,
)
from liveclips.domain import playback

router = APIRouter(prefix="/v1/me", tags=["viewers"])


def server_clock() -> float:
    """Reports are timed on arrival: a client's own clock would let it claim any pace."""
    return time.time()


Now = Annotated[float, Depends(server_clock)]
TitleId = Annotated[str, Path(min_length=1, max_length=36, pattern=ID_PATTERN)]


@router.put("/progress/{title_id}", response_model=ProgressSaved)
def report_progress(title_id: TitleId, body: ProgressReport, user: User, now: Now) -> ProgressSaved:
    report = playback.Report(body.kind, body.position_s, body.duration_s, now, body.final)
    state = redis_store.viewing(user, title_id, body.session_id)
    step = playback.advance(state.session, report)
    position = step.session.position_s
    saved = playback.should_write_durably(state.written_at_s, report)
    if saved:
        spanner_viewing.save_progress(user, title_id, body.kind, position, body.duration_s)
    counted = step.play_counted and spanner_viewing.record_play(
        title_id, body.session_id, user, body.kind
    )
    plays = state.plays
    if counted:
        plays = redis_store.add_play(title_id)
    if plays is None:  # not cached: Spanner's count already includes this play
        plays = redis_store.seed_plays(title_id, spanner_viewing.play_count(title_id))
    # Last, so a request that failed above leaves the session as it was for the retry.
    redis_store.save_viewing(
        user, title_id, body.session_id, step.session, written_at_s=now if saved else None
    )
    return ProgressSaved(position_s=position, saved=saved, play_counted=counted, plays=plays)


@router.get("/progress/{title_id}", response_model=ResumePoint)
def resume_point(title_id: TitleId, user: User) -> ResumePoint:
    stored = spanner_viewing.progress(user, title_id)
    if stored is None:
        return ResumePoint(title_id=title_id, position_s=0.0, duration_s=None, updated_at=None)
    return ResumePoint(
        title_id=title_id,
        position_s=playback.resume_position(stored.position_s, stored.duration_s),
        duration_s=stored.duration_s,
        updated_at=stored.updated_at,
    )


@router.get("/continue-watching", response_model=ContinueWatchingPage, responses=documented(400))
def continue_watching(
    request: Request, user: User, cursor: CursorParam = None, limit: int = Query(20, ge=1, le=50)
) -> ContinueWatchingPage:
    api_base = str(request.base_url).rstrip("/")
    after = None
    if cursor:
        keyset = cursors.decode(cursor, at=float, title=str)
        after = (datetime.fromtimestamp(keyset["at"], UTC), keyset["title"])
    rows = spanner_viewing.continue_watching(user, limit, after)
    titles = [
        ContinueWatchingTitle(
            title_id=row.title_id,
            title=row.title,
            position_s=row.position_s,
            duration_s=row.duration_s,
            fraction=min(row.position_s / row.duration_s, 1.0),
            updated_at=row.updated_at,
            poster_url=s3.signed_url(row.bucket, row.poster_key) if row.poster_key else None,
            # Served by liveclips/api/vod.py, which signs every rendition and segment it references.
            master_url=f"{api_base}/v1/vod/{row.title_id}/master.m3u8",
        )
        for row in rows
    ]
    last = rows[-1] if len(rows) == limit else None
    next_cursor = (
        cursors.encode(at=last.updated_at.timestamp(), title=last.title_id) if last else None
    )
    return ContinueWatchingPage(titles=titles, next_cursor=next_cursor)
