"""IVS Chat's message review contract, and a room's review rules as we store them.

Review request/response: https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-message-review-handler.html
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from liveclips.domain.chat_rules import ROOM_LIMIT, USER_LIMIT

# The chat token attribute naming the sender's channel (liveclips/api/chat_tokens.py).
CHANNEL_ATTRIBUTE = "channel_id"


class ChatSender(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    UserId: str = Field(min_length=1, max_length=128)
    Ip: str | None = None
    Attributes: dict[str, str] = Field(default_factory=dict)


class ReviewRequest(BaseModel):
    """What IVS Chat sends the review handler (extra fields kept: AWS adds without notice)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    Content: str
    MessageId: str = Field(min_length=1)
    RoomArn: str = Field(pattern=r"^arn:[^:]+:ivschat:[^:]*:[^:]*:room/[A-Za-z0-9]+$")
    Attributes: dict[str, str] = Field(default_factory=dict)
    Sender: ChatSender

    @model_validator(mode="after")
    def _is_text(self) -> ReviewRequest:
        # JSON can carry a lone surrogate ("\ud800"), which is not text: the duplicate
        # check and the published event encode to UTF-8 and would fail mid-review.
        fields = [self.Content, self.MessageId, self.Sender.UserId, *self.Attributes.items()]
        for value in fields:
            for text in value if isinstance(value, tuple) else (value,):
                try:
                    text.encode()
                except UnicodeEncodeError:
                    raise ValueError("a field is not UTF-8 text (lone surrogate)") from None
        return self


class ReviewResponse(BaseModel):
    model_config = ConfigDict(frozen=True)

    ReviewResult: Literal["ALLOW", "DENY"]
    Content: str | None = None  # replaces the message when set on an ALLOW
    Attributes: dict[str, str] | None = None


class RoomRules(BaseModel):
    """A room's own review rules, on top of the baseline every room has."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel_id: str | None = Field(default=None, description="The IVS channel the room chats about")
    denied: list[str] = Field(default_factory=list, description="Words/phrases that deny")
    redacted: list[str] = Field(default_factory=list, description="Words masked with *")
    links: Literal["deny", "allow"] = "deny"
    allowed_domains: list[str] = Field(default_factory=list)
    user_limit: int = Field(default=USER_LIMIT, ge=1, description="Messages per user per 10 s")
    room_limit: int = Field(default=ROOM_LIMIT, ge=1, description="Messages per room per second")
