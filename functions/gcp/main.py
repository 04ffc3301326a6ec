"""Cloud Functions (2nd gen), one entry point per Pub/Sub subscription.

Each is thin: decode -> domain -> write/publish. Targets are named in
liveclips/resources.py (PUSH_SUBSCRIPTIONS) and deployed from this file.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from functions.gcp.pubsub_entry import pubsub_function, task_function
from liveclips import resources
from liveclips.adapters import feed_cache, pubsub, redis_store, signal_store, spanner
from liveclips.contracts.events import (
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
from liveclips.contracts.social import CreatorLive
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.services import highlights, notifications, segments, uploads, vod
from liveclips.settings import FunctionsSettings, require

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("liveclips.functions")
# Checked at the cold start: a missing variable fails it, named, not every message.
require(FunctionsSettings)


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
            if event.state == "started" and record.state == "LIVE":
                # One creator.live per follower; a redelivery repeats the same event ids.
                sent = notifications.announce_live(
                    event.channel_id, event.stream_id, event.occurred_at
                )
                log.info("stream %s: creator.live for %d followers", record.stream_id, sent)
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
    analyzed = segments.analysis_of(segment)
    if analyzed is not None:
        pubsub.publish(resources.SEGMENT_ANALYSES_TOPIC, analyzed, ordering_key=segment.channel_id)


@pubsub_function(SegmentAnalyzed)
def detect_highlights(segment: SegmentAnalyzed) -> None:
    with redis_store.live_session(segment.recording_id) as session:
        if segments.live_fed(segment.recording_id):
            # The live follower feeds this detector from the ~2 s live segments: the
            # recording brings only the seconds it has not (ADR 0016).
            segments.detect_recorded(session, segment)
            return
        missed: list[SegmentAnalyzed] = []
        if segment.index > session.next_index:
            # An earlier analysis was lost or overtaken: read it from the recording.
            log.warning(
                "recording %s: segments %d-%d never arrived; reading them from the recording",
                segment.recording_id, session.next_index, segment.index - 1,
            )  # fmt: skip
            missed = segments.catch_up(
                bucket=segment.bucket,
                prefix=segment.recording_prefix,
                recording_id=segment.recording_id,
                channel_id=segment.channel_id,
                from_index=session.next_index,
                to_index=segment.index,
                occurred_at=segment.occurred_at,
            )
        for each in (*missed, segment):
            segments.detect(session, each)


@pubsub_function(StreamStateChanged, RecordingStateChanged, LimitBreached)
def finish_highlights(event: StreamStateChanged | RecordingStateChanged | LimitBreached) -> None:
    """After Recording End, close the moments the show ended in the middle of."""
    if not isinstance(event, RecordingStateChanged) or event.status != "ended":
        return
    recorded_s = (event.duration_ms or 0) / 1000
    with redis_store.live_session(event.recording_id) as session:
        if not session.has_seen(recorded_s):
            # The last analyses are late or lost; the recording is complete, so read them
            # from it rather than wait (a live one arriving later is then a no-op).
            log.info("recording %s ended: reading its last segments from it", event.recording_id)
            by_time = segments.live_fed(event.recording_id)
            first = (
                segments.first_index_after(event.bucket, event.key_prefix, session.next_t)
                if by_time
                else session.next_index
            )
            for missed in segments.catch_up(
                bucket=event.bucket,
                prefix=event.key_prefix,
                recording_id=event.recording_id,
                channel_id=event.channel_id,
                from_index=first,
                to_index=None,
                occurred_at=event.occurred_at,
            ):
                if by_time:
                    segments.feed_by_time(session, missed, force=True)
                else:
                    segments.detect(session, missed)
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


@pubsub_function(CreatorLive)
def notify_follower(event: CreatorLive) -> None:
    """Push a go-live to the follower's devices (FCM, APNs); once per event and device."""
    log.info("creator.live %s: %s", event.event_id, notifications.notify(event))
