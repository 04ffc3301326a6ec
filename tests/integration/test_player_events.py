"""Player events in: validated one by one, published for the engagement job with its
dedupe id and event time, live concurrency in Redis, bad ones dead-lettered."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from liveclips.api.app import app
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import bearer, pull

pytestmark = pytest.mark.integration


@pytest.fixture
def http(emulators) -> TestClient:
    return TestClient(app, headers=bearer("viewer-42"))


def event(kind: str = "heartbeat", **fields) -> dict:
    return {"event_id": uuid.uuid4().hex, "kind": kind, "session_id": "s-1",
            "occurred_at": datetime.now(UTC).isoformat(), **fields}  # fmt: skip


def test_good_events_are_published_with_dedupe_id_and_event_time(http):
    sent = [event(stream_id="st-1", channel_id="ch-1"),
            event("play_start", title_id="t-1", ttff_ms=420, platform="ios")]  # fmt: skip
    with fresh_subscription("player-events") as sub:
        answer = http.post("/v1/events", json={"events": sent})
        messages = pull(sub, at_least=2, timeout_s=5)

    assert answer.status_code == 202 and answer.json() == {"accepted": 2, "rejected": []}
    by_id = {m.attributes["event_id"]: m for m in messages}
    assert set(by_id) == {e["event_id"] for e in sent}
    start = by_id[sent[1]["event_id"]]
    assert start.attributes["type"] == "player.play_start"
    assert start.attributes["event_time"] == start.attributes["occurred_at"]
    body = json.loads(start.data)
    assert (body["user_id"], body["ttff_ms"], body["title_id"]) == ("viewer-42", 420, "t-1")


def test_a_bad_event_is_answered_by_index_and_dead_lettered_the_rest_go_through(http):
    bad = event("play_start", title_id="t-1")  # no ttff_ms
    spoofed = event(stream_id="st-1", user_id="someone-else")  # the user is the caller
    good = event(clip_id="c-1", kind="clip_impression")
    with fresh_subscription("dead-letter") as dead, fresh_subscription("player-events") as sub:
        answer = http.post("/v1/events", json={"events": [bad, spoofed, good]}).json()
        letters = pull(dead, at_least=2, timeout_s=5)
        published = pull(sub, timeout_s=5)

    assert answer["accepted"] == 1
    assert [(r["index"], r["event_id"]) for r in answer["rejected"]] == [
        (0, bad["event_id"]), (1, spoofed["event_id"]),
    ]  # fmt: skip
    assert "play_start events need ttff_ms" in answer["rejected"][0]["reason"]
    assert "user_id" in answer["rejected"][1]["reason"]
    assert {json.loads(m.data)["event_id"] for m in letters} == {
        bad["event_id"],
        spoofed["event_id"],
    }
    assert [m.attributes["event_id"] for m in published] == [good["event_id"]]


def test_live_concurrency_counts_sessions_heard_from_lately(http):
    stream = f"st-{uuid.uuid4().hex[:8]}"
    old = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    events = [event(stream_id=stream, session_id=f"s-{i}") for i in range(3)]
    events += [event("live_join", stream_id=stream, session_id="s-gone"),
               event(stream_id=stream, session_id="s-stale", occurred_at=old)]  # fmt: skip
    http.post("/v1/events", json={"events": events})
    before = http.get(f"/v1/streams/{stream}/viewers").json()["viewers"]
    http.post("/v1/events", json={"events": [event("live_leave", stream_id=stream,
                                                   session_id="s-gone")]})  # fmt: skip
    after = http.get(f"/v1/streams/{stream}/viewers").json()["viewers"]

    assert (before, after) == (4, 3)


@pytest.mark.parametrize(
    ("body", "status"),
    [({"events": []}, 422), ({"events": [{}] * 101}, 422), ({"evnts": []}, 422)],
)
def test_batches_out_of_bounds_are_refused(http, body, status):
    assert http.post("/v1/events", json=body).status_code == status


def test_without_a_user_nothing_is_accepted(emulators):
    answer = TestClient(app).post("/v1/events", json={"events": [event(stream_id="s")]})
    assert answer.status_code == 401
