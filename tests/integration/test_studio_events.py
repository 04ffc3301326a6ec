"""The studio's push channel (liveclips/studio_events/) as the local cloud runs it, the
same service as in production: a creator's page gets its own channel's events as they
are published, and nobody else's; a bad or foreign token gets no stream."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import pubsub
from liveclips.api.app import app
from liveclips.resources import CLIPS_TOPIC
from tests.integration.studio_support import make_channel, user
from tests.support import bearer

pytestmark = pytest.mark.integration


@pytest.fixture
def http(cloud) -> Iterator[TestClient]:
    yield TestClient(app)


def events_url() -> str:
    return f"{os.environ['LIVECLIPS_STUDIO_EVENTS_URL']}/events"


def token_of(owner: str) -> str:
    return bearer(owner, "creator")["Authorization"].removeprefix("Bearer ")


def listen(channel_id: str, token: str, into: queue.Queue[tuple[str, dict]]) -> threading.Event:
    """Reads the stream in a thread, each event into `into`; set once the stream is ready."""
    ready = threading.Event()

    def read() -> None:
        params = {"channel_id": channel_id, "token": token}
        # Keepalives come every 15 s; the stream ends when the local cloud goes down.
        with (
            contextlib.suppress(httpx.HTTPError),
            httpx.stream("GET", events_url(), params=params, timeout=60) as answer,
        ):
            kind = ""
            for line in answer.iter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    if kind == "ready":
                        ready.set()
                    else:
                        into.put((kind, json.loads(line.removeprefix("data: "))))

    threading.Thread(target=read, daemon=True).start()
    return ready


def clip_event(channel_id: str) -> tuple[bytes, dict[str, str]]:
    body = {"channel_id": channel_id, "clip_id": uuid.uuid4().hex, "event_id": uuid.uuid4().hex}
    return json.dumps(body).encode(), {"type": "clip.published"}


def test_a_creators_page_gets_its_channels_events_and_no_one_elses(http):
    # GIVEN a creator's page listening to their channel
    owner = user()
    mine = make_channel(http, owner)["channel"]["id"]
    theirs = make_channel(http, user())["channel"]["id"]
    got: queue.Queue[tuple[str, dict]] = queue.Queue()
    assert listen(mine, token_of(owner), got).wait(30), "the stream never said ready"

    # WHEN a clip of another channel and then one of theirs are published
    other, own = clip_event(theirs), clip_event(mine)
    pubsub.publish_many(CLIPS_TOPIC, [other, own])

    # THEN the page gets its own clip, typed, and nothing of the other channel
    kind, event = got.get(timeout=30)
    assert kind == "clip.published"
    assert event["channel_id"] == mine and event["clip_id"] == json.loads(own[0])["clip_id"]
    assert got.empty()


def test_a_bad_token_and_another_creators_channel_get_no_stream(http):
    owner = user()
    channel_id = make_channel(http, owner)["channel"]["id"]
    forged = httpx.get(events_url(), params={"channel_id": channel_id, "token": "x.y.z"})
    foreign = httpx.get(events_url(), params={"channel_id": channel_id, "token": token_of(user())})
    malformed = httpx.get(events_url(), params={"channel_id": "../x", "token": token_of(owner)})
    unknown = httpx.get(
        events_url(), params={"channel_id": "nochannel404", "token": token_of(owner)}
    )

    assert forged.status_code == 401
    assert foreign.status_code == 403
    assert malformed.status_code == 422
    assert unknown.status_code == 404 and unknown.json()["detail"]["code"] == "channel_not_found"
