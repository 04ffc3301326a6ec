"""The routes the content team's console added: the list of taken-down clips, restoring
one, a reason with a rejection, and the appeal's text in the moderation queue; in-process
against the emulators."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import spanner_highlights, spanner_moderation
from liveclips.adapters.spanner_moderation import StoredVerdict
from liveclips.api.app import app
from tests.integration.feed_seed import fresh_feed, highlight, seed_clip
from tests.support import bearer, unlimited_rates

pytestmark = pytest.mark.integration


def team() -> dict[str, str]:
    return bearer("console-ana", "moderator")


@pytest.fixture(scope="module")
def http(emulators) -> Iterator[TestClient]:
    with unlimited_rates(), TestClient(app) as client:
        yield client


def channel() -> str:
    return f"ch{uuid.uuid4().hex[:10]}"


def feed_ids(http: TestClient) -> list[str]:
    page = http.get("/v1/feed", params={"limit": 50}, headers=bearer("console-viewer")).json()
    return [c["id"] for c in page["clips"]]


def in_feed_soon(http: TestClient, clip_id: str, timeout_s: float = 5.0) -> bool:
    """A rebuild right after another waits its 250 ms: meanwhile the last snapshot serves."""
    deadline = time.monotonic() + timeout_s
    while clip_id not in feed_ids(http):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def listed(http: TestClient, **params) -> list[dict]:
    """Every taken-down clip, page by page over the cursors."""
    page = http.get("/v1/takedowns", params={"limit": 2, **params}, headers=team()).json()
    clips = page["clips"]
    while page["next_cursor"]:
        page = http.get(
            "/v1/takedowns", params={"limit": 2, "cursor": page["next_cursor"]}, headers=team()
        ).json()
        clips += page["clips"]
    return clips


def test_taken_down_clips_are_listed_latest_first_and_a_restore_brings_one_back(http):
    first, second, kept = seed_clip(channel()), seed_clip(channel()), seed_clip(channel())
    for victim, why in ((first, "copyright"), (second, "spoiler")):
        answer = http.post(f"/v1/clips/{victim.clip_id}/takedown", json={"reason": why},
                           headers=team())  # fmt: skip
        assert answer.status_code == 200, answer.text
    fresh_feed()

    down = listed(http)
    ids = [c["clip_id"] for c in down]
    assert ids.index(second.clip_id) < ids.index(first.clip_id), "the latest first"
    assert kept.clip_id not in ids
    shown = next(c for c in down if c["clip_id"] == second.clip_id)
    assert (shown["reason"], shown["channel_id"]) == ("spoiler", second.highlight.channel_id)
    assert len(ids) == len(set(ids)), "no clip twice across pages"
    assert second.clip_id not in feed_ids(http)

    restored = http.post(f"/v1/clips/{second.clip_id}/restore", headers=team())

    assert restored.status_code == 200, restored.text
    assert second.clip_id in restored.json()["restored_clip_ids"]
    assert second.clip_id not in [c["clip_id"] for c in listed(http)]
    assert in_feed_soon(http, second.clip_id), "back in the feed on the next rebuild"
    assert http.get(f"/v1/clips/{second.clip_id}", headers=team()).status_code == 200
    assert first.clip_id not in feed_ids(http)


def test_restoring_a_visible_or_unknown_clip_is_a_clear_4xx(http):
    visible = seed_clip(channel())
    again = http.post(f"/v1/clips/{visible.clip_id}/restore", headers=team())
    unknown = http.post("/v1/clips/nope-nope/restore", headers=team())
    bad = http.get("/v1/takedowns", params={"cursor": "x"}, headers=team())
    assert (again.status_code, again.json()["detail"]["code"]) == (409, "clip_not_taken_down")
    assert (unknown.status_code, unknown.json()["detail"]["code"]) == (404, "clip_not_found")
    assert (bad.status_code, bad.json()["detail"]["code"]) == (400, "invalid_cursor")


def test_a_rejection_may_carry_a_reason_and_is_still_decided_once(http):
    waiting = highlight(channel(), kind="auto")
    spanner_highlights.record(waiting, "PENDING_APPROVAL")
    path = f"/v1/highlights/{waiting.highlight_id}"

    rejected = http.post(f"{path}/reject", json={"reason": "blurry"}, headers=team())
    late = http.post(f"{path}/approve", headers=team())
    empty = http.post(f"{path}/reject", json={"reason": "  "}, headers=team())

    assert (rejected.status_code, rejected.json()["status"]) == (200, "REJECTED")
    assert (late.status_code, late.json()["detail"]["code"]) == (409, "highlight_already_decided")
    assert empty.status_code == 422


def test_an_appealed_message_is_in_the_queue_with_the_appeals_text(http):
    room = uuid.uuid4().hex[:12]
    flagged = StoredVerdict(
        room_id=room, message_id=uuid.uuid4().hex,
        room_arn=f"arn:aws:ivschat:us-east-1:1:room/{room}", channel_id="Chan1",
        user_id="viewer-9", text="you are awful", sent_at=datetime.now(UTC),
        flagged=True, categories=["harassment"], top_score=0.91, action="delete",
        reason="harassment 0.91", model="omni-moderation-latest",
    )  # fmt: skip
    spanner_moderation.record([flagged])
    path = f"/v1/moderation/rooms/{room}/messages/{flagged.message_id}"
    http.post(f"{path}/decision", json={"outcome": "uphold"}, headers=team())
    http.post(f"{path}/appeal", json={"note": "it was a quote"}, headers=bearer("viewer-9"))

    page = http.get("/v1/moderation/queue", params={"limit": 100}, headers=team()).json()

    item = next(i for i in page["items"] if i["message_id"] == flagged.message_id)
    assert item["review_state"] == "APPEALED"
    assert [(h["kind"], h["note"]) for h in item["history"] if h["kind"] == "appeal"] == [
        ("appeal", "it was a quote")
    ]


def test_a_preview_of_a_highlight_whose_recording_cannot_be_read_is_a_clear_409(http):
    nowhere = highlight(channel())  # its recording prefix holds no playlist
    spanner_highlights.record(nowhere, "PENDING_APPROVAL")

    answer = http.get(f"/v1/highlights/{nowhere.highlight_id}/preview.m3u8", headers=team())
    unknown = http.get("/v1/highlights/nope/preview.m3u8", headers=team())

    assert (answer.status_code, answer.json()["detail"]["code"]) == (409, "preview_unavailable")
    assert (unknown.status_code, unknown.json()["detail"]["code"]) == (404, "highlight_not_found")
