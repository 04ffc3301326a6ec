"""Render one highlight in one preset into a published clip, exactly once.

The clip id is derived from (recording, start, end, preset) and every object key from the
clip id, so a redelivered task or a retry after a killed worker writes the same keys
again. Outputs are rendered in a scratch directory and uploaded whole (an S3 PUT is
atomic); the Spanner row flips to PUBLISHED only after the last upload, and only
PUBLISHED (or instant) clips are visible: nobody ever sees half a clip.

The feed preset's clip is already visible as an instant clip (liveclips.services.clips) when its
task arrives, unless that could not be done at the decision; then it is published here
first. The rendered clip replaces it under the same id and feed position.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clip_workers.pieces import RemotePieces
from liveclips.adapters import pubsub, s3, spanner_clips
from liveclips.adapters.clip_sources import fetch, fetch_tracking_copy, highlight_source
from liveclips.adapters.config import settings
from liveclips.contracts.events import RenderClipTask
from liveclips.domain.clip_presets import FEED_PRESET, preset
from liveclips.domain.hls import HLS_MEDIA_TYPE, plan_clip
from liveclips.media.render import RenderedClip, RenderOptions, render_clip
from liveclips.services import clips

MIN_CPUS_FOR_CHUNKS = 4


@dataclass(frozen=True)
class RenderOutcome:
    status: Literal["published", "already_published"]
    clip_id: str
    key: str | None = None


# A render's pieces in the media bucket: expired by a lifecycle rule (terraform/aws/s3.tf)
# when a crashed render leaves them.
SCRATCH_PREFIX = "scratch/"


def render(task: RenderClipTask) -> RenderOutcome:
    highlight = task.highlight
    clip = task.clip_id
    claim = spanner_clips.claim(highlight, clip, task.preset)
    if claim.previous == "PUBLISHED":
        return RenderOutcome("already_published", clip)

    max_height = settings().clip_max_height
    # The recording, or while it has not reached the clip's end the live copies (ADR 0016).
    source = highlight_source(highlight, max_height)
    playlist = source.playlist()
    plan = plan_clip(playlist, highlight.clip_start_s, highlight.clip_end_s)  # may say: not yet
    if task.preset == FEED_PRESET and claim.published_at is None:
        clips.publish_instant(highlight, source, playlist)

    chosen = preset(task.preset)
    options, fan_out = _options(clip, plan.duration_s)
    with tempfile.TemporaryDirectory(prefix="clip-") as scratch:
        fetched = fetch(source, plan, Path(scratch))
        tracking = fetch_tracking_copy(
            source, chosen, highlight.clip_start_s, highlight.clip_end_s, Path(scratch)
        )
        try:
            rendered = render_clip(
                fetched,
                start_s=plan.seek_s,
                end_s=plan.seek_s + plan.duration_s,
                chosen=chosen,
                out_dir=Path(scratch) / "out",
                options=options,
                tracking=tracking,
            )
        finally:
            if fan_out is not None:
                fan_out.cleanup()
        outputs = _upload(rendered, clips.clip_prefix(highlight, clip))
    published_at, rendered_at = spanner_clips.publish_rendered(
        highlight.recording_id, clip, outputs
    )
    event = clips.clip_published(
        highlight,
        claim,
        "rendered",
        published_at,
        bucket=outputs.bucket,
        key=outputs.mp4_key,
        duration_s=outputs.duration_s,
        width=outputs.width,
        height=outputs.height,
        hls_key=outputs.hls_key,
        poster_key=outputs.poster_key,
        thumbnails_key=outputs.thumbnails_key,
        loudness_lufs=outputs.loudness_lufs,
        rendered_at=rendered_at,
    )
    pubsub.publish(clips.CLIPS_TOPIC, event)
    return RenderOutcome("published", clip, outputs.mp4_key)


def _options(clip_id: str, duration_s: float) -> tuple[RenderOptions, RemotePieces | None]:
    """Chunks go to other instances for long clips when fan-out is configured; else they
    are encoded here, and only where x264 cannot already use every core: on 2 vCPU local
    chunks measured no faster than one encode (docs/benchmarks.md)."""
    config = settings()
    chunk_s = config.render_chunk_s or None
    if config.render_fan_out_urls and chunk_s and duration_s >= config.render_fan_out_min_s:
        fan_out = RemotePieces(
            config.render_fan_out_urls,
            bucket=config.media_bucket,
            scratch_prefix=f"{SCRATCH_PREFIX}{clip_id}/",
        )
        return RenderOptions(chunk_s=chunk_s, encoder=fan_out), fan_out
    if (os.cpu_count() or 1) < MIN_CPUS_FOR_CHUNKS:
        chunk_s = None
    return RenderOptions(chunk_s=chunk_s), None


def _upload(rendered: RenderedClip, prefix: str) -> spanner_clips.RenderedOutputs:
    bucket = settings().media_bucket

    def put(path: Path | None, content_type: str) -> str | None:
        if path is None:
            return None
        s3.upload(path, bucket, f"{prefix}/{path.name}", content_type=content_type)
        return f"{prefix}/{path.name}"

    poster_key = put(rendered.poster, "image/jpeg")
    put(rendered.sprite, "image/jpeg")  # the WebVTT track names it
    thumbnails_key = put(rendered.thumbnails_vtt, "text/vtt")
    hls_key = None
    if rendered.hls_playlist is not None:
        hls_dir = rendered.hls_playlist.parent
        for part in sorted(hls_dir.iterdir()):
            s3.upload(part, bucket, f"{prefix}/hls/{part.name}", content_type=_hls_type(part))
        hls_key = f"{prefix}/hls/{rendered.hls_playlist.name}"
    # The MP4 goes last: its key is what the feed plays.
    mp4_key = f"{prefix}/clip.mp4"
    s3.upload(rendered.mp4, bucket, mp4_key, content_type="video/mp4")
    loudness = rendered.loudness
    return spanner_clips.RenderedOutputs(
        bucket=bucket,
        mp4_key=mp4_key,
        hls_key=hls_key,
        poster_key=poster_key,
        thumbnails_key=thumbnails_key,
        duration_s=rendered.info.duration_s,
        width=rendered.info.width,
        height=rendered.info.height,
        size_bytes=rendered.info.size_bytes,
        loudness_lufs=loudness.integrated_lufs if loudness else None,
        true_peak_dbtp=loudness.true_peak_dbtp if loudness else None,
        loudness_mode=rendered.loudness_mode,
        cut_mode=rendered.cut.mode,
        render_s=rendered.render_s,
    )


def _hls_type(part: Path) -> str:
    return {".m3u8": HLS_MEDIA_TYPE, ".ts": "video/mp2t", ".m4s": "video/iso.segment"}.get(
        part.suffix, "video/mp4"
    )
