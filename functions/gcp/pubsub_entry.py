"""The shared shape of every Pub/Sub-triggered (and Cloud Tasks-called) function: decode,
dead-letter, or handle.

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

import flask
from pydantic import BaseModel, ValidationError

from liveclips.adapters import pubsub
from liveclips.contracts.aws_events import describe_validation_error
from liveclips.contracts.events import DomainEvent, InvalidMessage, decode

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
                # The handler may find it unprocessable too (e.g. it names an unknown id).
                handle(decode(accepts, data, attributes))
            except InvalidMessage as error:
                _reject(data, attributes, source, str(error))

        entry.__name__ = source
        return entry

    return wrap


def task_function(
    accepts: type[BaseModel],
) -> Callable[[Callable[[Any], str]], Callable[[flask.Request], tuple[dict[str, str], int]]]:
    """An HTTP function that Cloud Tasks calls with a JSON body of model `accepts`.

    Cloud Tasks retries every non-2xx answer: a body that can never be processed is
    dead-lettered and answered 200; anything else that goes wrong answers 500 (retry).
    """

    def wrap(
        handle: Callable[[Any], str],
    ) -> Callable[[flask.Request], tuple[dict[str, str], int]]:
        source = handle.__name__

        def entry(request: flask.Request) -> tuple[dict[str, str], int]:
            data = request.get_data()
            try:
                task = accepts.model_validate_json(data)
                outcome = handle(task)
            except ValidationError as error:
                reason = f"{source}: {describe_validation_error(error)}"
                _reject(data, {}, source, reason)
                return {"status": "dead_lettered", "reason": reason}, 200
            except InvalidMessage as error:
                _reject(data, {}, source, str(error))
                return {"status": "dead_lettered", "reason": str(error)}, 200
            return {"status": outcome}, 200

        entry.__name__ = source
        return entry

    return wrap


def _reject(data: bytes, attributes: dict[str, str], source: str, reason: str) -> None:
    log.warning("%s rejected a message: %s", source, reason)
    pubsub.dead_letter(data, reason=reason, source=source, attributes=attributes)
