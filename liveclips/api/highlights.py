"""Content-team endpoints: the approval queue for marquee highlights, manual picks and
take-downs (with their list and restore). Moderators and admins only."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from liveclips.adapters import s3, spanner_clips, spanner_highlights
from liveclips.adapters.clip_sources import source_for
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_highlights import Candidate, DecisionConflict
from liveclips.api import pagination
from liveclips.api.auth import ContentTeamCaller
from liveclips.api.errors import documented
from liveclips.api.models import HighlightView, ManualPickRequest, TakedownRequest, TakedownView
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.hls import HLS_MEDIA_TYPE, NotYetAvailable
from liveclips.domain.instant_clip import instant_manifest
from liveclips.services import highlights

log = logging.getLogger("liveclips.api.highlights")
router = APIRouter(prefix="/v1", tags=["content team"])
MAX_PICK_S = 180.0
# Not recorded that far yet, a playlist not covering the window, or S3 failing.
_UNREADABLE: tuple[type[Exception], ...] = (NotYetAvailable, ValueError, *s3.STORAGE_ERRORS)
ClipId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9-]+$")]


def _error(status: int, code: str, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "message": message})


def _view(highlight: HighlightDetected, status: str) -> HighlightView:
    return HighlightView(
        id=highlight.highlight_id,
        recording_id=highlight.recording_id,
        channel_id=highlight.channel_id,
        kind=highlight.kind,
        status=status,
        score=highlight.score,
        start_s=highlight.clip_start_s,
        end_s=highlight.clip_end_s,
        reason=highlight.reason,
        evidence=highlight.evidence,
    )


@router.get("/highlights/pending", response_model=list[HighlightView])
def pending(_team: ContentTeamCaller, limit: int = Query(20, ge=1, le=100)) -> list[HighlightView]:
    return [_view(h, "PENDING_APPROVAL") for h in spanner_highlights.pending(limit)]


@router.get(
    "/highlights/{highlight_id}/preview.m3u8",
    response_class=Response,
    responses=documented(404, 409),
)
def preview(highlight_id: str, _team: ContentTeamCaller) -> Response:
    """The highlight's window of its recording, as an HLS playlist of the recording's own
    segments (signed, as an instant clip's): what the team watches before approving. No
    clip is made, so a pending highlight stays out of the feed."""
    candidate = spanner_highlights.find(highlight_id)
    if candidate is None:
        raise _error(404, "highlight_not_found", f"no highlight {highlight_id}")
    h = candidate.highlight
    try:
        source = source_for(h.bucket, h.recording_prefix, settings().clip_max_height)
        text = instant_manifest(source.playlist(), h.clip_start_s, h.clip_end_s, source.url)
    except _UNREADABLE as error:
        why = f"the recording cannot be read: {error}"
        raise _error(409, "preview_unavailable", why) from error
    return Response(text, media_type=HLS_MEDIA_TYPE)


def _decided(candidate: Candidate | None, wanted: str) -> HighlightView:
    if candidate is None:
        raise _error(404, "highlight_not_found", f"no highlight {wanted}")
    return _view(candidate.highlight, candidate.status)


@router.post(
    "/highlights/{highlight_id}/approve",
    response_model=HighlightView,
    responses=documented(404, 409),
)
def approve(highlight_id: str, _team: ContentTeamCaller) -> HighlightView:
    try:
        return _decided(highlights.approve(highlight_id), highlight_id)
    except DecisionConflict as conflict:
        raise _error(409, "highlight_already_decided", str(conflict)) from conflict


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


@router.post(
    "/highlights/{highlight_id}/reject",
    response_model=HighlightView,
    responses=documented(404, 409),
)
def reject(
    highlight_id: str, team: ContentTeamCaller, body: RejectRequest | None = None
) -> HighlightView:
    """The optional `reason` is logged with who rejected (no column keeps it yet)."""
    try:
        decided = _decided(highlights.reject(highlight_id), highlight_id)
    except DecisionConflict as conflict:
        raise _error(409, "highlight_already_decided", str(conflict)) from conflict
    log.info(
        "marquee highlight rejected",
        extra={"id": highlight_id, "by": team.user_id, "why": body.reason if body else ""},
    )
    return decided


class PickView(HighlightView):
    clip_id: str = Field(description="The pick's feed clip (take it down to unpick it)")


@router.post(
    "/streams/{stream_id}/picks",
    response_model=PickView,
    status_code=201,
    responses=documented(400, 404, 409),
)
def pick(stream_id: str, body: ManualPickRequest, _team: ContentTeamCaller) -> PickView:
    """A manual pick always wins: it is clipped exactly as given, without approval."""
    if body.end_s <= body.start_s or body.end_s - body.start_s > MAX_PICK_S:
        raise _error(
            422, "invalid_pick", f"a pick must end after it starts and last ≤ {MAX_PICK_S:.0f} s"
        )
    recording = spanner_highlights.recording_of_stream(stream_id)
    if recording is None:
        raise _error(404, "stream_not_found", f"no recording for stream {stream_id}")
    if recording.started_at is None:
        raise _error(409, "recording_not_started", f"stream {stream_id} has no start time yet")
    highlight = highlights.manual(
        recording, body.start_s, body.end_s, reason="manual pick by the content team"
    )
    status = highlights.submit(highlight)
    return PickView(**_view(highlight, status).model_dump(), clip_id=highlight.clip_id)


@router.post(
    "/clips/{clip_id}/takedown", response_model=TakedownView, responses=documented(400, 404)
)
def takedown(clip_id: ClipId, body: TakedownRequest, _team: ContentTeamCaller) -> TakedownView:
    """Hides a clip everywhere (feeds, search, its detail) at once; the creator still sees
    it in the studio, with the reason."""
    hidden = spanner_clips.hide_clip(clip_id, body.reason)
    if hidden is None:
        raise _error(404, "clip_not_found", f"no clip {clip_id}")
    return TakedownView(
        clip_id=clip_id,
        hidden_clip_ids=hidden.clip_ids,
        hidden_at=hidden.hidden_at,
        reason=hidden.reason,
    )


class TakenDownClip(BaseModel):
    clip_id: str
    recording_id: str
    channel_id: str
    stream_id: str | None
    title: str | None
    start_s: float
    end_s: float
    hidden_at: AwareDatetime
    reason: str


class TakedownsPage(BaseModel):
    clips: list[TakenDownClip]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


@router.get("/takedowns", response_model=TakedownsPage, responses=documented(400))
def takedowns(
    _team: ContentTeamCaller,
    limit: pagination.Limit = 50,
    cursor: pagination.Cursor = None,
) -> TakedownsPage:
    """The feed clips taken down, the latest first (each moment once: its feed preset)."""
    found = spanner_clips.taken_down(FEED_PRESET, limit, pagination.decode(cursor))
    return TakedownsPage(
        clips=[TakenDownClip(**vars(c)) for c in found],
        next_cursor=pagination.next_cursor([(c.hidden_at, c.clip_id) for c in found], limit),
    )


class RestoredView(BaseModel):
    clip_id: str
    restored_clip_ids: list[str] = Field(description="The clip in every preset of its moment")


@router.post(
    "/clips/{clip_id}/restore", response_model=RestoredView, responses=documented(404, 409)
)
def restore(clip_id: ClipId, team: ContentTeamCaller) -> RestoredView:
    """Undoes a take-down: the clip is back in the feed, search and its detail at once."""
    try:
        restored = spanner_clips.restore_clip(clip_id)
    except spanner_clips.NotTakenDown as refused:
        raise _error(409, "clip_not_taken_down", str(refused)) from refused
    if restored is None:
        raise _error(404, "clip_not_found", f"no clip {clip_id}")
    log.info("clip restored", extra={"id": clip_id, "by": team.user_id})
    return RestoredView(clip_id=clip_id, restored_clip_ids=restored.clip_ids)
