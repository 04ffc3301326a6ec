"""Player events from the mobile app: a batch in, each event checked on its own, the good
ones published for the engagement job, live concurrency kept in Redis at once and sampled
for the highlight engine (liveclips/services/audience.py)."""

from __future__ import annotations

import json
import time
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import ValidationError

from liveclips import resources
from liveclips.adapters import clip_stats, feed_cache, pubsub, redis_store, viewer_affinity
from liveclips.api.auth import AnyCaller
from liveclips.api.models import EventsAccepted, RejectedEvent, ViewersNow
from liveclips.contracts.aws_events import describe_validation_error
from liveclips.contracts.events import utc_rfc3339
from liveclips.contracts.player import PlayerEvent, PlayerEventBatch, PublishedPlayerEvent
from liveclips.domain.feed_ranking import engagement_metric
from liveclips.domain.personal_feed import Signal, is_skip, learn
from liveclips.services import audience

router = APIRouter(prefix="/v1", tags=["player events"])
PLAYER_EVENTS_TOPIC = resources.PLAYER_EVENTS_TOPIC
SCHEMA_VERSION = "1"


@router.post("/events", response_model=EventsAccepted, status_code=202)
def ingest(batch: PlayerEventBatch, caller: AnyCaller) -> EventsAccepted:
    """Up to 100 events; a bad one is answered by index (and kept in dead-letter with the
    reason) without costing the others."""
    user = caller.user_id
    accepted: list[PublishedPlayerEvent] = []
    rejected: list[RejectedEvent] = []
    for index, raw in enumerate(batch.events):
        try:
            # The body may not name a user: extra="forbid" refuses a spoofed user_id.
            checked = PlayerEvent.model_validate(raw)
            accepted.append(PublishedPlayerEvent(**checked.model_dump(), user_id=user))
        except ValidationError as error:
            reason = describe_validation_error(error)
            rejected.append(RejectedEvent(index=index, event_id=_id_of(raw), reason=reason))
            pubsub.dead_letter(json.dumps(raw, default=str).encode(), reason=reason,
                               source="ingest_events", attributes={"user_id": user})  # fmt: skip
    pubsub.publish_many(PLAYER_EVENTS_TOPIC, [_message(e) for e in accepted])
    _track(accepted)
    return EventsAccepted(accepted=len(accepted), rejected=rejected)


@router.get("/streams/{stream_id}/viewers", response_model=ViewersNow)
def viewers_now(
    stream_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")], _caller: AnyCaller
) -> ViewersNow:
    return ViewersNow(stream_id=stream_id, viewers=redis_store.live_viewers(stream_id, time.time()))


def _message(event: PublishedPlayerEvent) -> tuple[bytes, dict[str, str]]:
    at = utc_rfc3339(event.occurred_at)
    attributes = {
        "type": f"player.{event.kind}",
        "event_id": event.event_id,
        "schema_version": SCHEMA_VERSION,
        "occurred_at": at,
        "event_time": at,  # the engagement job's timestamp attribute
    }
    return event.model_dump_json(exclude_none=True).encode(), attributes


def _track(events: list[PublishedPlayerEvent]) -> None:
    """Live concurrency, the audience samples for the highlight engine and the feed's clip
    engagement, in one Redis round trip (liveclips/services/audience.py)."""
    engaged = [
        (e.clip_id, metric, e.user_id)
        for e in events
        if e.clip_id
        and (metric := engagement_metric(e.kind, e.clip_id, e.position_s, e.duration_s))
    ]
    live = [e for e in events if e.stream_id]
    if live or engaged:
        audience.record(live, also=lambda pipe: clip_stats.stage(pipe, engaged))
    _learn(events)


_SIGNAL_OF_METRIC: dict[str, Signal] = {"plays": "play", "completions": "completion",
                                        "shares": "share"}  # fmt: skip


def _learn(events: list[PublishedPlayerEvent]) -> None:
    """The viewer's own signals for the personalised feed (docs/feed.md): watched through,
    shared, skipped, by the clip's channel and tags (from the feed's cached items)."""
    signals: list[tuple[str, str, Signal]] = []
    for e in events:
        if not e.clip_id:
            continue
        metric = engagement_metric(e.kind, e.clip_id, e.position_s, e.duration_s)
        if metric in _SIGNAL_OF_METRIC:
            signals.append((e.user_id, e.clip_id, _SIGNAL_OF_METRIC[metric]))
        elif is_skip(e.kind, e.position_s, e.duration_s):
            signals.append((e.user_id, e.clip_id, "skip"))
    if not signals:
        return
    known = feed_cache.items(list(dict.fromkeys(clip for _, clip, _ in signals))).items
    by_user: dict[str, list[tuple[str, Signal]]] = {}
    for user, clip, signal in signals:
        if clip in known:  # a clip out of the feed's cache says nothing we can rank on
            by_user.setdefault(user, []).append((clip, signal))
    for user, seen in by_user.items():
        viewer_affinity.record(
            user,
            [learn(signal, known[clip]["channel_id"], known[clip].get("tags") or [])
             for clip, signal in seen],
        )  # fmt: skip


def _id_of(raw: dict[str, object]) -> str | None:
    value = raw.get("event_id")
    return value if isinstance(value, str) else None
