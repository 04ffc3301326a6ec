"""creator.live: on go-live, one event per follower (published in batches), then one push
per follower's device (docs/social.md).

The fan-out pages the channel's followers in user id order, FANOUT_BATCH at a time, and
publishes each page as one batch. Event ids are stable per (stream, follower), so a
redelivered Stream Start publishes the same ids again and the notifier's dedupe marker
keeps each follower to one notification per stream.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from liveclips import resources
from liveclips.adapters import pubsub, redis_store, spanner_social
from liveclips.adapters.push import Outcome, PushFailed, PushMessage, sender_for
from liveclips.adapters.social_config import social_settings
from liveclips.contracts.social import CreatorLive

log = logging.getLogger("liveclips.notifications")
CREATOR_LIVE_TOPIC = resources.CREATOR_LIVE_TOPIC
NOTIFIED_TTL_S = 24 * 3600


def announce_live(channel_id: str, stream_id: str, at: datetime) -> int:
    """Publish creator.live for every follower of the channel; how many."""
    name = spanner_social.channel_name(channel_id)
    batch = social_settings().fanout_batch
    sent, after = 0, None
    while True:
        followers = spanner_social.followers(channel_id, batch, after)
        if not followers:
            return sent
        events = [
            CreatorLive(event_id=f"live-{stream_id}-{user}"[:128], occurred_at=at,
                        channel_id=channel_id, channel_name=name, stream_id=stream_id,
                        follower_id=user)
            for user in followers
        ]  # fmt: skip
        pubsub.publish_many(
            CREATOR_LIVE_TOPIC,
            [(e.model_dump_json().encode(), e.envelope_attributes()) for e in events],
        )
        sent += len(events)
        if len(followers) < batch:
            return sent
        after = followers[-1]


def message_of(event: CreatorLive) -> PushMessage:
    who = event.channel_name or "A creator you follow"
    return PushMessage(
        title=f"{who} is live",
        body="Tap to watch now.",
        data={"type": "creator.live", "channel_id": event.channel_id,
              "stream_id": event.stream_id},
        collapse_key=f"live-{event.channel_id}",
    )  # fmt: skip


def notify(event: CreatorLive) -> dict[str, int]:
    """Push to each of the follower's devices, once per event: a retried delivery skips
    the devices already told. Gone tokens are forgotten; a retryable failure raises."""
    client = redis_store.client()
    marker = f"notified:{{{event.event_id}}}"
    done = set(client.smembers(marker))
    counts = {"delivered": 0, "unregistered": 0, "skipped": 0}
    gone: list[str] = []
    failure: PushFailed | None = None
    for device in spanner_social.devices(event.follower_id):
        if device.token in done:
            continue
        sender = sender_for(device.platform)
        if sender is None:
            counts["skipped"] += 1
            log.info("no push provider for %s: %s", device.platform,
                     json.dumps({"event_id": event.event_id}))  # fmt: skip
            continue
        try:
            outcome = sender.send(device.token, message_of(event))
        except PushFailed as error:
            if not error.retryable:
                log.warning("push refused for %s: %s", event.follower_id, error)
                continue
            failure = error
            continue
        counts[outcome.value] += 1
        if outcome is Outcome.UNREGISTERED:
            gone.append(device.token)
        client.sadd(marker, device.token)
        client.expire(marker, NOTIFIED_TTL_S)
    spanner_social.drop_devices(event.follower_id, gone)
    if failure is not None:
        raise failure
    return counts
