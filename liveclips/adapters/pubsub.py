"""Publishing domain events and dead letters to Pub/Sub."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from functools import lru_cache

from google.auth.exceptions import GoogleAuthError
from google.cloud.pubsub_v1 import PublisherClient
from google.cloud.pubsub_v1.types import PublisherOptions
from pydantic_core import PydanticSerializationError

from liveclips.adapters.config import settings
from liveclips.contracts.events import DomainEvent
from liveclips.errors import PermanentError, TransientError
from liveclips.resources import DEAD_LETTER_TOPIC

log = logging.getLogger("liveclips.pubsub")
# Pub/Sub rejects attribute values over 1024 bytes (not characters); a reason is a
# sentence, not a dump.
MAX_ATTRIBUTE_BYTES = 1000
# Pub/Sub's limits, in bytes; the emulator takes more, so _send checks them.
_MAX_ORDERING_KEY_BYTES = 1024
_MAX_ATTRIBUTE_NAME_BYTES = 256
_MAX_ATTRIBUTE_VALUE_BYTES = 1024


class Unpublishable(PermanentError, ValueError):
    """A message Pub/Sub refuses however often it is sent: an ordering key or attribute
    over its limits, or text that is not UTF-8 (a lone surrogate). Permanent, so a caller
    that dead-letters what it can never process (the bridges) dead-letters it."""


class PublisherUnavailable(TransientError, RuntimeError):
    """The Pub/Sub client cannot be built here (no credentials found): nothing was sent."""


@lru_cache(maxsize=1)
def _built_publisher() -> PublisherClient:
    # PUBSUB_EMULATOR_HOST, when set, points this client at the emulator.
    return PublisherClient(publisher_options=PublisherOptions(enable_message_ordering=True))


_BUILD_RETRY_S = 60.0
_failed_build: dict[str, float | str] = {}  # when building last failed, and why


def _publisher() -> PublisherClient:
    # Looking for credentials can take seconds (a metadata server's timeout): after a
    # failure, callers on a deadline (the chat review's 200 ms) are refused at once for
    # a minute rather than each waiting for the same answer.
    failed_at = float(_failed_build.get("at", -_BUILD_RETRY_S))
    if time.monotonic() - failed_at < _BUILD_RETRY_S:
        raise PublisherUnavailable(f"no Pub/Sub client: {_failed_build['why']}")
    try:
        return _built_publisher()
    except GoogleAuthError as error:
        _failed_build.update(at=time.monotonic(), why=str(error))
        raise PublisherUnavailable(f"no Pub/Sub client: {error}") from error


def _body(event: DomainEvent) -> bytes:
    try:
        return event.model_dump_json().encode()
    except PydanticSerializationError as error:
        # Text JSON cannot carry (a lone surrogate from the input): permanent, like the
        # limits _send checks, so the bridges dead-letter it instead of raising forever.
        raise Unpublishable(f"{event.TYPE} cannot be serialised: {error}") from error


def topic_path(topic: str) -> str:
    return f"projects/{settings().gcp_project}/topics/{topic}"


def publish(topic: str, event: DomainEvent, *, ordering_key: str = "") -> str:
    """Publish and wait for the server's ack, so a caller that returns has really sent it."""
    return _send(topic, _body(event), event.envelope_attributes(), ordering_key)


def dead_letter(
    original: bytes,
    *,
    reason: str,
    source: str,
    attributes: Mapping[str, str] | None = None,
) -> str:
    """Keep bytes that can never be processed, with the reason, for a person to look at."""
    return _send(DEAD_LETTER_TOPIC, original, _tagged(reason, source, attributes), "")


def publish_many(topic: str, messages: Sequence[tuple[bytes, Mapping[str, str]]]) -> list[str]:
    """Publish a batch concurrently and wait for every server ack (one round trip's worth
    of latency, not one per message); raises if any failed."""
    path = topic_path(topic)
    client = _publisher()
    futures = [client.publish(path, data, **attributes) for data, attributes in messages]
    return [str(f.result(timeout=30)) for f in futures]


def publish_nowait(topic: str, event: DomainEvent, *, ordering_key: str = "") -> None:
    """Hand the event to the publisher's background thread and return at once (for
    answers that cannot wait a round trip); a failure is logged when it happens."""
    data, attributes = _body(event), event.envelope_attributes()
    _send_nowait(topic, data, attributes, ordering_key)


def dead_letter_nowait(
    original: bytes,
    *,
    reason: str,
    source: str,
    attributes: Mapping[str, str] | None = None,
) -> None:
    _send_nowait(DEAD_LETTER_TOPIC, original, _tagged(reason, source, attributes), "")


def _tagged(reason: str, source: str, attributes: Mapping[str, str] | None) -> dict[str, str]:
    return {
        **(attributes or {}),
        "dead_letter_reason": attribute_value(reason),
        "dead_letter_source": source,
    }


def attribute_value(text: str, max_bytes: int = MAX_ATTRIBUTE_BYTES) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, so Pub/Sub accepts it as an attribute
    value (for anything that publishes free text there, such as a dead-letter reason).
    A character cut in half at the limit is dropped rather than sent as invalid UTF-8."""
    return text.encode()[:max_bytes].decode(errors="ignore")


def _refuse_unpublishable(attributes: Mapping[str, str], ordering_key: str) -> None:
    checks = [("the ordering key", ordering_key, _MAX_ORDERING_KEY_BYTES)]
    for name, value in attributes.items():
        checks.append((f"attribute name {name[:40]!r}", name, _MAX_ATTRIBUTE_NAME_BYTES))
        checks.append((f"attribute {name[:40]!r}", value, _MAX_ATTRIBUTE_VALUE_BYTES))
    for what, text, limit in checks:
        try:
            size = len(text.encode())
        except UnicodeEncodeError as error:
            raise Unpublishable(f"{what} is not valid UTF-8: {error}") from error
        if size > limit:
            raise Unpublishable(f"{what} is {size} bytes, Pub/Sub takes at most {limit}")


def _send_nowait(topic: str, data: bytes, attributes: Mapping[str, str], ordering_key: str) -> None:
    _refuse_unpublishable(attributes, ordering_key)
    path = topic_path(topic)
    client = _publisher()
    future = client.publish(path, data, ordering_key=ordering_key, **attributes)

    def settled(done: Future[str]) -> None:
        error = done.exception()
        if error is not None:
            log.error("publish to %s failed: %r", topic, error)
            if ordering_key:
                client.resume_publish(path, ordering_key)

    future.add_done_callback(settled)


def _send(topic: str, data: bytes, attributes: Mapping[str, str], ordering_key: str) -> str:
    _refuse_unpublishable(attributes, ordering_key)
    path = topic_path(topic)
    client = _publisher()
    future = client.publish(path, data, ordering_key=ordering_key, **attributes)
    try:
        return str(future.result(timeout=30))
    except Exception:
        # An ordered key stays paused after a failure until resumed; the caller retries.
        if ordering_key:
            client.resume_publish(path, ordering_key)
        raise
