"""events/recording-started.json and recording-ended.json, shaped like IVS writes them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from liveclips_dev.studio.ivs_events import event_time
from liveclips_dev.studio.layout import (
    BYTE_RANGE_MULTIVARIANT,
    BYTE_RANGE_PLAYLIST,
    HLS_DIR,
    MASTER_PLAYLIST,
    MEDIA_PLAYLIST,
    Rendition,
)

RECORDING_STARTED_JSON = "events/recording-started.json"
RECORDING_ENDED_JSON = "events/recording-ended.json"


def _hls(renditions: Sequence[Rendition], duration_ms: int | None) -> dict[str, Any]:
    hls: dict[str, Any] = {} if duration_ms is None else {"duration_ms": duration_ms}
    hls |= {
        "path": HLS_DIR,
        "playlist": MASTER_PLAYLIST,
        "byte_range_playlist": BYTE_RANGE_MULTIVARIANT,
        "renditions": [
            {
                "path": r.path,
                "playlist": MEDIA_PLAYLIST,
                "byte_range_playlist": BYTE_RANGE_PLAYLIST,
                "resolution_width": r.width,
                "resolution_height": r.height,
            }
            for r in renditions
        ],
    }
    return hls


def recording_started(
    *, channel_arn: str, started_at: datetime, renditions: Sequence[Rendition]
) -> dict[str, Any]:
    # No "thumbnails" entry: the studio records like a channel with thumbnails DISABLED.
    return {
        "version": "v1",
        "recording_started_at": event_time(started_at),
        "channel_arn": channel_arn,
        "recording_status": "RECORDING_STARTED",
        "media": {"hls": _hls(renditions, None)},
    }


def recording_ended(
    *,
    channel_arn: str,
    started_at: datetime,
    ended_at: datetime,
    duration_ms: int,
    renditions: Sequence[Rendition],
) -> dict[str, Any]:
    return {
        "version": "v1",
        "recording_started_at": event_time(started_at),
        "recording_ended_at": event_time(ended_at),
        "channel_arn": channel_arn,
        "recording_status": "RECORDING_ENDED",
        "media": {"hls": _hls(renditions, duration_ms)},
    }


def to_bytes(document: dict[str, Any]) -> bytes:
    """Compact JSON without a trailing newline, as IVS writes these files."""
    return json.dumps(document, separators=(",", ":")).encode()
