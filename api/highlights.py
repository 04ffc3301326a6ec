"""Content-team endpoints: the approval queue for marquee highlights and manual picks."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Query

from adapters import spanner_highlights
from adapters.spanner_highlights import Candidate, DecisionConflict
from api.models import HighlightView, ManualPickRequest
from domain.clip_presets import FEED_PRESET
from domain.ids import clip_id, stable_id
from schemas.events import HighlightDetected
from services import highlights

router = APIRouter(prefix="/v1", tags=["content team"])
MAX_PICK_S = 180.0
MANUAL_SCORE = 100.0  # above any detector score: a person's pick ranks first


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
def pending(limit: int = Query(20, ge=1, le=100)) -> list[HighlightView]:
    return [_view(h, "PENDING_APPROVAL") for h in spanner_highlights.pending(limit)]


def _decided(candidate: Candidate | None, wanted: str) -> HighlightView:
    if candidate is None:
        raise _error(404, "highlight_not_found", f"no highlight {wanted}")
    return _view(candidate.highlight, candidate.status)


@router.post("/highlights/{highlight_id}/approve", response_model=HighlightView)
def approve(highlight_id: str) -> HighlightView:
    try:
        return _decided(highlights.approve(highlight_id), highlight_id)
    except DecisionConflict as conflict:
        raise _error(409, "highlight_already_decided", str(conflict)) from conflict


@router.post("/highlights/{highlight_id}/reject", response_model=HighlightView)
def reject(highlight_id: str) -> HighlightView:
    try:
        return _decided(highlights.reject(highlight_id), highlight_id)
    except DecisionConflict as conflict:
        raise _error(409, "highlight_already_decided", str(conflict)) from conflict


@router.post("/streams/{stream_id}/picks", response_model=HighlightView, status_code=201)
def pick(stream_id: str, body: ManualPickRequest) -> HighlightView:
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
    recording_id = recording.recording_id
    ended_at = recording.started_at + timedelta(seconds=body.end_s)
    pick_key = (recording_id, round(body.start_s * 1000), round(body.end_s * 1000))
    highlight = HighlightDetected(
        event_id=stable_id("highlight.manual", *pick_key),
        occurred_at=ended_at,
        # Its own id space: a pick never merges with a detection that starts alike.
        highlight_id=stable_id("manual", *pick_key),
        clip_id=clip_id(recording_id, body.start_s, body.end_s, FEED_PRESET),
        bucket=recording.bucket,
        recording_prefix=recording.key_prefix,
        recording_id=recording_id,
        channel_id=recording.channel_id,
        moment_start_s=body.start_s,
        moment_end_s=body.end_s,
        moment_ended_at=ended_at,
        clip_start_s=body.start_s,
        clip_end_s=body.end_s,
        score=MANUAL_SCORE,
        reason="manual pick by the content team",
        kind="manual",
    )
    return _view(highlight, highlights.submit(highlight))
