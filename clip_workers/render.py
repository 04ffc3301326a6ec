"""Render one highlight into a published clip, exactly once whatever the redeliveries.

The clip id is derived from (recording, start, end), the object key from the clip id, and
the Spanner row moves RENDERING -> PUBLISHED only after the object is fully uploaded:
a redelivered task finds PUBLISHED and stops; a worker killed mid-render leaves a
RENDERING row and no object, and the retried task simply renders again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from adapters import ivs_recordings, pubsub, s3, spanner
from adapters.config import settings
from domain.hls import ClipPlan, plan_clip
from domain.ids import stable_id
from media.ffmpeg import cut_clip, probe
from schemas.events import ClipPublished, HighlightDetected
from schemas.ivs_recording import IvsRendition

CLIPS_TOPIC = "clips"


@dataclass(frozen=True)
class RenderOutcome:
    status: Literal["published", "already_published"]
    clip_id: str
    key: str | None = None


def clip_key(highlight: HighlightDetected) -> str:
    return f"clips/{highlight.channel_id}/{highlight.recording_id}/{highlight.clip_id}.mp4"


def render(highlight: HighlightDetected) -> RenderOutcome:
    state, stream_id = spanner.claim_clip(highlight)
    if state == "PUBLISHED":
        return RenderOutcome("already_published", highlight.clip_id)

    rendition = ivs_recordings.best_rendition(
        highlight.bucket, highlight.recording_prefix, settings().clip_max_height
    )
    playlist = ivs_recordings.media_playlist(
        highlight.bucket, highlight.recording_prefix, rendition
    )
    plan = plan_clip(playlist, highlight.clip_start_s, highlight.clip_end_s)
    media_bucket, key = settings().media_bucket, clip_key(highlight)
    with tempfile.TemporaryDirectory(prefix="clip-") as scratch:
        source = _fetch(highlight, rendition, plan, Path(scratch))
        target = Path(scratch) / "clip.mp4"
        cut_clip(source, target, seek_s=plan.seek_s, duration_s=plan.duration_s)
        info = probe(target)
        s3.upload(target, media_bucket, key, content_type="video/mp4")

    published_at = spanner.mark_clip_published(
        recording_id=highlight.recording_id,
        clip_id=highlight.clip_id,
        bucket=media_bucket,
        key=key,
        duration_s=info.duration_s,
        width=info.width,
        height=info.height,
    )
    pubsub.publish(
        CLIPS_TOPIC,
        ClipPublished(
            event_id=stable_id("clip.published", highlight.clip_id),
            occurred_at=published_at,
            clip_id=highlight.clip_id,
            highlight_id=highlight.highlight_id,
            recording_id=highlight.recording_id,
            channel_id=highlight.channel_id,
            stream_id=stream_id,
            start_s=highlight.clip_start_s,
            end_s=highlight.clip_end_s,
            duration_s=info.duration_s,
            width=info.width,
            height=info.height,
            bucket=media_bucket,
            key=key,
            moment_ended_at=highlight.moment_ended_at,
            published_at=published_at,
        ),
    )
    return RenderOutcome("published", highlight.clip_id, key)


def _fetch(
    highlight: HighlightDetected, rendition: IvsRendition, plan: ClipPlan, into: Path
) -> Path:
    """Concatenate the planned MPEG-TS segments: TS is a stream format, so bytes join."""
    joined = into / "source.ts"
    with joined.open("wb") as out:
        for segment in plan.segments:
            key = ivs_recordings.segment_key(
                highlight.bucket, highlight.recording_prefix, rendition, segment.uri
            )
            out.write(s3.read_bytes(highlight.bucket, key, segment.byte_range))
    return joined
