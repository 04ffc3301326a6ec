"""The EventBridge -> Pub/Sub bridges end to end: the real Lambda handlers, their
powertools idempotency in moto DynamoDB, and the Pub/Sub emulator.

test_fuzz_aws_events.py fuzzes what the bridges parse and route; this feeds the same kind
of input through `lambda_handler`, each event delivered twice (EventBridge delivers at
least once), and holds the handler to what docs/reliability.md promises:

- it never raises (a raising bridge makes EventBridge retry a poison event for a day);
- an event is published to its topic, passed over with the reason, or dead-lettered with
  its reason and original bytes, and what it publishes Pub/Sub accepts (ordering key and
  attribute limits, which the emulator does not enforce);
- the second delivery publishes nothing new: a published or passed-over event is answered
  from the stored result. A rejected event is not stored (the invocation failed), so a
  redelivery is rejected again with the same reason: one more dead-letter copy, nothing
  on the event topics.

Every example costs round trips (DynamoDB, Pub/Sub), so the budget is FUZZ's with fewer
examples and a deadline for a round trip. What arrives on the topics is also checked over
the whole run at the end: no message twice, none nobody answered for.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from google.cloud import pubsub_v1
from hypothesis import example, given, settings
from hypothesis import strategies as st

from functions.aws import ivs_bridge, mediaconvert_bridge
from functions.aws.bridge import original_bytes
from liveclips.contracts.aws_events import AwsEvent, parse_aws_event
from liveclips.contracts.ivs_translation import (
    LIFECYCLE_TOPIC,
    SEGMENTS_TOPIC,
    UPLOADS_TOPIC,
    Forward,
    PassOver,
    translate,
)
from liveclips.contracts.mediaconvert_translation import VOD_JOBS_TOPIC, translate_job_event
from liveclips.resources import DEAD_LETTER_TOPIC
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from liveclips_dev.localcloud.subscriptions import fresh_subscription, pull_now
from tests.fuzz.inputs import (
    FUZZ,
    aws_fixture,
    hostile_strings,
    json_values,
    mutations,
    nasty_text,
)
from tests.fuzz.test_fuzz_aws_events import IVS_SAMPLES, MEDIACONVERT_SAMPLES

pytestmark = [
    pytest.mark.integration,
    # An event whose id is "" has no idempotency key: powertools warns and runs it (it is
    # passed over or rejected, never published: a domain event's id is never empty).
    pytest.mark.filterwarnings("ignore:No idempotency key value found"),
]

# Two handler calls and a pull per example (~50-100 ms on the emulators): 40 of FUZZ's 150
# examples keeps the file near 10 s; the deadline allows a slow round trip, not a slow parser.
BRIDGE_FUZZ = settings(FUZZ, max_examples=40, deadline=timedelta(seconds=5))
TOPICS = (LIFECYCLE_TOPIC, SEGMENTS_TOPIC, UPLOADS_TOPIC, VOD_JOBS_TOPIC, DEAD_LETTER_TOPIC)
# Pub/Sub's limits (the emulator accepts more).
MAX_ORDERING_KEY_BYTES = 1024
MAX_ATTRIBUTE_KEY_BYTES = 256
MAX_ATTRIBUTE_VALUE_BYTES = 1024
SAMPLE_IDS = {doc["id"] for doc in IVS_SAMPLES + MEDIACONVERT_SAMPLES}


@dataclass(frozen=True)
class Bridge:
    lambda_handler: Callable[[Any, Any], dict[str, str]]
    logger: Logger
    route: Callable[[AwsEvent], Forward | PassOver]


IVS = Bridge(ivs_bridge.lambda_handler, ivs_bridge.logger, translate)
MEDIACONVERT = Bridge(
    mediaconvert_bridge.lambda_handler, mediaconvert_bridge.logger, translate_job_event
)


@dataclass
class Inbox:
    """Everything the run's subscriptions received, pulled as the examples need it."""

    subscriptions: dict[str, str]
    subscriber: pubsub_v1.SubscriberClient = field(default_factory=pubsub_v1.SubscriberClient)
    received: dict[str, list[pubsub_v1.types.PubsubMessage]] = field(default_factory=dict)
    # What the answers said was published: topic -> message ids; dead letters by bytes.
    published: dict[str, set[str]] = field(default_factory=dict)
    dead_letters: Counter[tuple[str, bytes]] = field(default_factory=Counter)

    def pull_once(self) -> int:
        count = 0
        for topic, subscription in self.subscriptions.items():
            got = pull_now(self.subscriber, subscription)
            self.received.setdefault(topic, []).extend(got)
            count += len(got)
        return count

    def wait_for(
        self, topic: str, found: Callable[[pubsub_v1.types.PubsubMessage], bool], count: int
    ) -> list[pubsub_v1.types.PubsubMessage]:
        deadline = time.monotonic() + 5
        while True:
            matching = [m for m in self.received.get(topic, []) if found(m)]
            if len(matching) >= count or time.monotonic() > deadline:
                return matching
            if not self.pull_once():
                time.sleep(0.01)

    def drain(self, quiet_s: float = 1.0) -> None:
        """Pull until nothing arrived for quiet_s: what a late duplicate would need."""
        last = time.monotonic()
        while time.monotonic() - last < quiet_s:
            if self.pull_once():
                last = time.monotonic()
            else:
                time.sleep(0.05)


@pytest.fixture(scope="module")
def inbox(emulators) -> Iterator[Inbox]:
    with ExitStack() as stack:
        subscriptions = {topic: stack.enter_context(fresh_subscription(topic)) for topic in TOPICS}
        box = Inbox(subscriptions)
        try:
            yield box
        finally:
            box.subscriber.close()


def fuzzed_event(raw: Any, as_text: bool) -> Any:
    """A fresh id per example (a repeated one would be a redelivery of another example's
    event), kept as it was fuzzed otherwise; as_text: the event as a JSON string."""
    event = copy.deepcopy(raw)
    if isinstance(event, dict) and isinstance(event.get("id"), str) and event["id"]:
        kept = "" if event["id"] in SAMPLE_IDS else event["id"]
        event["id"] = f"{uuid.uuid4()}{kept}"
    return json.dumps(event) if as_text and isinstance(event, dict) else event


def event_id(event: Any) -> Any:
    try:
        return json.loads(event).get("id") if isinstance(event, str) else event.get("id")
    except (ValueError, AttributeError):
        return None


def assert_pubsub_accepts(message: pubsub_v1.types.PubsubMessage) -> None:
    assert len(message.ordering_key.encode()) <= MAX_ORDERING_KEY_BYTES
    for key, value in message.attributes.items():
        assert 0 < len(key.encode()) <= MAX_ATTRIBUTE_KEY_BYTES
        assert len(value.encode()) <= MAX_ATTRIBUTE_VALUE_BYTES


def deliver_twice(inbox: Inbox, bridge: Bridge, event: Any) -> None:
    handler, service = bridge.lambda_handler, bridge.logger.service
    first = handler(event, LocalLambdaContext(service))
    second = handler(copy.deepcopy(event), LocalLambdaContext(service))

    status = first["status"]
    assert status in {"published", "passed_over", "rejected"}, first
    if status == "rejected":
        # Not stored: rejected again, the same way, and dead-lettered once per delivery.
        assert first["reason"] and second == first
        data = original_bytes(event)
        inbox.dead_letters[service, data] += 2  # the same input may come again, or to both

        def mine(m: pubsub_v1.types.PubsubMessage) -> bool:
            return m.data == data and m.attributes.get("dead_letter_source") == service

        letters = inbox.wait_for(DEAD_LETTER_TOPIC, mine, count=inbox.dead_letters[service, data])
        assert len(letters) == inbox.dead_letters[service, data]
        for letter in letters:
            assert letter.attributes["dead_letter_reason"]
            assert first["reason"].startswith(letter.attributes["dead_letter_reason"])
            assert_pubsub_accepts(letter)
        return

    assert second == first  # answered from the stored result, nothing published again
    if status == "published":
        topic, message_id = first["topic"], first["message_id"]
        inbox.published.setdefault(topic, set()).add(message_id)
        [message] = inbox.wait_for(topic, lambda m: m.message_id == message_id, count=1)
        routed = bridge.route(parse_aws_event(event))  # where it belongs
        assert isinstance(routed, Forward)
        assert (topic, message.ordering_key) == (routed.topic, routed.ordering_key)
        assert message.attributes["event_id"] == routed.event.event_id == event_id(event)
        assert_pubsub_accepts(message)
    else:
        assert first["reason"]


def assert_nothing_else_was_published(inbox: Inbox) -> None:
    inbox.drain()
    for topic in TOPICS:
        received = inbox.received.get(topic, [])
        if topic == DEAD_LETTER_TOPIC:
            # Only the bridges' own: when the app services run too, the functions
            # dead-letter some of what the bridges published, which is theirs to do.
            bridges = {IVS.logger.service, MEDIACONVERT.logger.service}
            sources = Counter(
                (m.attributes["dead_letter_source"], m.data)
                for m in received
                if m.attributes.get("dead_letter_source") in bridges
            )
            assert sources == inbox.dead_letters
            continue
        ids = Counter(m.message_id for m in received)
        assert [i for i, n in ids.items() if n > 1] == [], f"{topic}: received twice"
        assert set(ids) == inbox.published.get(topic, set()), f"{topic}: unanswered messages"


# Keys that route an S3 event somewhere (a segment of a recording, a creator's upload)
# rather than passing it over: S3 object names are what a client chooses.
routed_keys = st.one_of(
    st.from_regex(
        r"ivs/v1/[0-9]{12}/[A-Za-z0-9]{1,12}/20[0-9][0-9]/(1[0-2]|[1-9])/([12]\d|[1-9])/(1\d|[1-9])"
        r"/([1-5]\d|[1-9])/[a-zA-Z0-9]{1,12}/media/hls/[a-z0-9]{1,8}/[0-9]{1,4}\.ts",
        fullmatch=True,
    ),
    st.uuids().map(lambda u: f"uploads/{u}/source"),
)
S3_SAMPLE = aws_fixture("s3-object-created.json")
STREAM_START = aws_fixture("ivs-stream-state-stream-start.json")
STREAM_TAKEOVER = aws_fixture("ivs-stream-state-stream-takeover.json")
COMPLETE = aws_fixture("mediaconvert-complete-hls.json")


def s3_event(key: str) -> dict[str, Any]:
    event = copy.deepcopy(S3_SAMPLE)
    event["detail"]["object"]["key"] = key
    return event


ivs_events = st.one_of(
    st.sampled_from(IVS_SAMPLES),
    st.sampled_from(IVS_SAMPLES).flatmap(mutations),
    st.sampled_from(IVS_SAMPLES).flatmap(hostile_strings),
    routed_keys.map(s3_event),
    routed_keys.map(s3_event).flatmap(hostile_strings),
    st.sampled_from(MEDIACONVERT_SAMPLES),  # mis-routed
    json_values,
)


def ours(event: dict[str, Any], title_id: str, attempt: str) -> dict[str, Any]:
    """A MediaConvert sample as a job liveclips submitted (userMetadata names the title)."""
    event = copy.deepcopy(event)
    event["detail"]["userMetadata"] = {"title_id": title_id, "attempt": attempt}
    return event


our_jobs = st.builds(
    ours,
    st.sampled_from(MEDIACONVERT_SAMPLES),
    st.one_of(st.uuids().map(str), nasty_text),
    st.one_of(st.sampled_from(["1", "2", "0", "-1", "٣", "²", ""]), nasty_text),
)
mediaconvert_events = st.one_of(
    our_jobs,
    our_jobs.flatmap(mutations),
    our_jobs.flatmap(hostile_strings),
    st.sampled_from(MEDIACONVERT_SAMPLES).flatmap(mutations),
    st.sampled_from(IVS_SAMPLES),  # mis-routed
    json_values,
)


def test_the_ivs_bridge_publishes_once_or_dead_letters_whatever_it_is_sent(inbox):
    @BRIDGE_FUZZ
    @given(ivs_events, st.booleans())
    # Events as JSON text were parsed but never keyed (powertools found no `id` in a
    # string): every delivery was published again, and a passed-over one raised.
    @example(raw=STREAM_START, as_text=True)
    @example(raw=STREAM_TAKEOVER, as_text=True)
    def run(raw: Any, as_text: bool) -> None:
        event = fuzzed_event(raw, as_text)
        deliver_twice(inbox, IVS, event)

    run()
    assert_nothing_else_was_published(inbox)


def test_the_mediaconvert_bridge_publishes_once_or_dead_letters_whatever_it_is_sent(inbox):
    @BRIDGE_FUZZ
    @given(mediaconvert_events, st.booleans())
    # An ordering key over Pub/Sub's 1024 bytes (the title id): the emulator took it, Pub/Sub
    # refuses it, and the bridge raised on every retry instead of dead-lettering it.
    @example(raw=ours(COMPLETE, "\U00010000" * 257, "1"), as_text=False)
    @example(raw=ours(COMPLETE, "t-\ud800", "1"), as_text=False)  # a lone surrogate in the key
    def run(raw: Any, as_text: bool) -> None:
        event = fuzzed_event(raw, as_text)
        deliver_twice(inbox, MEDIACONVERT, event)

    run()
    assert_nothing_else_was_published(inbox)
