"""Creator studio endpoints."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException

from adapters import pubsub, spanner
from schemas.events import StreamMarker

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
