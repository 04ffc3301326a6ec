"""Pull subscriptions for watching what the local cloud publishes (tests, benchmarks)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from google.cloud import pubsub_v1

from liveclips.adapters.config import settings


@contextmanager
def fresh_subscription(topic: str, label: str = "test") -> Iterator[str]:
    """A new pull subscription of `topic` (what is published from now on), deleted after:
    one per user, because the emulator leaks cancelled streaming pulls."""
    subscriber = pubsub_v1.SubscriberClient()
    project = settings().gcp_project
    path = subscriber.subscription_path(project, f"{label}-{topic}-{uuid.uuid4().hex[:8]}")
    subscriber.create_subscription(name=path, topic=f"projects/{project}/topics/{topic}")
    try:
        yield path
    finally:
        subscriber.delete_subscription(subscription=path)
        subscriber.close()


def pull_now(
    subscriber: pubsub_v1.SubscriberClient, subscription: str, max_messages: int = 100
) -> list[Any]:
    """One synchronous pull, acknowledged: the PubsubMessages waiting (maybe none)."""
    response = subscriber.pull(
        subscription=subscription, max_messages=max_messages, return_immediately=True, timeout=10
    )
    if response.received_messages:
        subscriber.acknowledge(
            subscription=subscription, ack_ids=[m.ack_id for m in response.received_messages]
        )
    return [m.message for m in response.received_messages]
