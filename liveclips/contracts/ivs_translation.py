"""What each AWS event means to liveclips: which topic, which domain event, or why none.

The bridge forwards only what downstream consumes, and says why it passes over the rest
(logged), so that nothing disappears without a trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from liveclips import resources
from liveclips.contracts.aws_events import (
    AwsEvent,
    IvsLimitBreach,
    IvsRecordingStateChange,
    IvsStreamStateChange,
    S3ObjectCreated,
)
from liveclips.contracts.events import (
    DomainEvent,
    LimitBreached,
    RecordingStateChanged,
    SegmentReady,
    StreamStateChanged,
    UploadReceived,
)
from liveclips.contracts.ivs_recording import parse_recording_prefix, split_recording_key
from liveclips.errors import PermanentError

LIFECYCLE_TOPIC: Final = resources.IVS_EVENTS_TOPIC
SEGMENTS_TOPIC: Final = resources.SEGMENTS_TOPIC
UPLOADS_TOPIC: Final = resources.UPLOADS_TOPIC

_STREAM_CHANGES: Final = {
    "Session Created": "session_created",
    "Stream Start": "started",
    "Stream End": "ended",
    "Stream Failure": "failed",
    "Session Ended": "session_ended",
}
_RECORDING_CHANGES: Final = {
    "Recording Start": "started",
    "Recording End": "ended",
    "Recording Start Failure": "start_failed",
    "Recording End Failure": "end_failed",
}
_SEGMENT = re.compile(r"media/hls/(?P<rendition>[^/]+)/(?P<index>\d+)\.ts")
# Where the studio's presigned upload URLs put a creator's video (liveclips/api/uploads.py).
_UPLOAD = re.compile(r"uploads/(?P<upload_id>[0-9a-f-]{36})/source")


@dataclass(frozen=True)
class Forward:
    topic: str
    event: DomainEvent
    ordering_key: str


@dataclass(frozen=True)
class PassOver:
    reason: str


class NotForThisBridge(PermanentError, ValueError):
    """A valid AWS event that an EventBridge rule should never have sent here."""


def translate(event: AwsEvent) -> Forward | PassOver:
    match event:
        case IvsStreamStateChange():
            change = _STREAM_CHANGES.get(event.detail.event_name)
            if change is None:
                return PassOver(f"stream event {event.detail.event_name!r} is not used")
            return Forward(
                LIFECYCLE_TOPIC,
                StreamStateChanged(
                    event_id=event.id,
                    occurred_at=event.time,
                    channel_arn=event.channel_arn or "",
                    channel_id=_channel_id(event.channel_id),
                    stream_id=event.detail.stream_id,
                    state=change,
                ),
                _channel_id(event.channel_id),
            )
        case IvsRecordingStateChange():
            detail = event.detail
            prefix = detail.recording_s3_key_prefix
            # A failed start has no prefix; the session id still names the attempt.
            recording_id = (
                parse_recording_prefix(prefix).recording_id
                if prefix
                else detail.recording_session_id
            )
            return Forward(
                LIFECYCLE_TOPIC,
                RecordingStateChanged(
                    event_id=event.id,
                    occurred_at=event.time,
                    channel_arn=event.channel_arn or "",
                    channel_id=_channel_id(event.channel_id),
                    stream_id=detail.stream_id,
                    recording_id=recording_id,
                    status=_RECORDING_CHANGES[detail.recording_status],
                    bucket=detail.recording_s3_bucket_name,
                    key_prefix=prefix,
                    duration_ms=detail.recording_duration_ms,
                ),
                _channel_id(event.channel_id),
            )
        case IvsLimitBreach():
            return Forward(
                LIFECYCLE_TOPIC,
                LimitBreached(
                    event_id=event.id,
                    occurred_at=event.time,
                    channel_arn=event.channel_arn or "",
                    limit_name=event.detail.limit_name,
                    limit_value=event.detail.limit_value,
                    exceeded_by=event.detail.exceeded_by,
                ),
                event.channel_id or "account",
            )
        case S3ObjectCreated():
            return _translate_object(event)
        case _:
            raise NotForThisBridge(f"{event.source} {event.detail_type} is not an IVS event")


def _translate_object(event: S3ObjectCreated) -> Forward | PassOver:
    key = event.detail.object.key
    upload = _UPLOAD.fullmatch(key)
    if upload is not None:
        return Forward(
            UPLOADS_TOPIC,
            UploadReceived(
                event_id=event.id,
                occurred_at=event.time,
                bucket=event.detail.bucket.name,
                key=key,
                size=event.detail.object.size,
                upload_id=upload["upload_id"],
            ),
            upload["upload_id"],
        )
    try:
        prefix, relative = split_recording_key(key)
    except ValueError:
        return PassOver(f"object {key!r} is not inside an IVS recording")
    segment = _SEGMENT.fullmatch(relative)
    if segment is None:
        return PassOver(f"object {relative!r} is not a media segment")
    return Forward(
        SEGMENTS_TOPIC,
        SegmentReady(
            event_id=event.id,
            occurred_at=event.time,
            bucket=event.detail.bucket.name,
            key=key,
            size=event.detail.object.size,
            recording_prefix=prefix.prefix,
            recording_id=prefix.recording_id,
            channel_id=prefix.channel_id,
            rendition=segment["rendition"],
            index=int(segment["index"]),
        ),
        prefix.channel_id,
    )


def _channel_id(channel_id: str | None) -> str:
    if channel_id is None:
        raise NotForThisBridge("IVS event without a channel ARN in resources")
    return channel_id
