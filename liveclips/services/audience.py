"""The live audience signal for the highlight engine, produced by the player-event ingest.

Each batch's news about live streams is applied in Redis in the ingest's one round trip
(liveclips/adapters/live_audience.py); the request that claims a stream's sample for a bucket
publishes one `AudienceSample` to `audience-samples`, without waiting for Pub/Sub.
`record_signal` (functions/gcp/main.py) stores it for the detector. Why here and not a
sampler: docs/adr/0012-audience-samples-from-the-ingest.md.

A sample names the channel; player events name the stream. The mapping comes from the
Streams row (written by the lifecycle function when IVS says the stream started), cached
per process and in Redis; only the first sample of a stream on a cold fleet reads
Spanner, and it does so off the request's thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from redis.client import Pipeline

from liveclips import resources
from liveclips.adapters import live_audience, pubsub, spanner
from liveclips.adapters.config import settings
from liveclips.adapters.live_audience import Tally
from liveclips.contracts.events import AudienceSample
from liveclips.domain.audience import LiveEvent, activity_of, sample_event_id

log = logging.getLogger("liveclips.audience")
AUDIENCE_SAMPLES_TOPIC = resources.AUDIENCE_SAMPLES_TOPIC
# A stream with no Streams row (not started yet, or a made-up id) is asked again after
# this long; meanwhile its samples are dropped.
_UNKNOWN_RETRY_S = 10.0
_MAX_UNKNOWN = 10_000
# Lookups waiting for Spanner at most; more are dropped (a flood of made-up stream ids
# must not queue without bound).
_MAX_PENDING_LOOKUPS = 64

_lookups = ThreadPoolExecutor(max_workers=2, thread_name_prefix="audience-channel")
_pending = threading.BoundedSemaphore(_MAX_PENDING_LOOKUPS)
_unknown: dict[str, float] = {}  # stream -> monotonic time to ask again


def record(events: Iterable[LiveEvent], also: Callable[[Pipeline], None] | None = None) -> None:
    """Apply accepted player events to the live audience (one Redis round trip, shared
    with `also`) and publish the samples this request claimed."""
    activity = list(activity_of(events).values())
    if not activity and also is None:
        return
    tallies = live_audience.track(activity, time.time(), settings().audience_sample_s, also)
    for tally in tallies:
        channel = tally.channel_id or live_audience.known_channel(tally.stream_id)
        if channel is not None:
            if tally.channel_id is not None:
                live_audience.remember_channel(tally.stream_id, channel, shared=False)
            _publish(sample_of(tally, channel))
        else:
            _resolve_then_publish(tally)


def sample_of(tally: Tally, channel_id: str) -> AudienceSample:
    """The sample of a claimed bucket: stamped with the bucket's start, so its id and
    its signal-store bucket are the same for every retry."""
    return AudienceSample(
        event_id=sample_event_id(channel_id, tally.bucket_s),
        occurred_at=datetime.fromtimestamp(tally.bucket_s, UTC),
        channel_id=channel_id,
        viewers=tally.viewers,
        joins=tally.joins,
        reactions=tally.reactions,
    )


def _publish(sample: AudienceSample) -> None:
    try:
        pubsub.publish_nowait(AUDIENCE_SAMPLES_TOPIC, sample)
    except Exception:  # the viewer's events are in; a lost sample costs one second
        log.exception("audience sample of %s not published", sample.channel_id)


def _resolve_then_publish(tally: Tally) -> None:
    if _unknown.get(tally.stream_id, 0.0) > time.monotonic():
        return
    if not _pending.acquire(blocking=False):
        log.warning("audience sample of stream %s dropped: lookups backed up", tally.stream_id)
        return

    def resolve() -> None:
        try:
            stream = spanner.stream(tally.stream_id)
            if stream is None:
                if len(_unknown) > _MAX_UNKNOWN:
                    _unknown.clear()
                _unknown[tally.stream_id] = time.monotonic() + _UNKNOWN_RETRY_S
                return
            _unknown.pop(tally.stream_id, None)
            live_audience.remember_channel(tally.stream_id, stream.channel_id)
            _publish(sample_of(tally, stream.channel_id))
        except Exception:
            log.exception("channel of stream %s not resolved", tally.stream_id)
        finally:
            _pending.release()

    _lookups.submit(resolve)
