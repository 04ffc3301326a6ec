"""What the Pub/Sub emulator really does for push subscriptions (DESIGN.md section 5).

Pins the behaviour the handlers rely on locally, including one place where the
emulator differs from Cloud Pub/Sub: if a test here starts failing after an emulator
upgrade, update DESIGN.md section 5 along with it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest
from google.cloud import pubsub_v1

from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.integration.pushlab import fresh_topic, push_endpoint, wait_for
from tests.support import pull

pytestmark = pytest.mark.integration
ATTEMPTS = 5  # the smallest max_delivery_attempts Pub/Sub accepts


@contextmanager
def push_subscription(
    env: Mapping[str, str], topic: str, url: str, *, ordered: bool, dead_letters: str
) -> Iterator[str]:
    # No retry_policy: the emulator then redelivers about once a second, which keeps
    # these tests short (with 1-30 s backoff five attempts take ~16 s).
    subscriber = pubsub_v1.SubscriberClient()
    path = topic.replace("/topics/", "/subscriptions/")
    subscriber.create_subscription(
        request={
            "name": path,
            "topic": topic,
            "push_config": {"push_endpoint": url},
            "enable_message_ordering": ordered,
            "dead_letter_policy": {
                "dead_letter_topic": dead_letters,
                "max_delivery_attempts": ATTEMPTS,
            },
        }
    )
    try:
        yield path
    finally:
        subscriber.delete_subscription(subscription=path)


def _short(topic: str) -> str:
    return topic.rsplit("/", 1)[1]


def test_push_dead_letters_a_message_after_max_delivery_attempts(emulators: dict[str, str]) -> None:
    with (
        push_endpoint(lambda data, attempt: 500) as endpoint,
        fresh_topic(emulators) as topic,
        fresh_topic(emulators) as dead_letters,
        fresh_subscription(_short(dead_letters)) as audit,
        push_subscription(emulators, topic, endpoint.url, ordered=False, dead_letters=dead_letters),
    ):
        pubsub_v1.PublisherClient().publish(topic, b"poison", key="k").result(timeout=10)
        dead = pull(audit, timeout_s=30)

    assert [(m.data, m.attributes["key"]) for m in dead] == [(b"poison", "k")]
    assert dead[0].attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == str(ATTEMPTS)
    assert [d.status for d in endpoint.deliveries] == [500] * ATTEMPTS


def _publish_ordered(topic: str, messages: list[tuple[str, str]]) -> None:
    publisher = pubsub_v1.PublisherClient(
        publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
    )
    futures = [
        publisher.publish(topic, data.encode(), ordering_key=key, key=key) for key, data in messages
    ]
    for future in futures:
        future.result(timeout=10)


def test_ordered_push_sends_one_message_per_key_at_a_time_in_order(
    emulators: dict[str, str],
) -> None:
    def decide(data: str, attempt: int) -> int:
        return 500 if data == "A-3" and attempt == 1 else 200

    n = 10
    with (
        push_endpoint(decide) as endpoint,
        fresh_topic(emulators) as topic,
        fresh_topic(emulators) as dead_letters,
        push_subscription(emulators, topic, endpoint.url, ordered=True, dead_letters=dead_letters),
    ):
        _publish_ordered(topic, [(k, f"{k}-{i}") for i in range(n) for k in "AB"])
        done = wait_for(
            lambda: all(sum(d.status == 200 for d in endpoint.of(k)) >= n for k in "AB"),
            timeout_s=20,
        )

    assert done, endpoint.deliveries
    assert endpoint.max_in_flight == {"A": 1, "B": 1}
    # The failed A-3 holds back A-4.. until its redelivery succeeds; B is not held.
    expected_a = ["A-0", "A-1", "A-2", "A-3", *(f"A-{i}" for i in range(3, n))]
    assert [d.data for d in endpoint.of("A")] == expected_a
    assert [d.status for d in endpoint.of("A")][3] == 500
    assert [d.data for d in endpoint.of("B")] == [f"B-{i}" for i in range(n)]


def test_ordered_push_never_dead_letters_a_poison_message(emulators: dict[str, str]) -> None:
    """Emulator quirk: Cloud Pub/Sub dead-letters the message and moves on to the next
    one for the key; the emulator stops after max attempts, forwards nothing to the
    dead-letter topic and leaves the ordering key blocked. Locally, handlers on ordered
    subscriptions must dead-letter bad input themselves and answer 2xx."""
    with (
        push_endpoint(lambda data, attempt: 500 if data == "A-1" else 200) as endpoint,
        fresh_topic(emulators) as topic,
        fresh_topic(emulators) as dead_letters,
        fresh_subscription(_short(dead_letters)) as audit,
        push_subscription(emulators, topic, endpoint.url, ordered=True, dead_letters=dead_letters),
    ):
        _publish_ordered(topic, [("A", "A-0"), ("A", "A-1"), ("A", "A-2")])
        assert wait_for(
            lambda: sum(d.data == "A-1" for d in endpoint.of("A")) >= ATTEMPTS, timeout_s=20
        )
        time.sleep(6)  # an unordered subscription dead-letters ~4 s after the last attempt
        dead = pull(audit, timeout_s=1)

    assert [d.data for d in endpoint.of("A")] == ["A-0", *["A-1"] * ATTEMPTS]
    assert dead == []
