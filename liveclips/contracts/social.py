"""Events of the social layer (docs/social.md): creator.live and comment.posted."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from liveclips.contracts.events import DomainEvent


class CreatorLive(DomainEvent):
    """A channel this follower follows went live: one event per follower (push fan-out)."""

    TYPE: ClassVar[str] = "creator.live"

    channel_id: str = Field(min_length=1, max_length=64)
    channel_name: str | None = Field(default=None, max_length=256)
    stream_id: str = Field(min_length=1, max_length=64)
    follower_id: str = Field(min_length=1, max_length=128)


class CommentPosted(DomainEvent):
    """A comment the inline rules let through, on its way to the AI moderation."""

    TYPE: ClassVar[str] = "comment.posted"

    comment_id: str = Field(min_length=1, max_length=36)
    subject_kind: Literal["clip", "vod"]
    subject_id: str = Field(min_length=1, max_length=64)
    user_id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=500)


SOCIAL_EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.TYPE: cls for cls in (CreatorLive, CommentPosted)
}
