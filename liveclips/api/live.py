"""The live-now directory: what is on air, with what plays it (and a token, if private)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query

from liveclips.adapters import ivs_playback, redis_store, spanner_channels
from liveclips.adapters.spanner_channels import LiveStream
from liveclips.api import pagination
from liveclips.api.auth import AnyCaller
from liveclips.api.errors import api_error, documented
from liveclips.api.models import LivePage, LiveStreamView

router = APIRouter(prefix="/v1", tags=["live"])


def _playback_url(live: LiveStream) -> str:
    channel = live.channel
    if not channel.private:
        return channel.playback_url
    try:
        return ivs_playback.signed_playback_url(channel.playback_url, channel.channel_arn)
    except ivs_playback.NoPlaybackKey as error:
        raise api_error(
            503, "playback_key_unavailable", "private streams cannot be signed"
        ) from error


@router.get("/live", response_model=LivePage, responses=documented(400))
def live_now(
    _caller: AnyCaller,
    cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
    channel_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None,
) -> LivePage:
    """Streams on air, the most recently started first: channel, the program scheduled
    when it started, viewers now and the IVS playback URL (private channels: with a
    short-lived playback token). `channel_id`: only that channel's stream (a page that
    went live through IVS learns its stream this way)."""
    found = spanner_channels.live_now(limit, pagination.decode(cursor), channel_id=channel_id)
    keys = [(live.started_at, live.stream_id) for live in found]
    return LivePage(streams=views(found), next_cursor=pagination.next_cursor(keys, limit))


def views(found: list[LiveStream]) -> list[LiveStreamView]:
    """Streams as the directory shows them (also the followed-channels list, follows.py)."""
    now = time.time()
    return [
        LiveStreamView(
            stream_id=live.stream_id,
            channel_id=live.channel.channel_id,
            channel_name=live.channel.name,
            program_title=live.program_title,
            started_at=live.started_at,
            viewers=redis_store.live_viewers(live.stream_id, now),
            private=live.channel.private,
            playback_url=_playback_url(live),
        )
        for live in found
    ]
