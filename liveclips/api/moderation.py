"""The moderator queue: flagged chat messages, moderators' decisions, authors' appeals,
and each verdict's history. The AI moderation fills it (liveclips/services/moderation.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from liveclips.adapters import spanner_moderation
from liveclips.adapters.spanner_moderation import QueuedVerdict
from liveclips.api.auth import AnyCaller, ContentTeamCaller
from liveclips.api.errors import documented
from liveclips.api.models import AppealBody, DecisionBody, ModerationQueuePage, VerdictView
from liveclips.domain.access import CONTENT_TEAM
from liveclips.domain.moderation_queue import NotAllowed

router = APIRouter(prefix="/v1/moderation", tags=["moderation"])
RoomId = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,64}$")]
MessageId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


@router.get("/queue", response_model=ModerationQueuePage)
def moderation_queue(
    _team: ContentTeamCaller,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    after: Annotated[datetime | None, Query(description="next_after of the last page")] = None,
) -> ModerationQueuePage:
    """Flagged and appealed messages, oldest first: what waits for a moderator. An
    appealed one comes with its history, so the appeal's text is at hand."""
    queued = spanner_moderation.queue(limit, after)
    items = [_view(q, with_history=q.review_state == "APPEALED") for q in queued]
    next_after = items[-1].flagged_at if len(items) == limit else None
    return ModerationQueuePage(items=items, next_after=next_after)


@router.get(
    "/rooms/{room_id}/messages/{message_id}", response_model=VerdictView, responses=documented(404)
)
def verdict(room_id: RoomId, message_id: MessageId, caller: AnyCaller) -> VerdictView:
    """The content team's, and the message's author's (what happened to what they said)."""
    found = _found(room_id, message_id)
    if caller.role not in CONTENT_TEAM and caller.user_id != found.verdict.user_id:
        raise HTTPException(403, {"code": "forbidden", "message": "another user's message"})
    return _view(found, with_history=True)


@router.post(
    "/rooms/{room_id}/messages/{message_id}/decision",
    response_model=VerdictView,
    responses=documented(400, 404, 409),
)
def decide(
    room_id: RoomId, message_id: MessageId, body: DecisionBody, moderator: ContentTeamCaller
) -> VerdictView:
    _found(room_id, message_id)
    try:
        spanner_moderation.decide(
            room_id, message_id, moderator=moderator.user_id, outcome=body.outcome, note=body.note
        )
    except NotAllowed as refused:
        raise _refusal(refused) from refused
    return _view(_found(room_id, message_id), with_history=True)


@router.post(
    "/rooms/{room_id}/messages/{message_id}/appeal",
    response_model=VerdictView,
    responses=documented(400, 404, 409),
)
def appeal(
    room_id: RoomId, message_id: MessageId, body: AppealBody, author: AnyCaller
) -> VerdictView:
    """The message's author disagrees; anyone else is refused (403)."""
    _found(room_id, message_id)
    try:
        spanner_moderation.appeal(room_id, message_id, author=author.user_id, note=body.note)
    except NotAllowed as refused:
        raise _refusal(refused) from refused
    return _view(_found(room_id, message_id), with_history=True)


def _found(room_id: str, message_id: str) -> QueuedVerdict:
    found = spanner_moderation.get(room_id, message_id)
    if found is None:
        raise HTTPException(404, {"code": "verdict_not_found", "message": message_id})
    return found


def _refusal(refused: NotAllowed) -> HTTPException:
    if refused.by_whom:
        return HTTPException(403, {"code": "forbidden", "message": str(refused)})
    return HTTPException(409, {"code": "not_allowed", "message": str(refused)})


def _view(queued: QueuedVerdict, *, with_history: bool = False) -> VerdictView:
    v = queued.verdict
    return VerdictView(
        room_id=v.room_id,
        message_id=v.message_id,
        channel_id=v.channel_id,
        user_id=v.user_id,
        text=v.text,
        sent_at=v.sent_at,
        flagged=v.flagged,
        categories=v.categories,
        top_score=v.top_score,
        action=v.action,
        reason=v.reason,
        model=v.model,
        review_state=queued.review_state,
        flagged_at=queued.created_at,
        history=spanner_moderation.history(v.room_id, v.message_id) if with_history else None,
    )
