"""Comments on clips and on-demand titles: create, list (cursor paged), delete, report.

A new comment is rate-limited per user, then judged by the same inline rules as chat
(liveclips/domain/comments.py): a denied one is refused with the reason and leaves no row.
An allowed one is stored, then published (comment.posted) for the same AI moderation as
chat, which removes it if flagged (liveclips/services/comment_moderation.py). docs/social.md.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response

from liveclips import resources
from liveclips.adapters import pubsub, rate_limits, spanner_social
from liveclips.adapters.social_config import social_settings
from liveclips.api import pagination
from liveclips.api.auth import AnyCaller
from liveclips.api.errors import api_error, documented
from liveclips.api.models import ID_PATTERN
from liveclips.api.social_models import (
    CommentCreate,
    CommentPage,
    CommentReport,
    CommentReported,
    CommentView,
)
from liveclips.contracts.social import CommentPosted
from liveclips.domain.comments import CommentState, SubjectKind, judge, may_delete

router = APIRouter(prefix="/v1", tags=["comments"])
COMMENTS_TOPIC = resources.COMMENTS_TOPIC
SubjectId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
CommentId = Annotated[str, Path(min_length=1, max_length=36, pattern=ID_PATTERN)]


def _view(c: spanner_social.Comment, changed: str | None = None) -> CommentView:
    return CommentView(id=c.comment_id, subject_kind=c.subject_kind, subject_id=c.subject_id,
                       user_id=c.user_id, text=c.text, created_at=c.created_at,
                       changed=changed)  # fmt: skip


def _create(
    kind: SubjectKind, subject_id: str, body: CommentCreate, caller: AnyCaller
) -> CommentView:
    if not spanner_social.subject_exists(kind, subject_id):
        raise api_error(404, f"{kind}_not_found", f"no {kind} {subject_id} to comment on")
    config = social_settings()
    limit = rate_limits.Limit(
        f"comment:{caller.user_id}", config.comment_rate_per_s, config.comment_burst
    )
    wait_s = rate_limits.retry_after_s(limit)
    if wait_s > 0:
        raise api_error(429, "rate_limited", f"too many comments; retry in {wait_s:.1f} s",
                        headers={"Retry-After": str(max(1, round(wait_s + 0.5)))})  # fmt: skip
    decision = judge(body.text)
    if not decision.accepted:
        raise api_error(422, "comment_refused", f"the comment was not posted: {decision.reason}")
    comment_id = str(uuid.uuid4())
    stored = spanner_social.create_comment(kind, subject_id, comment_id, caller.user_id,
                                           decision.text)  # fmt: skip
    event = CommentPosted(event_id=f"comment-{comment_id}", occurred_at=datetime.now(UTC),
                          comment_id=comment_id, subject_kind=kind, subject_id=subject_id,
                          user_id=caller.user_id, text=decision.text)  # fmt: skip
    try:
        pubsub.publish(COMMENTS_TOPIC, event, ordering_key="")
    except Exception:
        # Unmoderated comments must not stay up: the row goes, the client may retry.
        spanner_social.remove_comment(comment_id, "not sent to moderation")
        raise
    return _view(stored, decision.reason)


def _list(kind: SubjectKind, subject_id: str, cursor: str | None, limit: int) -> CommentPage:
    found = spanner_social.comments(kind, subject_id, limit, pagination.decode(cursor))
    keys = [(c.created_at, c.comment_id) for c in found]
    return CommentPage(comments=[_view(c) for c in found],
                       next_cursor=pagination.next_cursor(keys, limit))  # fmt: skip


_WRITE = documented(404, 422, 429)


@router.post("/clips/{subject_id}/comments", response_model=CommentView, status_code=201,
             responses=_WRITE)  # fmt: skip
def comment_on_clip(subject_id: SubjectId, body: CommentCreate, caller: AnyCaller) -> CommentView:
    """Comment on a feed clip. Refused (422 comment_refused, nothing stored) when the
    inline rules deny it; profanity is masked; 429 past the per-user rate."""
    return _create("clip", subject_id, body, caller)


@router.post("/vod/{subject_id}/comments", response_model=CommentView, status_code=201,
             responses=_WRITE)  # fmt: skip
def comment_on_title(subject_id: SubjectId, body: CommentCreate, caller: AnyCaller) -> CommentView:
    """Comment on an on-demand title (the rules of a clip's comments)."""
    return _create("vod", subject_id, body, caller)


@router.get("/clips/{subject_id}/comments", response_model=CommentPage, responses=documented(400))
def clip_comments(
    subject_id: SubjectId, _caller: AnyCaller, cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
) -> CommentPage:  # fmt: skip
    """Visible comments on a clip, the newest first."""
    return _list("clip", subject_id, cursor, limit)


@router.get("/vod/{subject_id}/comments", response_model=CommentPage, responses=documented(400))
def title_comments(
    subject_id: SubjectId, _caller: AnyCaller, cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
) -> CommentPage:  # fmt: skip
    return _list("vod", subject_id, cursor, limit)


def _visible(comment_id: str) -> spanner_social.Comment:
    found = spanner_social.comment(comment_id)
    if found is None or found.state is not CommentState.VISIBLE:
        raise api_error(404, "comment_not_found", f"no comment {comment_id}")
    return found


@router.delete("/comments/{comment_id}", status_code=204, responses=documented(403, 404))
def delete_comment(comment_id: CommentId, caller: AnyCaller) -> Response:
    """Its author or the content team deletes a comment."""
    found = _visible(comment_id)
    if not may_delete(caller, found.user_id):
        raise api_error(403, "forbidden", "only its author or the content team may delete it")
    spanner_social.delete_comment(found)
    return Response(status_code=204)


@router.post("/comments/{comment_id}/reports", response_model=CommentReported,
             responses=documented(404))  # fmt: skip
def report_comment(
    comment_id: CommentId, body: CommentReport, caller: AnyCaller
) -> CommentReported:
    """Report a comment (once per viewer); enough reports hide it until reviewed."""
    found = _visible(comment_id)
    updated = spanner_social.report(found, caller.user_id, body.reason)
    return CommentReported(id=comment_id, reports=updated.reports,
                           hidden=updated.state is not CommentState.VISIBLE)  # fmt: skip
