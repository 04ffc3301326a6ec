"""Cloud Functions (2nd gen), one entry point per Pub/Sub subscription.

Each is thin: decode -> domain -> write/publish. Targets are named in
localcloud/resources.py (PUSH_SUBSCRIPTIONS) and deployed from this file.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from adapters import ivs_recordings, pubsub, redis_store, s3, signal_store, spanner
from domain.highlights import LoudnessRule, SegmentLoudness, detect
from domain.ids import clip_id, highlight_id, stable_id
from functions.gcp.pubsub_entry import pubsub_function
from media.ffmpeg import LOUDNESS_STEP_S, momentary_loudness
from schemas.events import (
    AudienceSample,
    ChatMessagePosted,
    ClipPublished,
    HighlightDetected,
    LimitBreached,
    RecordingStateChanged,
    SegmentAnalyzed,
    SegmentReady,
    StreamMarker,
    StreamStateChanged,
)
from services import highlights

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("liveclips.functions")
RULE = LoudnessRule()


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
        loudness = momentary_loudness(local)
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
        momentary_lufs=loudness,
    )
    pubsub.publish("segment-analyses", analyzed, ordering_key=segment.channel_id)


@pubsub_function(SegmentAnalyzed)
def detect_highlights(segment: SegmentAnalyzed) -> None:
    state = redis_store.load_detector_state(segment.recording_id)
    loudness = SegmentLoudness(
        segment.index, segment.start_s, segment.loudness_step_s, segment.momentary_lufs
    )
    state, moments = detect(state, loudness, RULE)
    for moment in moments:
        start, end = moment.clip_window(
            RULE, available_until_s=segment.start_s + segment.duration_s
        )
        ended_at = segment.segment_started_at + timedelta(seconds=moment.end_s - segment.start_s)
        highlight = HighlightDetected(
            event_id=stable_id("highlight.detected", segment.recording_id, moment.start_s),
            occurred_at=ended_at,
            highlight_id=highlight_id(segment.recording_id, moment.start_s),
            clip_id=clip_id(segment.recording_id, start, end),
            bucket=segment.bucket,
            recording_prefix=segment.recording_prefix,
            recording_id=segment.recording_id,
            channel_id=segment.channel_id,
            moment_start_s=moment.start_s,
            moment_end_s=moment.end_s,
            moment_ended_at=ended_at,
            clip_start_s=start,
            clip_end_s=end,
            score=moment.score,
            reason=f"loudness {moment.peak_lufs:.1f} LUFS, {moment.score:.1f} LU over baseline",
        )
        # Effects before state: a crash here redelivers the segment, and every effect
        # is keyed by the same deterministic ids, so the retry repeats nothing.
        highlights.submit(highlight)
    redis_store.save_detector_state(segment.recording_id, state)


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
    redis_store.feed_add(clip.clip_id, clip.published_at.timestamp(), clip.model_dump(mode="json"))
