"""Creators' channels: creating one in IVS, listing them, rotating the stream key, and
the program schedule. A creator acts on their own channels only; an admin on any."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter

from liveclips.adapters import ivs, spanner_channels, spanner_programs
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_channels import Channel
from liveclips.adapters.spanner_programs import ProgramOverlaps
from liveclips.api import pagination
from liveclips.api.auth import CreatorCaller
from liveclips.api.errors import api_error, documented
from liveclips.api.models import (
    ChannelCreate,
    ChannelCreated,
    ChannelPage,
    ChannelView,
    ProgramCreate,
    ProgramPage,
    ProgramView,
    StreamKeyRotated,
)
from liveclips.api.ownership import ChannelId, managed_channel
from liveclips.domain.access import Role
from liveclips.domain.programs import Program, scheduling_problem
from liveclips.services import channels

router = APIRouter(prefix="/v1", tags=["creator studio"])
log = logging.getLogger("liveclips.api.channels")


def _ivs_unavailable(error: Exception) -> Exception:
    log.warning("IVS refused or unreachable: %s", error)
    return api_error(503, "ivs_unavailable", "IVS did not complete the request; try again")


def channel_view(channel: Channel) -> ChannelView:
    return ChannelView(
        id=channel.channel_id,
        arn=channel.channel_arn,
        name=channel.name,
        owner_user_id=channel.owner_user_id,
        private=channel.private,
        latency_mode=channel.latency_mode,
        type=channel.type,
        playback_url=channel.playback_url,
        ingest_endpoint=channel.ingest_endpoint,
        ingest_server=ivs.ingest_server(channel.ingest_endpoint),
        created_at=channel.created_at,
    )


@router.post(
    "/channels", response_model=ChannelCreated, status_code=201, responses=documented(400, 409)
)
def create_channel(body: ChannelCreate, caller: CreatorCaller) -> ChannelCreated:
    """An IVS channel owned by the caller, with its stream key: shown this once."""
    if body.private and not settings().ivs_playback_private_key:
        # Without the key no viewer could ever be given a playback token.
        raise api_error(503, "private_channels_unavailable", "no playback key is configured")
    try:
        made = channels.create(
            owner=caller.user_id,
            name=body.name,
            private=body.private,
            latency_mode=body.latency_mode,
            channel_type=body.type,
        )
    except ivs.QuotaExceeded as error:
        raise api_error(409, "channel_quota_exceeded", "IVS allows no more channels") from error
    except ivs.IVS_ERRORS as error:
        raise _ivs_unavailable(error) from error
    return ChannelCreated(channel=channel_view(made.channel), stream_key=made.stream_key.value)


@router.get("/channels", response_model=ChannelPage, responses=documented(400))
def list_channels(
    caller: CreatorCaller,
    cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
) -> ChannelPage:
    """The caller's channels, newest first; for an admin, every channel."""
    owner = None if caller.role is Role.ADMIN else caller.user_id
    found = spanner_channels.owned_by(owner, limit, pagination.decode(cursor))
    keys = [(c.created_at, c.channel_id) for c in found if c.created_at is not None]
    return ChannelPage(
        channels=[channel_view(c) for c in found], next_cursor=pagination.next_cursor(keys, limit)
    )


@router.get("/channels/{channel_id}", response_model=ChannelView, responses=documented(404))
def get_channel(channel_id: ChannelId, caller: CreatorCaller) -> ChannelView:
    return channel_view(managed_channel(caller, channel_id))


@router.post(
    "/channels/{channel_id}/stream-key",
    response_model=StreamKeyRotated,
    responses=documented(404, 409),
)
def rotate_stream_key(channel_id: ChannelId, caller: CreatorCaller) -> StreamKeyRotated:
    """A new stream key; the old one stops working (an encoder using it is cut off)."""
    channel = managed_channel(caller, channel_id)
    try:
        key = channels.rotate_stream_key(channel)
    except ivs.QuotaExceeded as error:
        raise api_error(
            409, "stream_key_rotation_conflict", "another rotation is under way"
        ) from error
    except ivs.UNAVAILABLE as error:
        raise _ivs_unavailable(error) from error
    return StreamKeyRotated(
        channel_id=channel_id,
        stream_key=key.value,
        ingest_server=ivs.ingest_server(channel.ingest_endpoint),
    )


def _program_view(program: Program) -> ProgramView:
    return ProgramView(
        id=program.program_id,
        channel_id=program.channel_id,
        title=program.title,
        tags=list(program.tags),
        starts_at=program.starts_at,
        ends_at=program.ends_at,
    )


@router.post(
    "/channels/{channel_id}/programs",
    response_model=ProgramView,
    status_code=201,
    responses=documented(400, 404, 409),
)
def schedule_program(
    channel_id: ChannelId, body: ProgramCreate, caller: CreatorCaller
) -> ProgramView:
    """A program on the channel's schedule; the one on air when a stream starts names it."""
    managed_channel(caller, channel_id)
    problem = scheduling_problem(body.starts_at, body.duration_s, datetime.now(UTC))
    if problem:
        raise api_error(422, "invalid_program", problem)
    starts_at = body.starts_at.astimezone(UTC)
    program = Program(
        channel_id=channel_id,
        program_id=str(uuid.uuid4()),
        title=body.title,
        tags=tuple(dict.fromkeys(body.tags)),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(seconds=body.duration_s),
    )
    try:
        return _program_view(spanner_programs.add(program, created_by=caller.user_id))
    except ProgramOverlaps as overlap:
        raise api_error(409, "program_overlaps", str(overlap)) from overlap


@router.get(
    "/channels/{channel_id}/programs", response_model=ProgramPage, responses=documented(400, 404)
)
def list_programs(
    channel_id: ChannelId,
    caller: CreatorCaller,
    cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
) -> ProgramPage:
    """The channel's programs in start order."""
    managed_channel(caller, channel_id)
    found = spanner_programs.of_channel(channel_id, limit, pagination.decode(cursor))
    keys = [(p.starts_at, p.program_id) for p in found]
    return ProgramPage(
        programs=[_program_view(p) for p in found], next_cursor=pagination.next_cursor(keys, limit)
    )
