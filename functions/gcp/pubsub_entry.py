"""The shared shape of every Pub/Sub-triggered (and Cloud Tasks-called) function: decode,
dead-letter, or handle.

Functions use the background-event signature `(event, context)`: functions-framework
hands it both a raw Pub/Sub push body (emulator) and a 2nd-gen CloudEvent (Eventarc).
A message that can never be processed (a PermanentError) is dead-lettered with its reason
and acknowledged; anything else that goes wrong raises, so Pub/Sub redelivers with backoff
and, after the subscription's max attempts, moves it to the dead-letter topic itself. Both
go through liveclips.delivery, the path every entry point shares.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

import flask
from pydantic import BaseModel

from liveclips.contracts.events import DomainEvent, InvalidMessage, decode
from liveclips.delivery import DeadLettered, deliver, validate_json

BackgroundFunction = Callable[[dict[str, Any], Any], None]


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

                def undecodable() -> Any:
                    raise InvalidMessage("message data is not valid base64")

                deliver(data, source=source, validate=undecodable, handle=handle)
                return
            # The handler may find it unprocessable too (e.g. it names an unknown id).
            deliver(
                data,
                source=source,
                attributes=attributes,
                validate=lambda: decode(accepts, data, attributes),
                handle=handle,
            )

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
            outcome = deliver(
                data,
                source=source,
                validate=lambda: validate_json(accepts, data, source),
                handle=handle,
            )
            if isinstance(outcome, DeadLettered):
                return {"status": "dead_lettered", "reason": outcome.reason}, 200
            return {"status": outcome}, 200

        entry.__name__ = source
        return entry

    return wrap
