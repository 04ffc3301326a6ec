"""A creator's channel: made in IVS, recorded in Spanner; its stream key rotated.

IVS first, then our row: a channel we list is one IVS has. If the row cannot be written,
the IVS channel is deleted again rather than left unowned.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from liveclips.adapters import ivs, ivschat_rooms, spanner_channels
from liveclips.adapters.spanner_channels import Channel

log = logging.getLogger("liveclips.channels")


@dataclass(frozen=True)
class NewChannel:
    channel: Channel
    stream_key: ivs.StreamKey


def create(
    *, owner: str, name: str, private: bool, latency_mode: str, channel_type: str
) -> NewChannel:
    made = ivs.create_channel(
        name=name,
        latency_mode=latency_mode,
        channel_type=channel_type,
        private=private,
        owner=owner,
    )
    channel = Channel(
        channel_id=made.channel_id,
        channel_arn=made.arn,
        owner_user_id=owner,
        name=made.name,
        private=made.authorized,
        playback_url=made.playback_url,
        ingest_endpoint=made.ingest_endpoint,
        latency_mode=made.latency_mode,
        type=made.type,
        stream_key_arn=made.stream_key.arn,
    )
    try:
        spanner_channels.create(channel)
    except Exception:
        log.exception("channel %s not recorded; deleting it from IVS", made.arn)
        ivs.delete_channel(made.arn)
        raise
    # The channel's chat room; if IVS Chat is down now, the first chat token makes it.
    try:
        ivschat_rooms.room_of_channel(made.channel_id)
    except ivschat_rooms.CHAT_ERRORS as error:
        log.warning("chat room of %s not made yet: %s", made.channel_id, error)
    return NewChannel(spanner_channels.get(channel.channel_id) or channel, made.stream_key)


def rotate_stream_key(channel: Channel) -> ivs.StreamKey:
    """Every key of the channel goes (IVS allows one; a rotation cut short may have left a
    key our row does not name), then a new one: encoders holding the old key stop."""
    for arn in ivs.stream_key_arns(channel.channel_arn):
        with contextlib.suppress(ivs.NotFound):  # a concurrent rotation deleted it first
            ivs.delete_stream_key(arn)
    spanner_channels.set_stream_key(channel.channel_id, None)
    key = ivs.create_stream_key(channel.channel_arn, channel.owner_user_id)
    spanner_channels.set_stream_key(channel.channel_id, key.arn)
    return key
