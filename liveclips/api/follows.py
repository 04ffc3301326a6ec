"""Follows: follow and unfollow a creator's channel, the channels one follows, what is
live from them now, and where a viewer's push notifications go (docs/social.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from liveclips.adapters import spanner_channels, spanner_social, viewer_affinity
from liveclips.api import live, pagination
from liveclips.api.auth import SignedInUserId as User
from liveclips.api.errors import api_error, documented
from liveclips.api.models import ID_PATTERN
from liveclips.api.social_models import (
    DeviceRegistration,
    FollowedChannel,
    FollowingPage,
    FollowState,
    LiveFromFollowsPage,
)

router = APIRouter(prefix="/v1", tags=["follows"])
ChannelId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]


@router.put("/me/follows/{channel_id}", response_model=FollowState, responses=documented(404))
def follow(channel_id: ChannelId, user: User) -> FollowState:
    """Follow a channel (idempotent): its clips rise in this viewer's feed, and its
    go-live is pushed to their devices."""
    try:
        created = spanner_social.follow(user, channel_id)
    except spanner_social.UnknownChannel as error:
        raise api_error(404, "channel_not_found", f"no channel {channel_id}") from error
    viewer_affinity.set_follow(user, channel_id, True)
    return FollowState(channel_id=channel_id, following=True, created=created)


@router.delete("/me/follows/{channel_id}", status_code=204)
def unfollow(channel_id: ChannelId, user: User) -> Response:
    """Unfollow (idempotent: not following is not an error)."""
    spanner_social.unfollow(user, channel_id)
    viewer_affinity.set_follow(user, channel_id, False)
    return Response(status_code=204)


@router.get("/me/follows", response_model=FollowingPage, responses=documented(400))
def following(
    user: User, cursor: pagination.Cursor = None, limit: pagination.Limit = 50
) -> FollowingPage:
    """The channels this viewer follows, the newest follow first."""
    found = spanner_social.following(user, limit, pagination.decode(cursor))
    keys = [(f.followed_at, f.channel_id) for f in found]
    return FollowingPage(
        channels=[FollowedChannel(channel_id=f.channel_id, name=f.name, followed_at=f.followed_at)
                  for f in found],
        next_cursor=pagination.next_cursor(keys, limit),
    )  # fmt: skip


@router.get("/me/live", response_model=LiveFromFollowsPage, responses=documented(400))
def live_from_follows(
    user: User, cursor: pagination.Cursor = None, limit: pagination.Limit = 20
) -> LiveFromFollowsPage:
    """Live now from the creators this viewer follows, the most recently started first."""
    found = spanner_channels.live_now(limit, pagination.decode(cursor), followed_by=user)
    keys = [(s.started_at, s.stream_id) for s in found]
    return LiveFromFollowsPage(
        streams=live.views(found), next_cursor=pagination.next_cursor(keys, limit)
    )


@router.put("/me/devices", status_code=204)
def register_device(body: DeviceRegistration, user: User) -> Response:
    """Where this viewer's notifications go (one call per app install and token refresh)."""
    spanner_social.register_device(user, body.token, body.platform)
    return Response(status_code=204)
