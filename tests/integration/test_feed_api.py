"""GET /v1/feed: ranking, snapshot cursors, the page cache and takedowns, in-process
against the emulators (Spanner, Redis, moto for the signed URLs)."""

from __future__ import annotations

import base64
import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import feed_cache, redis_store, spanner_clips
from liveclips.api.app import app
from liveclips.domain.feed_cursor import FeedCursor, encode_feed
from liveclips.services import feed
from tests.integration.feed_seed import fresh_feed, seed_clip
from tests.support import bearer, unlimited_rates

pytestmark = pytest.mark.integration


def viewer() -> dict[str, str]:
    return bearer("feed-viewer", "viewer")


@pytest.fixture(scope="module")
def http(emulators) -> Iterator[TestClient]:
    with unlimited_rates(), TestClient(app) as client:
        yield client


def channel() -> str:
    return f"ch{uuid.uuid4().hex[:10]}"


def get_feed(http: TestClient, **params) -> dict:
    response = http.get("/v1/feed", params=params, headers=viewer())
    assert response.status_code == 200, response.text
    return response.json()


def whole_feed(http: TestClient, limit: int = 7) -> list[str]:
    """Every clip id of one snapshot, page by page."""
    page = get_feed(http, limit=limit)
    ids = [c["id"] for c in page["clips"]]
    while page["next_cursor"]:
        assert len(page["clips"]) <= limit
        page = get_feed(http, limit=limit, cursor=page["next_cursor"])
        ids += [c["id"] for c in page["clips"]]
    return ids


def events(http: TestClient, user: str, *batch: dict) -> None:
    now = datetime.now(UTC).isoformat()
    body = {"events": [{"event_id": uuid.uuid4().hex, "occurred_at": now,
                        "session_id": f"s-{user}", **e} for e in batch]}  # fmt: skip
    response = http.post("/v1/events", json=body, headers=bearer(user, "viewer"))
    assert response.status_code == 202 and response.json()["accepted"] == len(batch)


def test_newer_first_and_a_scrolling_user_never_sees_new_clips_shift_the_pages(http):
    a, b, c = channel(), channel(), channel()
    old = seed_clip(a, age_s=3 * 3600)
    mid = seed_clip(b, age_s=3600)
    new = seed_clip(c, age_s=60)
    fresh_feed()

    first = get_feed(http, limit=2)
    ids = whole_feed(http, limit=2)
    mine = [i for i in ids if i in {old.clip_id, mid.clip_id, new.clip_id}]
    assert mine == [new.clip_id, mid.clip_id, old.clip_id]
    assert len(ids) == len(set(ids))

    # WHEN a clip is published (index_feed drops the hot snapshot) mid-scroll
    newest = seed_clip(channel())

    # THEN the scrolling user's next pages are those of their snapshot
    rest, cursor = [], first["next_cursor"]
    while cursor:
        page = get_feed(http, limit=2, cursor=cursor)
        rest += [c["id"] for c in page["clips"]]
        cursor = page["next_cursor"]
    assert [c["id"] for c in first["clips"]] + rest == ids
    assert newest.clip_id not in rest
    # AND a reload from the top has it (once the 250 ms rebuild throttle has passed),
    # ahead of the older ones with as little engagement
    time.sleep(0.3)
    reloaded = whole_feed(http, limit=50)
    assert reloaded.index(newest.clip_id) < reloaded.index(new.clip_id)


def test_a_page_carries_signed_urls_the_title_and_counts(http):
    seeded = seed_clip(channel(), evidence={"loudness": 0.7})
    fresh_feed()
    clip = next(c for c in whole_feed_clips(http) if c["id"] == seeded.clip_id)
    assert clip["rendition"] == "instant"
    assert "Signature=" in clip["url"] and seeded.key in clip["url"]  # S3 presigned (local)
    assert clip["title"] == "The room erupts at 0:12"
    assert clip["tags"] == ["auto", "loud"]
    assert clip["stats"] == {"impressions": 0, "plays": 0, "completions": 0, "shares": 0}


def whole_feed_clips(http: TestClient) -> list[dict]:
    page = get_feed(http, limit=50)
    clips = page["clips"]
    while page["next_cursor"]:
        page = get_feed(http, limit=50, cursor=page["next_cursor"])
        clips += page["clips"]
    return clips


def test_engagement_from_player_events_lifts_a_clip_over_a_newer_one(http):
    popular = seed_clip(channel(), age_s=2 * 3600)
    newer = seed_clip(channel(), age_s=600)
    for n in range(6):  # six viewers play and finish it, two share it; resends count once
        user = f"fan-{uuid.uuid4().hex[:6]}-{n}"
        about = {"clip_id": popular.clip_id, "channel_id": popular.highlight.channel_id}
        done = {**about, "kind": "heartbeat", "position_s": 7.8, "duration_s": 8.0}
        plays = [{**about, "kind": "clip_impression"}, {**about, "kind": "clip_play"}, done]
        events(http, user, *plays, *(plays if n == 0 else []))
        if n < 2:
            events(http, user, {**about, "kind": "share"})
    fresh_feed()

    ids = [c["id"] for c in whole_feed_clips(http)]
    assert ids.index(popular.clip_id) < ids.index(newer.clip_id)
    stats = next(c for c in whole_feed_clips(http) if c["id"] == popular.clip_id)["stats"]
    assert stats == {"impressions": 6, "plays": 6, "completions": 6, "shares": 2}


def test_one_channel_does_not_fill_a_screenful(http):
    busy = channel()
    for age in range(5):
        seed_clip(busy, age_s=10 + age)
    for i in range(12):  # enough others for a feed that keeps the rule (17 slots needed)
        seed_clip(channel(), age_s=3000 + 10 * i)
    fresh_feed()
    channels = [c["channel_id"] for c in whole_feed_clips(http)]
    positions = [i for i, ch in enumerate(channels) if ch == busy]
    assert len(positions) == 5
    assert all(b - a >= 4 for a, b in itertools.pairwise(positions)), (positions, channels)


def test_unapproved_clips_never_show(http):
    pending = seed_clip(channel(), status="PENDING_APPROVAL")
    rejected = seed_clip(channel(), status="REJECTED")
    fresh_feed()
    ids = [c["id"] for c in whole_feed_clips(http)]
    assert pending.clip_id not in ids and rejected.clip_id not in ids


def test_a_takedown_leaves_every_page_at_once_cached_or_not(http):
    victim = seed_clip(channel())
    fresh_feed()
    position = whole_feed(http, limit=50).index(victim.clip_id)
    at_victim = encode_feed(FeedCursor(feed_cache.hot_id() or "", position))
    page = get_feed(http, limit=1, cursor=at_victim)
    assert [c["id"] for c in page["clips"]] == [victim.clip_id]
    assert get_feed(http, limit=1, cursor=at_victim) == page  # from the page cache

    hidden = spanner_clips.hide_clip(victim.clip_id, "copyright")

    assert hidden is not None and victim.clip_id in hidden.clip_ids
    assert get_feed(http, limit=1, cursor=at_victim)["clips"] == []  # its old snapshot too
    assert victim.clip_id not in whole_feed(http, limit=50)
    again = spanner_clips.hide_clip(victim.clip_id, "another reason")
    assert again is not None and (again.hidden_at, again.reason) == (hidden.hidden_at, "copyright")


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "!!!!",
        "f1.0123",
        base64.urlsafe_b64encode(b"f1.zz.0").decode().rstrip("="),
        base64.urlsafe_b64encode(b"f1." + b"a" * 32 + b".-1").decode().rstrip("="),
        base64.urlsafe_b64encode(b"s1.123.0.0123456789abcdef").decode().rstrip("="),
        "A" * 500,
        encode_feed(FeedCursor("a" * 32, 5)) + "=",
    ],
)
def test_a_garbage_cursor_is_a_400(http, cursor):
    response = http.get("/v1/feed", params={"cursor": cursor}, headers=viewer())
    assert response.status_code == 400
    assert response.json()["detail"]["code"] == "invalid_cursor"


def test_a_cursor_of_an_expired_snapshot_is_a_410(http):
    gone = encode_feed(FeedCursor(uuid.uuid4().hex, 20))
    response = http.get("/v1/feed", params={"cursor": gone}, headers=viewer())
    assert response.status_code == 410
    assert response.json()["detail"]["code"] == "cursor_expired"


@pytest.mark.parametrize("limit", [0, 51, -1])
def test_the_page_size_is_1_to_50(http, limit):
    response = http.get("/v1/feed", params={"limit": limit}, headers=viewer())
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "invalid_request"


def test_one_rebuild_while_many_ask_and_the_others_are_served_the_previous_snapshot(
    emulators, monkeypatch
):
    seed_clip(channel())
    fresh_feed()
    feed.first_page(5, lambda data: "warm")  # a previous snapshot exists
    previous = feed_cache.first_page(5, "").snapshot_id
    feed_cache.drop_hot()
    redis_store.client().delete(feed_cache.LOCK)
    builds, release = [], threading.Event()
    real_build = feed.build

    def slow_build(generation: str) -> str:
        builds.append(generation)
        release.wait(5)
        return real_build(generation)

    monkeypatch.setattr(feed, "build", slow_build)
    served: list[str] = []
    threads = [
        threading.Thread(target=lambda: served.append(feed.first_page(5, lambda d: "page")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while not builds and time.monotonic() < deadline:
        time.sleep(0.01)
    assert feed_cache.first_page(5, "").snapshot_id == previous  # still serving the last one
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(builds) == 1 and len(served) == 8


def test_a_rebuild_that_read_before_a_publication_does_not_become_hot(emulators):
    before = feed_cache.generation()
    feed_cache.drop_hot()  # a clip is published while the rebuild reads Spanner
    snapshot_id, hot = feed_cache.publish_snapshot(["x"], {}, before)
    assert not hot and feed_cache.hot_id() != snapshot_id
    _, hot = feed_cache.publish_snapshot(["x"], {}, feed_cache.generation())
    assert hot
