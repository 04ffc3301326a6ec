"""POST /v1/channels/{id}/chat-token: a token to join the channel's IVS Chat room.

Capabilities by role: every signed-in viewer may send messages; the content team
(moderators, admins) and the channel's own creator may also delete messages and
disconnect users. The session lasts `session_duration_minutes` (IVS: 1-180); the
token itself must be used to connect within its own expiry (IVS: 1 hour).
"""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from liveclips.adapters import ivschat_rooms
from liveclips.api.auth import AnyCaller
from liveclips.api.errors import api_error, documented
from liveclips.api.ownership import ChannelId, channel
from liveclips.contracts.chat import CHANNEL_ATTRIBUTE
from liveclips.domain.access import CONTENT_TEAM, Caller

router = APIRouter(prefix="/v1", tags=["live"])
log = logging.getLogger("liveclips.api.chat_tokens")
VIEWER_CAPABILITIES = ["SEND_MESSAGE"]
MODERATOR_CAPABILITIES = ["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"]


class ChatTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_duration_minutes: int = Field(
        60, ge=1, le=180, description="How long the chat connection may last (IVS: 1-180)"
    )
    display_name: str | None = Field(
        None, min_length=1, max_length=64, description="Shown with the user's messages"
    )


class ChatTokenView(BaseModel):
    token: str = Field(description="The WebSocket subprotocol for the messaging endpoint")
    room_arn: str
    user_id: str
    capabilities: list[str]
    token_expires_at: datetime = Field(description="Connect before this")
    session_expires_at: datetime = Field(description="The connection is closed at this")


def capabilities_of(caller: Caller, owner_user_id: str | None) -> list[str]:
    moderates = caller.role in CONTENT_TEAM or caller.may_manage(owner_user_id)
    return list(MODERATOR_CAPABILITIES if moderates else VIEWER_CAPABILITIES)


def _issue(caller: Caller, channel_id: str, body: ChatTokenRequest) -> ChatTokenView:
    found = channel(channel_id)
    capabilities = capabilities_of(caller, found.owner_user_id)
    # IVS names rooms with ids of its own: the review handler learns the channel from the
    # sender's token, which only we can sign.
    attributes = {"role": str(caller.role), CHANNEL_ATTRIBUTE: found.channel_id}
    if body.display_name:
        attributes["display_name"] = body.display_name
    try:
        room_arn = ivschat_rooms.room_of_channel(found.channel_id)
        token = ivschat_rooms.create_chat_token(
            room_arn, caller.user_id, capabilities, body.session_duration_minutes, attributes
        )
    except ivschat_rooms.CHAT_ERRORS as error:
        log.warning("IVS Chat refused or unreachable: %s", error)
        raise api_error(503, "chat_unavailable", "IVS Chat did not answer; try again") from error
    return ChatTokenView(
        token=token.token,
        room_arn=room_arn,
        user_id=caller.user_id,
        capabilities=capabilities,
        token_expires_at=token.token_expires_at,
        session_expires_at=token.session_expires_at,
    )


@router.post(
    "/channels/{channel_id}/chat-token",
    response_model=ChatTokenView,
    responses=documented(400, 404, 503),
)
async def chat_token(
    caller: AnyCaller, channel_id: ChannelId, body: ChatTokenRequest | None = None
) -> ChatTokenView:
    """A chat token for the channel's room, with the caller's capabilities."""
    return await run_in_threadpool(_issue, caller, channel_id, body or ChatTokenRequest())
