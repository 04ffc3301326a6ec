"""What every clip shares, whoever publishes it: where its objects live, the event that
announces it, and its instant form.

The instant clip is published as the highlight is decided (liveclips.services.highlights), not
by the render queue: a backlog of renders must not delay the one thing that is ready at
once. The render worker publishes it only if that did not happen (the recording had not
reached the clip's end yet, or S3 failed for a moment).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

from liveclips import resources
from liveclips.adapters import pubsub, s3, spanner_clips
from liveclips.adapters.clip_sources import ClipSource, highlight_source
from liveclips.adapters.config import settings
from liveclips.contracts.events import ClipPublished, HighlightDetected
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.hls import HLS_MEDIA_TYPE, MediaPlaylist, NotYetAvailable, plan_clip
from liveclips.domain.ids import stable_id
from liveclips.domain.instant_clip import instant_manifest

CLIPS_TOPIC = resources.CLIPS_TOPIC
log = logging.getLogger("liveclips.clips")
# Not yet recorded that far, a playlist that does not cover the clip, S3 failing: each is
# retried by the render task, which publishes the instant clip if it is still missing.
_LEFT_TO_RENDERER: tuple[type[Exception], ...] = (NotYetAvailable, ValueError, *s3.STORAGE_ERRORS)


def clip_prefix(highlight: HighlightDetected, clip: str) -> str:
    return f"clips/{highlight.channel_id}/{highlight.recording_id}/{clip}"


def clip_published(
    highlight: HighlightDetected,
    clip: spanner_clips.ClipRef,
    rendition: Literal["instant", "rendered"],
    published_at: datetime,
    **rendition_fields: object,
) -> ClipPublished:
    return ClipPublished.model_validate(
        {
            "event_id": stable_id("clip.published", clip.clip_id, rendition),
            "occurred_at": published_at,
            "clip_id": clip.clip_id,
            "highlight_id": highlight.highlight_id,
            "recording_id": highlight.recording_id,
            "channel_id": highlight.channel_id,
            "stream_id": clip.stream_id,
            "preset": clip.preset,
            "rendition": rendition,
            "start_s": highlight.clip_start_s,
            "end_s": highlight.clip_end_s,
            "duration_s": highlight.clip_end_s - highlight.clip_start_s,
            "width": None,
            "height": None,
            "moment_ended_at": highlight.moment_ended_at,
            "published_at": published_at,
            **rendition_fields,
        }
    )


def publish_instant(
    highlight: HighlightDetected,
    source: ClipSource | None = None,
    playlist: MediaPlaylist | None = None,
) -> str | None:
    """Make the feed preset's clip playable at once as a playlist over the recording's
    own segments, or while the recording has not reached the clip's end, over the live
    segments copied to S3 (ADR 0016). Returns its key, or None if the clip was visible
    already."""
    if source is None:
        source = highlight_source(highlight, settings().clip_max_height)
    playlist = playlist or source.playlist()
    start_s, end_s = highlight.clip_start_s, highlight.clip_end_s
    plan_clip(playlist, start_s, end_s)  # NotYetAvailable rather than half a clip
    manifest = instant_manifest(playlist, start_s, end_s, source.url)
    bucket = settings().media_bucket
    key = f"{clip_prefix(highlight, highlight.clip_id)}/instant.m3u8"
    s3.put_bytes(manifest.encode(), bucket, key, content_type=HLS_MEDIA_TYPE)
    visible = spanner_clips.publish_instant(highlight, FEED_PRESET, bucket, key)
    if visible is None:
        return None
    clip, published_at = visible
    event = clip_published(highlight, clip, "instant", published_at, bucket=bucket, key=key)
    pubsub.publish(CLIPS_TOPIC, event)
    return key


def try_publish_instant(highlight: HighlightDetected) -> str | None:
    """publish_instant, leaving it to the render worker when it cannot be done now."""
    try:
        return publish_instant(highlight)
    except _LEFT_TO_RENDERER as reason:
        log.info("instant clip %s left to the renderer: %s", highlight.clip_id, reason)
        return None
