"""IVS Chat's control plane: deleting a message, disconnecting a user from a room.

Typed here as a small function API: boto3-stubs has no ivschat package in our lock, so the
client itself is `Any` and goes no further than this module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from liveclips.adapters.config import settings

# What a call may raise when IVS Chat refuses or cannot be reached.
CHAT_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)
# The AWS model's limit on `reason` (DeleteMessage, DisconnectUser); botocore checks only
# minimum lengths before sending, so a longer reason would be refused by AWS instead.
REASON_MAX = 256


@lru_cache(maxsize=1)
def client() -> Any:
    config = settings()
    return boto3.client(
        "ivschat", endpoint_url=config.ivschat_endpoint_url, region_name=config.aws_region
    )


def delete_message(room_arn: str, message_id: str, reason: str) -> None:
    """Removes the message from every viewer's chat; `reason` is shown to them."""
    client().delete_message(roomIdentifier=room_arn, id=message_id, reason=_fit(reason))


def disconnect_user(room_arn: str, user_id: str, reason: str) -> None:
    """Closes the user's connections to the room; `reason` is shown to the user."""
    client().disconnect_user(roomIdentifier=room_arn, userId=user_id, reason=_fit(reason))


def _fit(reason: str) -> str:
    return reason if len(reason) <= REASON_MAX else reason[: REASON_MAX - 1] + "…"
