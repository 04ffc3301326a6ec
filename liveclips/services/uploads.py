"""A creator uploads a past broadcast: it becomes a VOD title, then clips.

1. `request_upload`: a title in UPLOADING and a presigned S3 POST whose policy caps the
   size and fixes the content type (a PUT URL cannot limit the size).
2. S3 Object Created -> the IVS bridge -> upload.received -> `ingest`: probe (ffprobe
   over a signed URL: no download), a poster frame, then the same VOD path as a show.
3. vod.ready -> `find_highlights`: the post-show pass a live show gets while live, run
   on the whole upload, its clips cut from the title's HLS.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from liveclips.adapters import pubsub, s3, spanner, spanner_vod
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_vod import VodTitle
from liveclips.contracts.events import InvalidMessage, UploadReceived, VodReady
from liveclips.domain.highlight_engine.features import merge_features
from liveclips.domain.highlight_engine.offline import detect_show
from liveclips.domain.highlight_engine.types import ShowInputs
from liveclips.domain.vod_job import output_prefix
from liveclips.domain.vod_outputs import POSTER_AT_FRACTION
from liveclips.media.analysis import analyze_media
from liveclips.media.artwork import poster
from liveclips.media.ffmpeg import MediaError
from liveclips.media.vod import probe_source
from liveclips.services import highlights, vod

log = logging.getLogger("liveclips.uploads")
UPLOAD_CONTENT_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm", "video/x-matroska"})


@dataclass(frozen=True)
class UploadTicket:
    upload_id: str
    url: str
    fields: dict[str, str]  # form fields to send with the file, as given
    expires_at: datetime


def upload_key(upload_id: str) -> str:
    """Fixed, not the creator's file name: the IVS bridge routes on it (ivs_translation)."""
    return f"uploads/{upload_id}/source"


def request_upload(
    *, channel_id: str, title: str, content_type: str, size_bytes: int
) -> UploadTicket:
    config = settings()
    if content_type not in UPLOAD_CONTENT_TYPES:
        raise ValueError(
            f"content_type {content_type!r} is not one of {sorted(UPLOAD_CONTENT_TYPES)}"
        )
    if not 0 < size_bytes <= config.upload_max_bytes:
        raise ValueError(f"size_bytes must be 1..{config.upload_max_bytes}, got {size_bytes}")
    upload_id = str(uuid.uuid4())
    key = upload_key(upload_id)
    spanner_vod.create(
        VodTitle(
            title_id=upload_id,
            kind="upload",
            channel_id=channel_id,
            recording_id=None,
            title=title,
            source_bucket=config.uploads_bucket,
            source_key=key,
            source_width=None,
            source_height=None,
            source_duration_ms=None,
            state="UPLOADING",
            attempts=0,
        )
    )
    post = s3.presigned_post(
        config.uploads_bucket,
        key,
        content_type=content_type,
        max_bytes=size_bytes,
        ttl_s=config.upload_url_ttl_s,
    )
    expires = datetime.now(UTC) + timedelta(seconds=config.upload_url_ttl_s)
    return UploadTicket(upload_id, post["url"], post["fields"], expires)


def ingest(event: UploadReceived) -> None:
    title = spanner_vod.get(event.upload_id)
    if title is None or title.kind != "upload":
        raise InvalidMessage(f"upload.received: no upload was requested with id {event.upload_id}")
    if title.state not in ("UPLOADING", "PENDING"):
        return  # a redelivery after the title moved on
    source = s3.signed_url(event.bucket, event.key)
    with tempfile.TemporaryDirectory(prefix="upload-") as scratch:
        try:
            probe = probe_source(source)
            if probe.duration_s <= 0:
                raise MediaError("no duration: not a finished video file")
            still = Path(scratch) / "poster.jpg"
            poster(source, still, at_s=probe.duration_s * POSTER_AT_FRACTION)
        except MediaError as error:
            reason = f"upload {event.upload_id} is not a playable video: {error}"
            spanner_vod.fail(title.title_id, reason)
            pubsub.dead_letter(
                event.model_dump_json().encode(),
                reason=reason,
                source="ingest_upload",
                attributes=event.envelope_attributes(),
            )
            return
        poster_key = f"{output_prefix(title.title_id)}poster.jpg"
        s3.upload(still, settings().media_bucket, poster_key, "image/jpeg")
    spanner_vod.update_source(
        title.title_id,
        width=probe.width,
        height=probe.height,
        duration_ms=round(probe.duration_s * 1000),
        poster_key=poster_key,
    )
    vod.start(title)


def find_highlights(event: VodReady) -> list[str]:
    """Detect an upload's highlights as the live path would have, and have them clipped."""
    title = spanner_vod.get(event.title_id)
    if title is None:
        raise InvalidMessage(f"vod.ready: no title {event.title_id}")
    media = analyze_media(s3.signed_url(title.source_bucket, title.source_key))
    duration_s = event.duration_ms / 1000
    inputs = ShowInputs(
        duration_s=duration_s,
        seconds=merge_features(duration_s, media.per_second()),
        momentary_lufs=media.momentary_lufs,
    )
    # Clips hang off a recording row: the upload's, whose "prefix" is its VOD master.
    spanner.record_upload(
        recording_id=title.title_id,
        channel_id=title.channel_id,
        bucket=event.bucket,
        key_prefix=event.master_key,
        duration_ms=event.duration_ms,
    )
    recording = highlights.RecordingRef(
        bucket=event.bucket,
        prefix=event.master_key,
        recording_id=title.title_id,
        channel_id=title.channel_id,
        started_at=event.occurred_at - timedelta(milliseconds=event.duration_ms),
        recorded_until_s=duration_s,
    )
    found = [recording.highlight(detection) for detection in detect_show(inputs)]
    for highlight in found:
        highlights.submit(highlight)
    log.info("upload %s: %d highlights", title.title_id, len(found))
    return [h.highlight_id for h in found]
