"""A moderator's hand on a channel's chat: delete a message, disconnect a user (IVS Chat
DeleteMessage / DisconnectUser), from the web studio's chat list.

The channel's owner (or an admin) and the content team may; anyone else is refused before
anything is looked up. The room must be the channel's, as the review handler decides it
(functions/aws/chat_review.py): the room's rules name the channel, or a room without a
channel in its rules is the channel whose id is the room's id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from liveclips.adapters import chat_limits, ivschat, ivschat_rooms
from liveclips.api.auth import StudioOrTeamCaller, forbid_unless_manages
from liveclips.api.errors import api_error, documented
from liveclips.api.ownership import ChannelId, channel
from liveclips.domain.access import CONTENT_TEAM, Caller

log = logging.getLogger("liveclips.api.chat_actions")
router = APIRouter(prefix="/v1/channels/{channel_id}/chat", tags=["moderation"])
# IVS Chat's own limits (the botocore model of DeleteMessage / DisconnectUser).
MessageId = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{12}$")]
UserId = Annotated[str, Path(min_length=1, max_length=128)]
RoomArn = Annotated[
    str,
    Field(
        max_length=128,
        pattern=r"^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room/[A-Za-z0-9-]+$",
        description="The IVS Chat room, as the chat.message event names it",
    ),
]
Reason = Annotated[str, Field(min_length=1, max_length=256)]


class DeleteMessageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    room_arn: RoomArn
    reason: Reason = Field(default="Removed by a moderator", description="Shown to the viewers")


class DisconnectUserBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    room_arn: RoomArn
    reason: Reason = Field(default="Disconnected by a moderator", description="Shown to the user")


class ChatActionDone(BaseModel):
    """What IVS Chat was told, and by whom."""

    action: Literal["delete", "disconnect"]
    room_arn: str
    message_id: str | None = None
    user_id: str | None = None
    by: str


@router.post(
    "/messages/{message_id}/delete",
    response_model=ChatActionDone,
    responses=documented(404, 409, 503),
)
def delete_message(
    channel_id: ChannelId,
    message_id: MessageId,
    body: DeleteMessageBody,
    caller: StudioOrTeamCaller,
) -> ChatActionDone:
    """Removes the message from every viewer's chat; `reason` is shown to them."""
    _room_of(caller, channel_id, body.room_arn)
    _call(ivschat.delete_message, body.room_arn, message_id, body.reason)
    log.info("chat message deleted by hand", extra={"by": caller.user_id, "id": message_id})
    return ChatActionDone(
        action="delete", room_arn=body.room_arn, message_id=message_id, by=caller.user_id
    )


@router.post(
    "/users/{user_id}/disconnect",
    response_model=ChatActionDone,
    responses=documented(404, 409, 503),
)
def disconnect_user(
    channel_id: ChannelId, user_id: UserId, body: DisconnectUserBody, caller: StudioOrTeamCaller
) -> ChatActionDone:
    """Closes the user's connections to the room; `reason` is shown to the user."""
    _room_of(caller, channel_id, body.room_arn)
    _call(ivschat.disconnect_user, body.room_arn, user_id, body.reason)
    log.info("chat user disconnected by hand", extra={"by": caller.user_id, "user": user_id})
    return ChatActionDone(
        action="disconnect", room_arn=body.room_arn, user_id=user_id, by=caller.user_id
    )


def _room_of(caller: Caller, channel_id: str, room_arn: str) -> None:
    """404 for no channel, 403 for another creator's, 409 for a room not the channel's."""
    found = channel(channel_id)
    if caller.role not in CONTENT_TEAM:
        forbid_unless_manages(caller, found.owner_user_id, f"channel {channel_id}")
    try:
        raw = chat_limits.client().get(chat_limits.rules_key(room_arn))
    except chat_limits.REDIS_ERRORS as error:
        raise api_error(503, "chat_rules_unavailable", "cannot read the room's rules") from error
    try:
        rules = chat_limits.rules_of(str(raw or ""))
    except (ValueError, ValidationError):  # as the review handler: the baseline, no channel
        rules = None
    named = rules.channel_id if rules is not None else None
    if named is None:
        named = channel_id if _room_made_for(channel_id) == room_arn else None
    if named != channel_id:
        raise api_error(409, "room_not_of_channel", f"{room_arn} is not channel {channel_id}'s")


def _room_made_for(channel_id: str) -> str | None:
    try:
        return ivschat_rooms.find_room(channel_id)
    except ivschat_rooms.CHAT_ERRORS as error:
        raise api_error(503, "chat_unavailable", "IVS Chat did not answer; try again") from error


def _call(action: Callable[[str, str, str], None], room_arn: str, target: str, reason: str) -> None:
    try:
        action(room_arn, target, reason)
    except ivschat.CHAT_ERRORS as error:
        code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise api_error(404, "room_not_found", room_arn) from error
        raise api_error(503, "ivschat_unavailable", f"IVS Chat refused: {error}") from error
