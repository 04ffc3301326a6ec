"""Lambda: IVS Chat's message review handler.

IVS Chat waits at most 200 ms (not adjustable) and applies the room's fallbackResult
when the handler fails or is late, so everything inline is cheap: one Redis round trip
(rate counters, duplicate check, the room's rules: liveclips/adapters/chat_limits.py) and plain
string rules (liveclips/domain/chat_rules.py). An allowed message is published (chat.message) for
the AI moderation, the highlight signals and analytics without waiting for the publish.
A request that is not IVS Chat's shape gets a clear log line, a dead-letter copy and the
configured fallback answer, never an exception.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from functions.aws.bridge import original_bytes
from liveclips import resources
from liveclips.adapters import chat_limits, pubsub
from liveclips.adapters.config import settings
from liveclips.contracts.chat import CHANNEL_ATTRIBUTE, ReviewRequest, ReviewResponse, RoomRules
from liveclips.contracts.events import ChatMessagePosted
from liveclips.delivery import DeadLettered, deliver, validate_object
from liveclips.domain.chat_rules import RoomPolicy, review
from liveclips.settings import ChatReviewSettings, require

logger = Logger(service="chat_review")
# Checked at the cold start: a missing variable fails it, named, not every review.
require(ChatReviewSettings)
CHAT_TOPIC = resources.CHAT_MESSAGES_TOPIC
_KEPT_PER_REVIEW = 50  # sent beside one review's answer: a few ms of publisher hand-off
# Another instance may have kept some before this one started.
_kept = {"may_wait": True}


@lru_cache(maxsize=1024)
def _policy(rules_json: str) -> RoomPolicy:
    """Rules change rarely and every message of a room carries the same JSON: parse and
    compile each version once per process."""
    rules = chat_limits.rules_of(rules_json) or RoomRules()
    return RoomPolicy.build(
        channel_id=rules.channel_id,
        denied=tuple(rules.denied),
        redacted=tuple(rules.redacted),
        links=rules.links,
        allowed_domains=tuple(rules.allowed_domains),
        user_limit=rules.user_limit,
        room_limit=rules.room_limit,
    )


def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    outcome = deliver(
        original_bytes(event),
        source="chat_review",
        validate=lambda: validate_object(ReviewRequest, event, "not an IVS Chat review request"),
        handle=_review,
        dead_letter=_dead_letter_nowait,
    )
    if isinstance(outcome, DeadLettered):
        result = settings().chat_review_fallback
        logger.error("review request rejected", extra={"reason": outcome.reason, "answer": result})
        return ReviewResponse(ReviewResult=result).model_dump(exclude_none=True)
    return outcome


def _review(request: ReviewRequest) -> dict[str, Any]:
    sent_at = datetime.now(UTC)
    try:
        counted = chat_limits.count(
            request.RoomArn, request.Sender.UserId, request.Content, int(time.time() * 1000)
        )
        traffic, rules_json = counted.traffic, counted.rules_json
    except chat_limits.REDIS_ERRORS as error:
        logger.warning("reviewing without counters", extra={"error": repr(error)})
        traffic, rules_json = None, ""
    try:
        policy = _policy(rules_json)
    except (ValueError, ValidationError) as error:
        logger.error("room rules unreadable; baseline used", extra={"error": str(error)})
        policy = _policy("")
    decision = review(request.Content, policy, traffic)
    if decision.result == "DENY":
        logger.info("denied", extra={"message_id": request.MessageId, "why": decision.reasons})
        return ReviewResponse(ReviewResult="DENY").model_dump(exclude_none=True)
    _publish(request, decision.content, policy.channel_id, sent_at)
    answer = ReviewResponse(
        ReviewResult="ALLOW",
        Content=decision.content if decision.changed else None,
        Attributes={**request.Attributes, "review": decision.reasons[0]}
        if decision.changed
        else None,
    )
    return answer.model_dump(exclude_none=True)


def _publish(request: ReviewRequest, text: str, channel_id: str | None, at: datetime) -> None:
    message = ChatMessagePosted(
        event_id=request.MessageId,
        occurred_at=at,
        channel_id=channel_id
        or request.Sender.Attributes.get(CHANNEL_ATTRIBUTE)
        or request.RoomArn.rsplit("/", 1)[-1],
        message_id=request.MessageId,
        user_id=request.Sender.UserId,
        text=text,
        room_arn=request.RoomArn,
    )
    # Not awaited: the answer must not wait for Pub/Sub. The publisher's own thread sends
    # it (a failure is logged by the callback; the AI moderation then misses one message).
    try:
        pubsub.publish_nowait(CHAT_TOPIC, message, ordering_key=message.channel_id)
    except pubsub.PublisherUnavailable as error:  # the message is still allowed: keep it
        _keep(message, error)
        return
    _send_kept()


def _keep(message: ChatMessagePosted, error: Exception) -> None:
    logger.error("chat.message not published; kept", extra={"error": repr(error)})
    try:
        chat_limits.keep_unpublished(message.model_dump_json())
        _kept["may_wait"] = True
    except chat_limits.REDIS_ERRORS as lost:
        logger.error("chat.message lost", extra={"id": message.message_id, "error": repr(lost)})


def _send_kept() -> None:
    """Messages an instance could not publish, sent once one can (looked for at each
    cold start, and after this instance kept one)."""
    if not _kept["may_wait"]:
        return
    try:
        kept = chat_limits.take_unpublished(_KEPT_PER_REVIEW)
    except chat_limits.REDIS_ERRORS:
        return
    for raw in kept:
        message = ChatMessagePosted.model_validate_json(raw)
        pubsub.publish_nowait(CHAT_TOPIC, message, ordering_key=message.channel_id)
    _kept["may_wait"] = len(kept) == _KEPT_PER_REVIEW


def _dead_letter_nowait(
    original: bytes, *, reason: str, source: str, attributes: Mapping[str, str] | None = None
) -> None:
    """The dead-letter copy without waiting for Pub/Sub: IVS Chat waits 200 ms at most."""
    try:
        pubsub.dead_letter_nowait(original, reason=reason, source=source, attributes=attributes)
    except Exception as error:  # noqa: BLE001  # the answer matters more than the copy
        logger.error("dead-letter copy failed", extra={"error": repr(error)})
