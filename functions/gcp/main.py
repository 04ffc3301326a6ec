"""Cloud Functions (2nd gen), one entry point per Pub/Sub subscription.

Each is thin: decode -> domain -> write/publish. Targets are named in
localcloud/resources.py (PUSH_SUBSCRIPTIONS) and deployed from this file.
"""

from __future__ import annotations

import logging
import math
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from adapters import feed_cache, ivs_recordings, pubsub, redis_store, s3, signal_store, spanner
from domain.clip_presets import FEED_PRESET
from domain.highlight_engine.live import SegmentSignals
from domain.ids import stable_id
from functions.gcp.pubsub_entry import pubsub_function, task_function
from media.analysis import analyze_media
from media.ffmpeg import LOUDNESS_STEP_S
from schemas.events import (
    AudienceSample,
    ChatMessagePosted,
    ClipPublished,
    LimitBreached,
    RecordingStateChanged,
    SegmentAnalyzed,
    SegmentReady,
    StreamMarker,
    StreamStateChanged,
    SubmitVodJobTask,
    UploadReceived,
    VodJobChanged,
    VodReady,
)
from services import highlights, uploads, vod

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("liveclips.functions")


class SegmentNotInPlaylistYet(RuntimeError):
    """The S3 event outran the playlist update; redelivery will find it."""


@pubsub_function(StreamStateChanged, RecordingStateChanged, LimitBreached)
def lifecycle(event: StreamStateChanged | RecordingStateChanged | LimitBreached) -> None:
    match event:
        case StreamStateChanged():
            record = spanner.apply_stream_change(
                stream_id=event.stream_id,
                channel_id=event.channel_id,
                change=event.state,
                at=event.occurred_at,
            )
            log.info("stream %s is %s", record.stream_id, record.state)
        case RecordingStateChanged():
            spanner.apply_recording_change(
                recording_id=event.recording_id,
                channel_id=event.channel_id,
                stream_id=event.stream_id,
                bucket=event.bucket,
                key_prefix=event.key_prefix,
                change=event.status,
                at=event.occurred_at,
                duration_ms=event.duration_ms if event.status == "ended" else None,
            )
        case LimitBreached():
            log.warning("limit breached on %s: %s", event.channel_arn, event.limit_name)


@pubsub_function(SegmentReady)
def analyze_segment(segment: SegmentReady) -> None:
    # Audio is the same in every rendition, so loudness is measured on the smallest.
    rendition = ivs_recordings.smallest_rendition(segment.bucket, segment.recording_prefix)
    if segment.rendition != rendition.path:
        return
    playlist = ivs_recordings.media_playlist(segment.bucket, segment.recording_prefix, rendition)
    entry = playlist.find(segment.key.rsplit("/", 1)[-1])
    if entry is None or entry.program_date_time is None:
        raise SegmentNotInPlaylistYet(f"{segment.key} is not in the {rendition.path} playlist yet")
    with tempfile.TemporaryDirectory() as scratch:
        local = Path(scratch) / "segment.ts"
        local.write_bytes(s3.read_bytes(segment.bucket, segment.key))
        media = analyze_media(local)
    per_second = media.per_second()
    analyzed = SegmentAnalyzed(
        event_id=stable_id("segment.analyzed", segment.key),
        occurred_at=segment.occurred_at,
        bucket=segment.bucket,
        recording_prefix=segment.recording_prefix,
        recording_id=segment.recording_id,
        channel_id=segment.channel_id,
        rendition=segment.rendition,
        index=segment.index,
        start_s=entry.start_s,
        duration_s=entry.duration_s,
        segment_started_at=entry.program_date_time,
        loudness_step_s=LOUDNESS_STEP_S,
        momentary_lufs=list(media.momentary_lufs),
        media_seconds=[per_second[t] for t in sorted(per_second)],
    )
    pubsub.publish("segment-analyses", analyzed, ordering_key=segment.channel_id)


@pubsub_function(SegmentAnalyzed)
def detect_highlights(segment: SegmentAnalyzed) -> None:
    session = redis_store.load_live_session(segment.recording_id)
    recording_epoch = segment.segment_started_at.timestamp() - segment.start_s
    window = (session.window_start(), math.ceil(segment.start_s + segment.duration_s))
    raw = signal_store.between(segment.channel_id, recording_epoch, *window)
    detections = session.feed(
        SegmentSignals(
            index=segment.index,
            start_s=segment.start_s,
            duration_s=segment.duration_s,
            media_seconds=segment.media_seconds,
            momentary_lufs=segment.momentary_lufs,
            loudness_step_s=segment.loudness_step_s,
            chat=raw.chat,
            viewers=raw.viewers,
            reactions=raw.reactions,
            markers=raw.markers,
        )
    )
    session.recording_epoch_s = recording_epoch
    recording = highlights.RecordingRef.of(segment, recording_epoch)
    for detection in detections:
        # Effects before state: a crash here redelivers the segment, and every effect
        # is keyed by the same deterministic ids, so the retry repeats nothing.
        highlights.submit(recording.highlight(detection))
    redis_store.save_live_session(segment.recording_id, session)


@pubsub_function(StreamStateChanged, RecordingStateChanged, LimitBreached)
def finish_highlights(event: StreamStateChanged | RecordingStateChanged | LimitBreached) -> None:
    """After Recording End, close the moments the show ended in the middle of."""
    if not isinstance(event, RecordingStateChanged) or event.status != "ended":
        return
    session = redis_store.load_live_session(event.recording_id)
    recorded_s = (event.duration_ms or 0) / 1000
    recording = highlights.RecordingRef(
        bucket=event.bucket,
        prefix=event.key_prefix,
        recording_id=event.recording_id,
        channel_id=event.channel_id,
        started_at=datetime.fromtimestamp(session.recording_epoch_s, UTC),
        recorded_until_s=recorded_s,
    )
    for detection in session.finish(recorded_s):
        highlights.submit(recording.highlight(detection))
    redis_store.save_live_session(event.recording_id, session)


@pubsub_function(ChatMessagePosted, AudienceSample, StreamMarker)
def record_signal(event: ChatMessagePosted | AudienceSample | StreamMarker) -> None:
    kind: signal_store.SignalKind
    payload: dict[str, str | int]
    match event:
        case ChatMessagePosted():
            kind, payload = "chat", {"user": event.user_id, "text": event.text}
        case AudienceSample():
            kind = "audience"
            payload = {"viewers": event.viewers, "joins": event.joins, "reactions": event.reactions}
        case StreamMarker():
            kind, payload = "marker", {"kind": event.kind}
    at = event.occurred_at.timestamp()
    signal_store.record(kind, event.channel_id, at, event.event_id, payload)


@pubsub_function(ClipPublished)
def index_feed(clip: ClipPublished) -> None:
    """A feed clip appeared (instant) or changed (rendered): the next first page re-ranks
    from Spanner, which has it already. Scrolling users keep their snapshots."""
    if clip.preset != FEED_PRESET:
        return  # the other presets are for sharing and the web, not the mobile feed
    feed_cache.drop_hot()


@pubsub_function(StreamStateChanged, RecordingStateChanged, LimitBreached)
def start_vod(event: StreamStateChanged | RecordingStateChanged | LimitBreached) -> None:
    """Recording End, and only that (AWS advises against reading a recording earlier)."""
    if isinstance(event, RecordingStateChanged) and event.status == "ended":
        vod.start_for_recording(event)


@task_function(SubmitVodJobTask)
def submit_vod_job(task: SubmitVodJobTask) -> str:
    return vod.submit(task)


@pubsub_function(VodJobChanged)
def promote_vod(event: VodJobChanged) -> None:
    vod.on_job_changed(event)


@pubsub_function(UploadReceived)
def ingest_upload(event: UploadReceived) -> None:
    uploads.ingest(event)


@pubsub_function(VodReady)
def upload_highlights(event: VodReady) -> None:
    """A live show's highlights were found while it was live; an upload's are found now."""
    if event.kind == "upload":
        uploads.find_highlights(event)
