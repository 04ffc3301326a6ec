"""One pass of the AI moderation over comments: the chat path's judgement, the comment
table's actions.

The inline rules already ran in the API; this pulls comment.posted in batches from
`moderate-comments`, judges them with the same Moderator as chat
(liveclips/services/moderation.py: the OpenAI moderation endpoint, its breaker and
retries, the same thresholds) and removes a flagged comment. Decided ones are acked;
pending ones (OpenAI down, breaker open) are nacked and come back. docs/social.md.
"""

from __future__ import annotations

import logging
from typing import Any

from google.cloud import pubsub_v1

from liveclips.adapters import spanner_social
from liveclips.contracts.events import decode
from liveclips.contracts.social import CommentPosted
from liveclips.delivery import DeadLettered, deliver
from liveclips.domain.moderation_policy import Action
from liveclips.moderation_worker.batches import Moderate, Pass, pull_batch, settle
from liveclips.services.moderation import ChatLine, Status, Verdict, moderate_batch

log = logging.getLogger("liveclips.moderation_worker")
ROOM_PREFIX = "comments/"  # ChatLine.room_arn of a comment: comments/<kind>/<subject>


def act_on_comment(verdict: Verdict) -> None:
    """A flagged comment is removed (a repeat offender's too: there is no room to leave)."""
    if verdict.action in (Action.DELETE, Action.DELETE_AND_DISCONNECT):
        categories = ", ".join(verdict.categories) or "flagged"
        spanner_social.remove_comment(verdict.message_id, f"AI moderation: {categories}")


def _keep(verdicts: list[Verdict]) -> None:
    for v in verdicts:
        if v.status is not Status.PENDING:
            log.info("comment %s: %s (%s)", v.message_id, v.action, v.reason)


def run_once(
    subscriber: pubsub_v1.SubscriberClient, subscription: str, moderate: Moderate = moderate_batch
) -> Pass:
    received = pull_batch(subscriber, subscription)
    lines: dict[str, ChatLine] = {}
    acks: dict[str, list[str]] = {}
    done: list[str] = []
    skipped = 0
    for item in received:
        data, attributes = item.message.data, dict(item.message.attributes)
        posted: Any = deliver(
            data,
            source="moderation_worker.comments",
            attributes=attributes,
            validate=lambda: decode((CommentPosted,), data, attributes),  # noqa: B023
            handle=lambda message: message,
        )
        if isinstance(posted, DeadLettered):
            done.append(item.ack_id)
            skipped += 1
            continue
        room = f"{ROOM_PREFIX}{posted.subject_kind}/{posted.subject_id}"
        lines[posted.comment_id] = ChatLine(posted.comment_id, posted.user_id, room,
                                            posted.text, posted.occurred_at)  # fmt: skip
        acks.setdefault(posted.comment_id, []).append(item.ack_id)
    verdicts = moderate(list(lines.values()), store=_keep, act=act_on_comment) if lines else []
    decided = settle(subscriber, subscription, verdicts, acks, done)
    return Pass(len(received), len(decided), len(lines) - len(decided), skipped)
