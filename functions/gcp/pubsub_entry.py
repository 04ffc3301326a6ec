"""The shared shape of every Pub/Sub-triggered function: decode, dead-letter, or handle.

Functions use the background-event signature `(event, context)`: functions-framework
hands it both a raw Pub/Sub push body (emulator) and a 2nd-gen CloudEvent (Eventarc).
A message that can never be processed is dead-lettered with its reason and acknowledged;
anything else that goes wrong raises, so Pub/Sub redelivers with backoff and, after the
subscription's max attempts, moves it to the dead-letter topic itself.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from typing import Any

from adapters import pubsub
from schemas.events import DomainEvent, InvalidMessage, decode

BackgroundFunction = Callable[[dict[str, Any], Any], None]

log = logging.getLogger("liveclips.functions")


def pubsub_function(
    *accepts: type[DomainEvent],
) -> Callable[[Callable[[Any], None]], BackgroundFunction]:
    def wrap(handle: Callable[[Any], None]) -> BackgroundFunction:
        source = handle.__name__

        def entry(event: dict[str, Any], context: Any) -> None:
            attributes: dict[str, str] = dict(event.get("attributes") or {})
            raw = event.get("data") or ""
            try:
                data = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError, TypeError):
                data = str(raw).encode()
                _reject(data, attributes, source, "message data is not valid base64")
                return
            try:
                message = decode(accepts, data, attributes)
            except InvalidMessage as error:
                _reject(data, attributes, source, str(error))
                return
            handle(message)

        entry.__name__ = source
        return entry

    return wrap


def _reject(data: bytes, attributes: dict[str, str], source: str, reason: str) -> None:
    log.warning("%s rejected a message: %s", source, reason)
    pubsub.dead_letter(data, reason=reason, source=source, attributes=attributes)
