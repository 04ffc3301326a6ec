"""The shape every EventBridge -> Pub/Sub bridge Lambda shares: validate, dedupe, publish.

EventBridge delivers at least once, so the EventBridge event id is the idempotency key
(powertools idempotency, persisted in DynamoDB): a redelivered event is answered from the
stored result without publishing again. Invalid events are never retried: they go to the
dead-letter topic with the reason, and the invocation succeeds.
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

from liveclips.adapters import dynamodb, pubsub
from liveclips.adapters.config import settings
from liveclips.contracts.aws_events import (
    AwsEvent,
    InvalidAwsEvent,
    load_json_object,
    parse_aws_event,
)
from liveclips.contracts.ivs_translation import Forward, NotForThisBridge, PassOver

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

    @logger.inject_lambda_context
    def lambda_handler(event: Any, context: LambdaContext) -> dict[str, str]:
        try:
            # The object, also when the event came as JSON text: the idempotency key is
            # read from it (from a string it found none and published every delivery).
            raw = load_json_object(event)
            parse_aws_event(raw)
            idempotency.register_lambda_context(context)
            return forward_once()(raw=raw)
        except (InvalidAwsEvent, NotForThisBridge, ValueError) as error:
            reason = str(error)
            logger.warning("rejected", extra={"reason": reason})
            pubsub.dead_letter(original_bytes(event), reason=reason, source=service)
            return {"status": "rejected", "reason": reason}

    return lambda_handler


def original_bytes(event: Any) -> bytes:
    """The event as it came, for a dead-letter copy."""
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode()
    return json.dumps(event, default=str).encode()
