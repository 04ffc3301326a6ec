"""EventBridge events as IVS and S3 send them, built as plain dicts.

Shapes follow AWS's documented examples field for field:
- https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/eventbridge.html
- https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

StreamEventName = Literal["Session Created", "Stream Start", "Stream End", "Session Ended"]
RecordingStatus = Literal["Recording Start", "Recording End"]

STREAM_STATE_CHANGE = "IVS Stream State Change"
RECORDING_STATE_CHANGE = "IVS Recording State Change"
OBJECT_CREATED = "Object Created"

_CHANNEL_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):ivs:(?P<region>[a-z0-9-]+):(?P<account>\d{12})"
    r":channel/(?P<channel_id>[A-Za-z0-9]+)$"
)


@dataclass(frozen=True)
class ChannelArn:
    arn: str
    partition: str
    region: str
    account: str
    channel_id: str


def parse_channel_arn(arn: str) -> ChannelArn:
    match = _CHANNEL_ARN.fullmatch(arn)
    if match is None:
        raise ValueError(
            f"not an IVS channel ARN (arn:aws:ivs:<region>:<12-digit account>:channel/<id>):"
            f" {arn!r}"
        )
    return ChannelArn(
        arn, match["partition"], match["region"], match["account"], match["channel_id"]
    )


def event_time(at: datetime) -> str:
    """EventBridge's ``time``: RFC 3339 UTC to the second with a "Z"."""
    if at.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _envelope(
    *,
    detail_type: str,
    source: str,
    account: str,
    region: str,
    resources: Sequence[str],
    at: datetime,
    detail: dict[str, Any],
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": event_time(at),
        "region": region,
        "resources": list(resources),
        "detail": detail,
    }


def stream_state_change(
    channel: ChannelArn,
    *,
    event_name: StreamEventName,
    stream_id: str,
    at: datetime,
    channel_name: str = "",
) -> dict[str, Any]:
    return _envelope(
        detail_type=STREAM_STATE_CHANGE,
        source="aws.ivs",
        account=channel.account,
        region=channel.region,
        resources=[channel.arn],
        at=at,
        detail={"event_name": event_name, "channel_name": channel_name, "stream_id": stream_id},
    )


def recording_state_change(
    channel: ChannelArn,
    *,
    status: RecordingStatus,
    stream_id: str,
    bucket: str,
    key_prefix: str,
    duration_ms: int,
    recording_session_id: str,
    at: datetime,
    channel_name: str = "",
) -> dict[str, Any]:
    """``key_prefix`` has no trailing slash, as in every IVS event.

    ``recording_session_stream_ids`` is sent on Start too: AWS documents it on End only,
    but real Recording Start events carry it.
    """
    return _envelope(
        detail_type=RECORDING_STATE_CHANGE,
        source="aws.ivs",
        account=channel.account,
        region=channel.region,
        resources=[channel.arn],
        at=at,
        detail={
            "channel_name": channel_name,
            "stream_id": stream_id,
            "recording_status": status,
            "recording_status_reason": "",
            "recording_s3_bucket_name": bucket,
            "recording_s3_key_prefix": key_prefix.rstrip("/"),
            "recording_duration_ms": duration_ms,
            "recording_session_id": recording_session_id,
            "recording_session_stream_ids": [stream_id],
        },
    )


def s3_object_created(
    *,
    bucket: str,
    key: str,
    size: int,
    etag: str,
    sequencer: str,
    request_id: str,
    account: str,
    region: str,
    at: datetime,
    version_id: str | None = None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """``account`` is the bucket owner's; the requester is that account too (IVS writes
    recordings with the channel owner's permissions)."""
    obj: dict[str, Any] = {"key": key, "size": size, "etag": etag.strip('"')}
    if version_id is not None:  # only versioned buckets report one
        obj["version-id"] = version_id
    obj["sequencer"] = sequencer
    return _envelope(
        detail_type=OBJECT_CREATED,
        source="aws.s3",
        account=account,
        region=region,
        resources=[f"arn:aws:s3:::{bucket}"],
        at=at,
        detail={
            "version": "0",
            "event-version": "1.1",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": request_id,
            "requester": account,
            "source-ip-address": source_ip,
            "reason": "PutObject",
        },
    )
