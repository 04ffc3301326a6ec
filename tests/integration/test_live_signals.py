"""Live signals for the highlight engine: Pub/Sub -> record_signal -> Redis, and back out
on a recording's time axis; plus the creator's "clip that" endpoint."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from liveclips.adapters import pubsub, signal_store, spanner
from liveclips.contracts.events import AudienceSample, ChatMessagePosted, StreamStateChanged
from tests.integration.studio_support import tell_ivs
from tests.support import bearer

pytestmark = pytest.mark.integration


def poll(check, timeout_s: float = 20.0):
    deadline = time.monotonic() + timeout_s
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.3)
    return result


def test_chat_and_audience_land_once_per_event_on_the_show_time_axis(cloud):
    channel = f"Sig{uuid.uuid4().hex[:10]}"
    start = datetime.now(UTC).replace(microsecond=0)
    hello = ChatMessagePosted(
        event_id="m-1",
        occurred_at=start + timedelta(seconds=3.5),
        channel_id=channel,
        message_id="m-1",
        user_id="ana",
        text="LMAO",
    )
    other = hello.model_copy(update={"event_id": "m-2", "message_id": "m-2", "user_id": "bo"})
    audience = AudienceSample(
        event_id="a-1",
        occurred_at=start + timedelta(seconds=5),
        channel_id=channel,
        viewers=120,
        joins=7,
        reactions=3,
    )
    for event, topic in ((hello, "chat-messages"), (hello, "chat-messages"),
                         (other, "chat-messages"), (audience, "audience-samples")):  # fmt: skip
        pubsub.publish(topic, event)

    def signals():
        raw = signal_store.between(channel, start.timestamp(), 0, 10)
        return raw if len(raw.chat) >= 2 and raw.viewers else None

    raw = poll(signals)
    assert raw is not None
    assert sorted((m.t, m.user, m.text) for m in raw.chat) == [
        (3.5, "ana", "LMAO"),
        (3.5, "bo", "LMAO"),
    ]
    assert raw.viewers == [(5.0, 120)]
    assert raw.reactions == [(5.0, 3)]


def test_clip_that_on_a_live_stream_becomes_a_marker_signal(cloud):
    api, host = cloud["LIVECLIPS_API_URL"], bearer("marker-host", "creator")
    made = httpx.post(f"{api}/v1/channels", json={"name": "markers"}, headers=host, timeout=10)
    arn = made.json()["channel"]["arn"]
    channel, stream_id = made.json()["channel"]["id"], f"st-{uuid.uuid4().hex[:23]}"
    tell_ivs(arn, "Stream Start", stream_id)  # as the studio tells IVS
    started = StreamStateChanged(
        event_id=str(uuid.uuid4()),
        occurred_at=datetime.now(UTC),
        channel_arn=arn,
        channel_id=channel,
        stream_id=stream_id,
        state="started",
    )
    pubsub.publish("ivs-events", started, ordering_key=channel)
    assert poll(lambda: (s := spanner.stream(stream_id)) and s.state == "LIVE")

    response = httpx.post(f"{api}/v1/streams/{stream_id}/markers", headers=host)

    assert response.status_code == 202
    now = time.time()
    markers = poll(lambda: signal_store.between(channel, now - 30, 0, 60).markers)
    assert markers and markers[0][1] == "clip"


def test_clip_that_needs_a_live_stream(cloud):
    response = httpx.post(
        f"{cloud['LIVECLIPS_API_URL']}/v1/streams/st-nope/markers",
        headers=bearer("marker-host", "creator"),
    )
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "stream_not_found"
