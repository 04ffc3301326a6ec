"""Comments on clips and on-demand titles: what may be posted, who may delete one.

A comment goes through the same inline rules as a chat message
(liveclips/domain/chat_rules.py `review`: denied terms, links, spam; profanity masked),
then, once stored, through the same asynchronous AI moderation (a flagged comment is
removed). The per-user rate limit is the API's (GCRA in Redis), not the rules' counters,
so `review` gets no traffic here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from liveclips.domain.access import CONTENT_TEAM, Caller
from liveclips.domain.chat_rules import MAX_LENGTH, RoomPolicy, review

SubjectKind = Literal["clip", "vod"]
SUBJECT_KINDS: tuple[SubjectKind, ...] = ("clip", "vod")
MAX_COMMENT_LENGTH = MAX_LENGTH  # the rules' own limit: one review for chat and comments
REPORT_REASONS = ("spam", "harassment", "hate", "sexual", "violence", "other")
# Reports by this many distinct viewers hide a comment until the content team decides.
HIDE_AFTER_REPORTS = 3


class CommentState(StrEnum):
    VISIBLE = "VISIBLE"
    REMOVED = "REMOVED"  # by the AI moderation, reports or the content team
    DELETED = "DELETED"  # by its author


@dataclass(frozen=True)
class Decision:
    accepted: bool
    text: str  # what is stored: the text as written, or with terms masked
    reason: str | None  # why refused, or what was changed


# Comments get the baseline terms and link rule of every room.
COMMENT_POLICY = RoomPolicy()


def judge(text: str, policy: RoomPolicy = COMMENT_POLICY) -> Decision:
    """The inline verdict on a new comment (the text is already stripped and non-empty)."""
    verdict = review(text, policy, None)
    if verdict.result == "DENY":
        return Decision(False, text, verdict.reasons[0] if verdict.reasons else "denied")
    return Decision(True, verdict.content, verdict.reasons[0] if verdict.reasons else None)


def may_delete(caller: Caller, author_id: str) -> bool:
    """The author, or the content team."""
    return caller.user_id == author_id or caller.role in CONTENT_TEAM


def state_after_report(state: CommentState, reports: int) -> CommentState:
    if state is CommentState.VISIBLE and reports >= HIDE_AFTER_REPORTS:
        return CommentState.REMOVED
    return state
