"""The moderator queue API in-process on the Spanner emulator: verdicts in, decisions and
appeals out, every step in the verdict's history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import spanner_moderation
from liveclips.adapters.spanner_moderation import StoredVerdict
from liveclips.api.app import app
from liveclips.domain.access import Role
from tests.support import bearer

pytestmark = pytest.mark.integration


def moderator() -> dict[str, str]:
    return bearer("mod-ana", "moderator")


@pytest.fixture
def http(emulators) -> TestClient:
    return TestClient(app)


def verdict(room: str, *, flagged: bool, user: str = "viewer-1", text: str = "you are awful"):
    return StoredVerdict(
        room_id=room, message_id=uuid.uuid4().hex,
        room_arn=f"arn:aws:ivschat:us-east-1:1:room/{room}",
        channel_id="Chan1", user_id=user, text=text, sent_at=datetime.now(UTC), flagged=flagged,
        categories=["harassment"] if flagged else [], top_score=0.91 if flagged else 0.01,
        action="delete" if flagged else "allow", reason="harassment 0.91" if flagged else "clean",
        model="omni-moderation-latest",
    )  # fmt: skip


def path(v: StoredVerdict, step: str = "") -> str:
    return f"/v1/moderation/rooms/{v.room_id}/messages/{v.message_id}{step}"


def mine(page: dict, room: str) -> list[str]:
    return [i["message_id"] for i in page["items"] if i["room_id"] == room]


def test_flagged_verdicts_wait_in_the_queue_oldest_first(http):
    room = uuid.uuid4().hex[:12]
    first, clean, second = (verdict(room, flagged=True), verdict(room, flagged=False),
                            verdict(room, flagged=True))  # fmt: skip
    assert spanner_moderation.record([first]) == 1
    assert spanner_moderation.record([clean, second]) == 2

    page = http.get("/v1/moderation/queue", params={"limit": 100}, headers=moderator()).json()

    assert mine(page, room) == [first.message_id, second.message_id]


def test_a_redelivered_batch_neither_duplicates_nor_reopens(http):
    room = uuid.uuid4().hex[:12]
    flagged = verdict(room, flagged=True)
    spanner_moderation.record([flagged])
    http.post(path(flagged, "/decision"), json={"outcome": "uphold"}, headers=moderator())

    assert spanner_moderation.record([flagged]) == 0
    shown = http.get(path(flagged), headers=moderator()).json()
    assert shown["review_state"] == "UPHELD"
    assert [h["kind"] for h in shown["history"]] == ["ai", "decision"]


def test_decision_then_appeal_then_final_decision_with_the_whole_history(http):
    room = uuid.uuid4().hex[:12]
    flagged = verdict(room, flagged=True, user="viewer-7")
    spanner_moderation.record([flagged])
    author = bearer("viewer-7")

    upheld = http.post(path(flagged, "/decision"), json={"outcome": "uphold", "note": "rude"},
                       headers=moderator())  # fmt: skip
    appealed = http.post(path(flagged, "/appeal"), json={"note": "it was a joke"}, headers=author)
    queued = http.get("/v1/moderation/queue", params={"limit": 100}, headers=moderator()).json()
    again = http.post(path(flagged, "/appeal"), json={"note": "please"}, headers=author)
    final = http.post(path(flagged, "/decision"), json={"outcome": "overturn"},
                      headers=bearer("mod-ben", "admin"))  # fmt: skip

    assert upheld.json()["review_state"] == "UPHELD"
    assert appealed.json()["review_state"] == "APPEALED"
    assert flagged.message_id in mine(queued, room)
    assert (again.status_code, again.json()["detail"]["code"]) == (409, "not_allowed")
    history = final.json()["history"]
    assert final.json()["review_state"] == "OVERTURNED"
    assert [(h["kind"], h["actor"], h["outcome"]) for h in history] == [
        ("ai", "omni-moderation-latest", "delete"),
        ("decision", "mod-ana", "uphold"),
        ("appeal", "viewer-7", "appeal"),
        ("decision", "mod-ben", "overturn"),
    ]


def test_only_the_author_appeals_and_only_what_was_acted_on(http):
    room = uuid.uuid4().hex[:12]
    flagged, clean = verdict(room, flagged=True), verdict(room, flagged=False)
    spanner_moderation.record([flagged, clean])

    stranger = http.post(path(flagged, "/appeal"), json={"note": "x"},
                         headers=bearer("someone-else"))  # fmt: skip
    nothing = http.post(path(clean, "/appeal"), json={"note": "x"},
                        headers=bearer("viewer-1"))  # fmt: skip
    undecidable = http.post(
        path(clean, "/decision"), json={"outcome": "uphold"}, headers=moderator()
    )

    assert (stranger.status_code, stranger.json()["detail"]["code"]) == (403, "forbidden")
    assert nothing.status_code == 409 and "nothing was done" in nothing.json()["detail"]["message"]
    assert undecidable.status_code == 409


def test_unknown_missing_identity_and_bad_bodies_are_clear_4xx(http):
    room = uuid.uuid4().hex[:12]
    flagged = verdict(room, flagged=True)
    spanner_moderation.record([flagged])

    assert (
        http.get(f"/v1/moderation/rooms/{room}/messages/nope", headers=moderator()).status_code
        == 404
    )
    assert http.get("/v1/moderation/queue").status_code == 401
    bad = http.post(path(flagged, "/decision"), json={"outcome": "ban"}, headers=moderator())
    assert bad.status_code == 422 and "outcome" in bad.text


def test_the_queue_and_decisions_are_the_content_teams_appeals_the_authors(http):
    room = uuid.uuid4().hex[:12]
    flagged = verdict(room, flagged=True, user="viewer-9")
    spanner_moderation.record([flagged])
    for role in Role:
        headers = bearer(f"queue-{role}", str(role))
        queue = http.get("/v1/moderation/queue", headers=headers)
        decided = http.post(path(flagged, "/decision"), json={"outcome": "uphold"}, headers=headers)
        read = http.get(path(flagged), headers=headers)
        team = role in (Role.MODERATOR, Role.ADMIN)
        assert queue.status_code == read.status_code == (200 if team else 403), role
        assert decided.status_code in ((200, 409) if team else (403,)), role
    # The author reads their own verdict and appeals it; anyone else may not.
    assert http.get(path(flagged), headers=bearer("viewer-9")).status_code == 200
    stranger = http.post(path(flagged, "/appeal"), json={"note": "x"},
                         headers=bearer("viewer-10", "creator"))  # fmt: skip
    assert stranger.status_code == 403
    appealed = http.post(path(flagged, "/appeal"), json={"note": "x"}, headers=bearer("viewer-9"))
    assert appealed.status_code == 200 and appealed.json()["review_state"] == "APPEALED"
    assert http.get(path(flagged)).status_code == 401
    assert http.post(path(flagged, "/appeal"), json={"note": "x"}).status_code == 401
