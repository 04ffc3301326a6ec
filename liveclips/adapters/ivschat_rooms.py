"""IVS Chat rooms and chat tokens: a room per channel, a token per viewer and role.

The room is named after the channel's id (IVS ids are alphanumeric, as room names may
be); it is made when the channel is, or on the first token asked for a channel older
than rooms. Every room gets the review handler from the settings (the chatReview
Lambda's ARN, with the fallback IVS applies when it fails or is late), the limits of
liveclips/domain/chat_rules.py and the transcript's logging configuration: rooms used to
be a fixed list in terraform/aws/ivs.tf, made with the same arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

from liveclips.adapters.config import settings
from liveclips.adapters.ivschat import CHAT_ERRORS
from liveclips.domain.chat_rules import MAX_LENGTH

# IVS Chat's highest rate per room; the review handler's Redis limits are the real ones.
MAX_MESSAGES_PER_S = 100

__all__ = ["CHAT_ERRORS", "ChatToken", "create_chat_token", "room_args", "room_of_channel"]


@lru_cache(maxsize=1)
def client() -> Any:
    """On a viewer's request path (and the channel's creation): fail fast, one retry."""
    config = settings()
    return boto3.client(
        "ivschat",
        endpoint_url=config.ivschat_endpoint_url,
        region_name=config.aws_region,
        config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2}),
    )


@dataclass(frozen=True)
class ChatToken:
    token: str
    token_expires_at: datetime
    session_expires_at: datetime


def find_room(channel_id: str) -> str | None:
    """The ARN of the room made for the channel (named after it), if there is one."""
    rooms = client().list_rooms(name=channel_id, maxResults=1).get("rooms", [])
    return str(rooms[0]["arn"]) if rooms else None


def room_args(channel_id: str) -> dict[str, Any]:
    """CreateRoom's arguments for the channel's room."""
    config = settings()
    args: dict[str, Any] = {
        "name": channel_id,
        "tags": {"channel_id": channel_id},
        "maximumMessageLength": MAX_LENGTH,
        "maximumMessageRatePerSecond": MAX_MESSAGES_PER_S,
    }
    if config.chat_review_handler_arn:
        args["messageReviewHandler"] = {
            "uri": config.chat_review_handler_arn,
            "fallbackResult": config.chat_room_fallback_result,
        }
    if config.chat_logging_configuration_arn:
        args["loggingConfigurationIdentifiers"] = [config.chat_logging_configuration_arn]
    return args


def room_of_channel(channel_id: str) -> str:
    """The channel's room ARN, made now if it has none."""
    found = find_room(channel_id)
    if found is not None:
        return found
    try:
        made = client().create_room(**room_args(channel_id))
    except CHAT_ERRORS:
        found = find_room(channel_id)  # made concurrently
        if found is None:
            raise
        return found
    return str(made["arn"])


def create_chat_token(
    room_arn: str,
    user_id: str,
    capabilities: list[str],
    session_minutes: int,
    attributes: dict[str, str],
) -> ChatToken:
    answer = client().create_chat_token(
        roomIdentifier=room_arn,
        userId=user_id,
        capabilities=capabilities,
        sessionDurationInMinutes=session_minutes,
        attributes=attributes,
    )
    return ChatToken(
        token=answer["token"],
        token_expires_at=answer["tokenExpirationTime"],
        session_expires_at=answer["sessionExpirationTime"],
    )
