"""Which channel a request acts on, and whether the caller may: one place for the 404s
and 403s every studio route answers alike."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from liveclips.adapters import spanner, spanner_channels
from liveclips.adapters.spanner_channels import Channel
from liveclips.api.auth import forbid_unless_manages
from liveclips.api.errors import api_error
from liveclips.domain.access import CONTENT_TEAM, CREATORS, Caller
from liveclips.domain.lifecycle import StreamRecord

ChannelId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
StreamId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def channel(channel_id: str) -> Channel:
    found = spanner_channels.get(channel_id)
    if found is None:
        raise api_error(404, "channel_not_found", f"no channel {channel_id}")
    return found


def managed_channel(caller: Caller, channel_id: str) -> Channel:
    """The channel, if the caller owns it or is an admin."""
    found = channel(channel_id)
    forbid_unless_manages(caller, found.owner_user_id, f"channel {channel_id}")
    return found


def stream(stream_id: str) -> StreamRecord:
    found = spanner.stream(stream_id)
    if found is None:
        raise api_error(404, "stream_not_found", f"no stream {stream_id}")
    return found


def managed_stream(caller: Caller, stream_id: str) -> tuple[StreamRecord, Channel]:
    """The stream and its channel, if the caller owns the channel or is an admin."""
    live = stream(stream_id)
    return live, managed_channel(caller, live.channel_id)


def watched_stream(caller: Caller, stream_id: str) -> tuple[StreamRecord, Channel]:
    """As managed_stream, the content team allowed too (they look after every show)."""
    if caller.role not in CREATORS | CONTENT_TEAM:  # before any lookup: viewers learn nothing
        raise api_error(403, "forbidden", f"creators and the content team only; not {caller.role}")
    live = stream(stream_id)
    found = channel(live.channel_id)
    if caller.role not in CONTENT_TEAM:
        forbid_unless_manages(caller, found.owner_user_id, f"channel {live.channel_id}")
    return live, found
