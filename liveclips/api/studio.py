"""Creator studio endpoints for a live stream: "clip that", "clip the last N s", prompts.

Each acts on the stream's channel, so it is the channel's owner's (or an admin's); the
host prompts are also the content team's to read.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException

from liveclips import resources
from liveclips.adapters import ivs, pubsub, rate_limits, signal_store, spanner_highlights
from liveclips.api.auth import AnyCaller, CreatorCaller
from liveclips.api.errors import api_error, documented
from liveclips.api.models import (
    HostPromptsView,
    ManualClipAccepted,
    ManualClipRequest,
    MarkerAccepted,
)
from liveclips.api.ownership import StreamId, managed_stream, watched_stream
from liveclips.contracts.events import StreamMarker
from liveclips.domain.lifecycle import StreamRecord
from liveclips.services import highlights, host_prompts

router = APIRouter(prefix="/v1", tags=["creator studio"])
MARKERS_TOPIC = resources.STREAM_MARKERS_TOPIC
# IVS accepts 5 PutMetadata calls per second per channel; refusing the sixth here keeps a
# burst of clicks from turning into IVS throttling errors.
METADATA_PER_S = 5.0
METADATA_BURST = 5


def _must_be_live(stream: StreamRecord) -> None:
    if stream.state != "LIVE":
        raise api_error(409, "stream_not_live", f"{stream.stream_id} is {stream.state}")


def _marker_limited(wait_s: float) -> HTTPException:
    return api_error(
        429,
        "marker_rate_limited",
        f"at most {METADATA_PER_S:g} markers a second per channel; retry in {wait_s:.1f} s",
        headers={"Retry-After": str(max(1, math.ceil(wait_s)))},
    )


@router.post(
    "/streams/{stream_id}/markers",
    status_code=202,
    response_model=MarkerAccepted,
    responses=documented(404, 409),
)
def clip_that(stream_id: StreamId, caller: CreatorCaller) -> MarkerAccepted:
    """The creator's "clip that": viewers' players get it as timed metadata, and the
    highlight engine clips the moment just before it."""
    stream, channel = managed_stream(caller, stream_id)
    _must_be_live(stream)
    limit = rate_limits.Limit(f"putmetadata:{channel.channel_arn}", METADATA_PER_S, METADATA_BURST)
    wait_s = rate_limits.retry_after_s(limit)
    if wait_s > 0:
        raise _marker_limited(wait_s)
    marker_id = str(uuid.uuid4())
    try:
        ivs.put_metadata(
            channel.channel_arn, json.dumps({"type": "clip_that", "marker_id": marker_id})
        )
    except ivs.Throttled as error:
        raise _marker_limited(1.0) from error
    except ivs.NotBroadcasting as error:
        raise api_error(409, "stream_not_live", f"{channel.channel_id} is not live") from error
    except ivs.UNAVAILABLE as error:
        raise api_error(503, "ivs_unavailable", "IVS did not take the marker; try again") from error
    marker = StreamMarker(
        event_id=marker_id, occurred_at=datetime.now(UTC), channel_id=stream.channel_id
    )
    pubsub.publish(MARKERS_TOPIC, marker, ordering_key=stream.channel_id)
    return MarkerAccepted(marker_id=marker_id)


@router.post(
    "/streams/{stream_id}/clips",
    status_code=202,
    response_model=ManualClipAccepted,
    responses=documented(400, 404, 409),
)
def clip_last_seconds(
    stream_id: StreamId, caller: CreatorCaller, body: ManualClipRequest | None = None
) -> ManualClipAccepted:
    """A clip of the last `last_s` seconds of a live stream, exactly; it is rendered like
    every highlight and shows up in GET /v1/studio/clips, then the feed."""
    stream, _channel = managed_stream(caller, stream_id)
    _must_be_live(stream)
    recording = spanner_highlights.recording_of_stream(stream_id)
    if recording is None or recording.started_at is None:
        raise api_error(409, "recording_not_started", f"{stream_id} is not recording yet")
    last_s = (body or ManualClipRequest()).last_s
    end_s = round((datetime.now(UTC) - recording.started_at).total_seconds(), 3)
    if end_s <= 0:
        raise api_error(409, "recording_not_started", f"{stream_id} is not recording yet")
    start_s = max(0.0, round(end_s - last_s, 3))
    highlight = highlights.manual(
        recording, start_s, end_s, reason=f"the last {last_s:g} s, clipped by {caller.user_id}"
    )
    status = highlights.submit(highlight)
    return ManualClipAccepted(
        highlight_id=highlight.highlight_id,
        clip_id=highlight.clip_id,
        stream_id=stream_id,
        recording_id=recording.recording_id,
        start_s=start_s,
        end_s=end_s,
        status=status,
    )


# How far back the host's prompts look: a few minutes of chat is "what they ask now".
RECENT_CHAT_S = 300


@dataclass(frozen=True)
class _Said:
    user_id: str
    text: str
    sent_at: datetime


@router.get(
    "/streams/{stream_id}/prompts", response_model=HostPromptsView, responses=documented(404)
)
def prompts_for_host(stream_id: StreamId, caller: AnyCaller) -> HostPromptsView:
    """Questions the host could take next, from the last minutes of (reviewed) chat: AI
    suggestions when OpenAI is configured, else the most-asked questions; at most one
    new suggestion per stream per minute (a repeat call says when the next may come)."""
    stream, _channel = watched_stream(caller, stream_id)
    now = datetime.now(UTC)
    until = int(now.timestamp()) + 1
    chat = signal_store.window("chat", stream.channel_id, until - RECENT_CHAT_S, until)
    said = [
        _Said(str(m["user"]), str(m["text"]), datetime.fromtimestamp(float(m["at"]), UTC))
        for m in chat
    ]
    suggestion = host_prompts.suggest_prompts(stream_id, said, now)
    return HostPromptsView(
        stream_id=stream_id,
        source=suggestion.source.value,
        prompts=list(suggestion.prompts),
        note=suggestion.note,
        at=suggestion.at,
    )
