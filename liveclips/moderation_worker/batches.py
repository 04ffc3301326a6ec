"""One pass of the moderation worker: pull a batch of chat.message, judge it, keep
what must be retried.

Batches are what the moderation endpoint is priced and rate-limited by, so the worker
pulls up to BATCH_SIZE messages or whatever arrived within BATCH_WAIT_S. Decided verdicts
are stored (liveclips/adapters/spanner_moderation.py) and published (moderation.verdict), then
acknowledged; pending ones (OpenAI down, breaker open) and ones IVS Chat could not be
told about are nacked, so Pub/Sub redelivers them later: nothing is lost, and a message
judged twice is stored once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.cloud import pubsub_v1

from liveclips import resources
from liveclips.adapters import pubsub, spanner_moderation
from liveclips.adapters.spanner_moderation import StoredVerdict
from liveclips.contracts.events import ChatMessagePosted, ChatModerated, decode
from liveclips.delivery import DeadLettered, deliver
from liveclips.services.moderation import ChatLine, Status, Verdict, moderate_batch

log = logging.getLogger("liveclips.moderation_worker")
BATCH_SIZE = 32
BATCH_WAIT_S = 0.5
VERDICTS_TOPIC = resources.MODERATION_VERDICTS_TOPIC
_PULL_TIMEOUT_S = 5.0

Moderate = Callable[..., list[Verdict]]


@dataclass(frozen=True)
class Pass:
    pulled: int
    decided: int
    retried: int  # nacked: pending, or the IVS Chat action failed
    skipped: int  # not from an IVS Chat room, or unreadable (dead-lettered)


def pull_batch(subscriber: pubsub_v1.SubscriberClient, subscription: str) -> list[Any]:
    received: list[Any] = []
    deadline = time.monotonic() + BATCH_WAIT_S
    while len(received) < BATCH_SIZE and time.monotonic() < deadline:
        response = subscriber.pull(
            subscription=subscription,
            max_messages=BATCH_SIZE - len(received),
            return_immediately=True,
            timeout=_PULL_TIMEOUT_S,
        )
        received.extend(response.received_messages)
        if not response.received_messages:
            time.sleep(0.05)
    return received


def run_once(
    subscriber: pubsub_v1.SubscriberClient, subscription: str, moderate: Moderate = moderate_batch
) -> Pass:
    received = pull_batch(subscriber, subscription)
    lines: dict[str, ChatLine] = {}
    ack_ids_by_message: dict[str, list[str]] = {}
    channels: dict[str, str] = {}
    done: list[str] = []
    skipped = 0
    for item in received:
        data, attributes = item.message.data, dict(item.message.attributes)
        posted = deliver(
            data,
            source="moderation_worker",
            attributes=attributes,
            validate=lambda: decode((ChatMessagePosted,), data, attributes),  # noqa: B023
            handle=lambda message: message,
        )
        if isinstance(posted, DeadLettered):
            done.append(item.ack_id)
            skipped += 1
            continue
        if posted.room_arn is None:  # chat from elsewhere: no room to act in
            done.append(item.ack_id)
            skipped += 1
            continue
        lines[posted.message_id] = ChatLine(posted.message_id, posted.user_id, posted.room_arn,
                                            posted.text, posted.occurred_at)  # fmt: skip
        channels[posted.message_id] = posted.channel_id
        ack_ids_by_message.setdefault(posted.message_id, []).append(item.ack_id)
    verdicts = moderate(list(lines.values()), store=lambda v: _store(v, channels)) if lines else []
    decided = settle(subscriber, subscription, verdicts, ack_ids_by_message, done)
    return Pass(len(received), len(decided), len(lines) - len(decided), skipped)


def settle(
    subscriber: pubsub_v1.SubscriberClient,
    subscription: str,
    verdicts: list[Verdict],
    ack_ids_by_message: dict[str, list[str]],
    done: list[str],
) -> set[str]:
    """Acknowledge what was decided (and `done`, the messages never to be judged); anything
    not decided (pending, IVS Chat unreachable, or somehow unanswered) comes back at once.
    Returns the ids decided."""
    decided = {v.message_id for v in verdicts if v.status is Status.DECIDED}
    done = done + [ack for message_id in decided for ack in ack_ids_by_message[message_id]]
    again = [ack for m, acks in ack_ids_by_message.items() if m not in decided for ack in acks]
    if done:
        subscriber.acknowledge(subscription=subscription, ack_ids=done)
    if again:
        subscriber.modify_ack_deadline(
            subscription=subscription, ack_ids=again, ack_deadline_seconds=0
        )
    return decided


def _store(verdicts: list[Verdict], channels: dict[str, str]) -> None:
    judged = [v for v in verdicts if v.status is not Status.PENDING and v.action is not None]
    spanner_moderation.record([_stored(v, channels[v.message_id]) for v in judged])
    for verdict in judged:
        pubsub.publish(VERDICTS_TOPIC, _event(verdict, channels[verdict.message_id]),
                       ordering_key=channels[verdict.message_id])  # fmt: skip


def _stored(verdict: Verdict, channel_id: str) -> StoredVerdict:
    assert verdict.action is not None  # noqa: S101  # pending ones are filtered out
    return StoredVerdict(
        room_id=verdict.room_arn.rsplit("/", 1)[-1],
        message_id=verdict.message_id,
        room_arn=verdict.room_arn,
        channel_id=channel_id,
        user_id=verdict.user_id,
        text=verdict.text,
        sent_at=verdict.sent_at,
        flagged=verdict.flagged,
        categories=list(verdict.categories),
        top_score=max(verdict.top_scores.values(), default=0.0),
        action=verdict.action.value,
        reason=verdict.reason,
        model=verdict.model or "",
    )


def _event(verdict: Verdict, channel_id: str) -> ChatModerated:
    assert verdict.action is not None  # noqa: S101
    return ChatModerated(
        event_id=f"moderation-{verdict.message_id}",
        occurred_at=verdict.decided_at,
        room_arn=verdict.room_arn,
        channel_id=channel_id,
        message_id=verdict.message_id,
        user_id=verdict.user_id,
        action=verdict.action.value,
        categories=list(verdict.categories),
        top_score=max(verdict.top_scores.values(), default=0.0),
        acted=verdict.status is Status.DECIDED,
    )
