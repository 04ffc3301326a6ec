"""The shape every EventBridge -> Pub/Sub bridge Lambda shares: validate, dedupe, publish.

EventBridge delivers at least once, so the EventBridge event id is the idempotency key
(powertools idempotency, persisted in DynamoDB): a redelivered event is answered from the
stored result without publishing again. Invalid events (a PermanentError: InvalidAwsEvent,
NotForThisBridge, Unpublishable) are never retried: they go to the dead-letter topic with
the reason, and the invocation succeeds (liveclips.delivery). Anything else raises, so
Lambda's async retries and then its failure destination keep the event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from liveclips.adapters import dynamodb, pubsub
from liveclips.adapters.config import settings
from liveclips.contracts.aws_events import (
    AwsEvent,
    InvalidAwsEvent,
    describe_validation_error,
    load_json_object,
    parse_aws_event,
)
from liveclips.contracts.ivs_translation import Forward, PassOver
from liveclips.delivery import DeadLettered, deliver
from liveclips.settings import BridgeSettings, require

Translate = Callable[[AwsEvent], Forward | PassOver]
Handler = Callable[[Any, LambdaContext], dict[str, str]]


@lru_cache(maxsize=1)
def _persistence() -> DynamoDBPersistenceLayer:
    # Built on first use so the DynamoDB client is made once per process from
    # configuration, not at import.
    return DynamoDBPersistenceLayer(
        table_name=settings().idempotency_table, boto3_client=dynamodb.client()
    )


def bridge(logger: Logger, translate: Translate) -> Handler:
    """A Lambda handler that forwards what `translate` routes and dead-letters the rest
    (tagged with the logger's service name as their source)."""
    # Built when the Lambda's module is imported: its cold start fails, naming what is missing.
    require(BridgeSettings)
    service = logger.service
    idempotency = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=24 * 3600)

    def forward(raw: dict[str, Any]) -> dict[str, str]:
        routed = translate(parse_aws_event(raw))
        if not isinstance(routed, Forward):
            logger.info("passed over", extra={"reason": routed.reason, "event_id": raw.get("id")})
            return {"status": "passed_over", "reason": routed.reason}
        message_id = pubsub.publish(routed.topic, routed.event, ordering_key=routed.ordering_key)
        logger.info(
            "published",
            extra={"topic": routed.topic, "type": routed.event.TYPE, "id": routed.event.event_id},
        )
        return {"status": "published", "topic": routed.topic, "message_id": message_id}

    @lru_cache(maxsize=1)
    def forward_once() -> Callable[..., dict[str, str]]:
        guarded: Callable[..., dict[str, str]] = idempotent_function(
            data_keyword_argument="raw", persistence_store=_persistence(), config=idempotency
        )(forward)
        return guarded

    def validate(event: Any) -> dict[str, Any]:
        # The object, also when the event came as JSON text: the idempotency key is read
        # from it (from a string it found none and published every delivery).
        raw = load_json_object(event)
        routed = parse_aws_event(raw)
        try:
            # Pure, so it is run here (and again under the idempotency guard): an event
            # whose fields do not make one of our events fails validation, permanently.
            translate(routed)
        except ValidationError as error:
            raise InvalidAwsEvent(
                f"{routed.detail_type}: {describe_validation_error(error)}"
            ) from error
        return raw

    @logger.inject_lambda_context
    def lambda_handler(event: Any, context: LambdaContext) -> dict[str, str]:
        idempotency.register_lambda_context(context)
        outcome = deliver(
            original_bytes(event),
            source=service,
            validate=lambda: validate(event),
            handle=lambda raw: forward_once()(raw=raw),
        )
        if isinstance(outcome, DeadLettered):
            # Answered as a success: EventBridge and Lambda must not retry it.
            logger.warning("rejected", extra={"reason": outcome.reason})
            return {"status": "rejected", "reason": outcome.reason}
        return outcome

    return lambda_handler


def original_bytes(event: Any) -> bytes:
    """The event as it came, for a dead-letter copy."""
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode()
    return json.dumps(event, default=str).encode()
