"""Creator studio endpoints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException

from adapters import pubsub, signal_store, spanner
from api.models import HostPromptsView
from schemas.events import StreamMarker
from services import host_prompts

router = APIRouter(prefix="/v1", tags=["creator studio"])
MARKERS_TOPIC = "stream-markers"


@router.post("/streams/{stream_id}/markers", status_code=202)
def clip_that(stream_id: str) -> dict[str, str]:
    """The creator's "clip that": the highlight engine clips the moment just before it."""
    stream = spanner.stream(stream_id)
    if stream is None:
        raise HTTPException(404, detail={"code": "stream_not_found", "message": stream_id})
    if stream.state != "LIVE":
        raise HTTPException(
            409, detail={"code": "stream_not_live", "message": f"{stream_id} is {stream.state}"}
        )
    marker = StreamMarker(
        event_id=str(uuid.uuid4()), occurred_at=datetime.now(UTC), channel_id=stream.channel_id
    )
    pubsub.publish(MARKERS_TOPIC, marker, ordering_key=stream.channel_id)
    return {"status": "accepted", "marker_id": marker.event_id}


# How far back the host's prompts look: a few minutes of chat is "what they ask now".
RECENT_CHAT_S = 300


@dataclass(frozen=True)
class _Said:
    user_id: str
    text: str
    sent_at: datetime


@router.get("/streams/{stream_id}/prompts", response_model=HostPromptsView)
def prompts_for_host(stream_id: str) -> HostPromptsView:
    """Questions the host could take next, from the last minutes of (reviewed) chat: AI
    suggestions when OpenAI is configured, else the most-asked questions; at most one
    new suggestion per stream per minute (a repeat call says when the next may come)."""
    stream = spanner.stream(stream_id)
    if stream is None:
        raise HTTPException(404, detail={"code": "stream_not_found", "message": stream_id})
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
