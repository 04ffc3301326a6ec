"""The one validate -> dead-letter -> answer path every entry point takes (ADR 0013).

An entry point (a Pub/Sub-triggered or Cloud Tasks-called function, the clip worker, a
bridge Lambda, the chat review Lambda) hands `deliver` the bytes as they came, how to
validate them and what to do with the result. A PermanentError from either step
(liveclips.errors) is dead-lettered with its reason and comes back as DeadLettered, for
the entry point to answer so that the platform does not redeliver; everything else
raises, so the platform redelivers: a TransientError by design, anything else because
it is a bug that must show, not be hidden in the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from liveclips.adapters import pubsub
from liveclips.contracts.aws_events import describe_validation_error
from liveclips.contracts.events import InvalidMessage
from liveclips.errors import PermanentError

log = logging.getLogger("liveclips.delivery")

T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)


class DeadLetter(Protocol):
    def __call__(
        self,
        original: bytes,
        *,
        reason: str,
        source: str,
        attributes: Mapping[str, str] | None = None,
    ) -> Any: ...


@dataclass(frozen=True)
class DeadLettered:
    """The input was dead-lettered; answer so that it is not redelivered."""

    reason: str
    error: PermanentError


def validate_json(model: type[M], data: bytes | str, what: str) -> M:
    """`data` as `model`, or an InvalidMessage (permanent) saying what is wrong with it."""
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        raise InvalidMessage(f"{what}: {describe_validation_error(error)}") from error


def validate_object(model: type[M], data: Any, what: str) -> M:
    """Like validate_json, for an already decoded object (a Lambda's event)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidMessage(f"{what}: {describe_validation_error(error)}") from error


def _reject(
    error: PermanentError,
    original: bytes,
    source: str,
    attributes: Mapping[str, str] | None,
    dead_letter: DeadLetter | None,
) -> DeadLettered:
    reason = str(error)
    log.warning("%s dead-lettered a message: %s", source, reason)
    # Looked up per call: the default is the module's publish, whatever it is by then.
    (dead_letter or pubsub.dead_letter)(
        original, reason=reason, source=source, attributes=attributes
    )
    return DeadLettered(reason, error)


def deliver(
    original: bytes,
    *,
    source: str,
    validate: Callable[[], T],
    handle: Callable[[T], R],
    attributes: Mapping[str, str] | None = None,
    dead_letter: DeadLetter | None = None,
) -> R | DeadLettered:
    """handle(validate()), with a permanent failure of either dead-lettered."""
    try:
        return handle(validate())
    except PermanentError as error:
        return _reject(error, original, source, attributes, dead_letter)


async def deliver_async(
    original: bytes,
    *,
    source: str,
    validate: Callable[[], T],
    handle: Callable[[T], Awaitable[R]],
    attributes: Mapping[str, str] | None = None,
    dead_letter: DeadLetter | None = None,
) -> R | DeadLettered:
    """deliver for an event loop: the dead-letter publish waits for Pub/Sub's ack (up to
    its timeout), so it runs in a thread and the loop keeps serving."""
    try:
        return await handle(validate())
    except PermanentError as error:
        return await asyncio.to_thread(_reject, error, original, source, attributes, dead_letter)
