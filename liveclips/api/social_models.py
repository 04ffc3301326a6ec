"""Bodies of the social routes (docs/social.md): follows, devices, comments."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from liveclips.api.models import LiveStreamView
from liveclips.domain.comments import MAX_COMMENT_LENGTH


class FollowState(BaseModel):
    channel_id: str
    following: bool
    created: bool = Field(description="False when the follow already existed (idempotent)")


class FollowedChannel(BaseModel):
    channel_id: str
    name: str
    followed_at: AwareDatetime


class FollowingPage(BaseModel):
    channels: list[FollowedChannel]
    next_cursor: str | None


class LiveFromFollowsPage(BaseModel):
    streams: list[LiveStreamView]
    next_cursor: str | None


class DeviceRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Literal["android", "ios", "web"] = Field(
        description="android and web: an FCM registration token; ios: an APNs device token"
    )
    token: Annotated[
        str, StringConstraints(min_length=8, max_length=512, pattern=r"^[A-Za-z0-9_:.\-]+$")
    ]


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_COMMENT_LENGTH),
    ]


class CommentView(BaseModel):
    id: str
    subject_kind: Literal["clip", "vod"]
    subject_id: str
    user_id: str
    text: str = Field(description="As the inline rules let it through (terms masked)")
    created_at: AwareDatetime
    changed: str | None = Field(default=None, description="What the rules changed, if anything")


class CommentPage(BaseModel):
    comments: list[CommentView]
    next_cursor: str | None


ReportReason = Literal["spam", "harassment", "hate", "sexual", "violence", "other"]


class CommentReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReportReason


class CommentReported(BaseModel):
    id: str
    reports: int
    hidden: bool = Field(description="Enough viewers reported it: hidden until reviewed")
