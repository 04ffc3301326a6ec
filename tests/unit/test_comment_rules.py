"""Comments go through chat's inline rules; who may delete one; reports hide it."""

from __future__ import annotations

from datetime import UTC, datetime

from liveclips.domain.access import Caller, Role
from liveclips.domain.comments import (
    HIDE_AFTER_REPORTS,
    CommentState,
    judge,
    may_delete,
    state_after_report,
)


def _caller(user: str, role: Role) -> Caller:
    now = datetime.now(UTC)
    return Caller(
        user_id=user,
        role=role,
        token_id="jti-1",  # noqa: S106
        issued_at=now,
        expires_at=now,
    )


def test_a_plain_comment_is_accepted_as_written() -> None:
    decision = judge("what a clutch play")
    assert decision.accepted and decision.text == "what a clutch play" and decision.reason is None


def test_a_denied_term_refuses_the_comment_with_the_reason() -> None:
    decision = judge("just kys already")
    assert not decision.accepted
    assert decision.reason and "kys" in decision.reason


def test_links_are_refused_like_in_chat() -> None:
    decision = judge("free skins at www.scam.example.com")
    assert not decision.accepted
    assert decision.reason and "link" in decision.reason


def test_profanity_is_masked_not_refused() -> None:
    decision = judge("holy shit that was good")
    assert decision.accepted
    assert "shit" not in decision.text
    assert decision.reason and "redacted" in decision.reason


def test_the_author_or_the_content_team_may_delete() -> None:
    assert may_delete(_caller("u1", Role.VIEWER), "u1")
    assert not may_delete(_caller("u2", Role.VIEWER), "u1")
    assert not may_delete(_caller("u2", Role.CREATOR), "u1")
    assert may_delete(_caller("m", Role.MODERATOR), "u1")


def test_enough_reports_hide_a_comment() -> None:
    assert state_after_report(CommentState.VISIBLE, HIDE_AFTER_REPORTS - 1) is CommentState.VISIBLE
    assert state_after_report(CommentState.VISIBLE, HIDE_AFTER_REPORTS) is CommentState.REMOVED
    assert state_after_report(CommentState.DELETED, 99) is CommentState.DELETED
