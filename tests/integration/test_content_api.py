"""The content team's API: marquee approval queue and manual picks, on the local cloud."""

from __future__ import annotations

import time

import httpx
import pytest

from liveclips.adapters import spanner
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.access import Role
from liveclips.services import highlights
from tests.integration.conftest import highlight_of
from tests.support import bearer

pytestmark = pytest.mark.integration


def team() -> dict[str, str]:
    return bearer("content-team-ana", "moderator")


def viewer() -> dict[str, str]:
    return bearer("viewer-ben", "viewer")


def api(cloud) -> str:
    return cloud["LIVECLIPS_API_URL"]


def marquee(run, start_s: float, end_s: float) -> HighlightDetected:
    return highlight_of(
        run,
        start_s,
        end_s,
        event_id=f"marquee-{start_s}-{end_s}",
        score=42.0,
        reason="test marquee",
        marquee=True,
        evidence={"loudness": 30.0, "chat_rate": 12.0},
    )


def clip_state(highlight: HighlightDetected) -> str | None:
    with spanner.database().snapshot() as snapshot:
        rows = list(
            snapshot.execute_sql(
                "SELECT State FROM Clips WHERE RecordingId = @r AND ClipId = @c",
                params={"r": highlight.recording_id, "c": highlight.clip_id},
                param_types={
                    "r": spanner.spanner.param_types.STRING,
                    "c": spanner.spanner.param_types.STRING,
                },
            )
        )
    return rows[0][0] if rows else None


def wait_for_clip(highlight: HighlightDetected, timeout_s: float = 40.0) -> str | None:
    deadline = time.monotonic() + timeout_s
    while (state := clip_state(highlight)) != "PUBLISHED" and time.monotonic() < deadline:
        time.sleep(0.5)
    return state


def test_a_marquee_highlight_waits_for_approval_then_renders(cloud, quiet_show):
    # GIVEN a top-scoring highlight
    highlight = marquee(quiet_show, 2.0, 7.0)
    assert highlights.submit(highlight) == "PENDING_APPROVAL"

    # THEN it is in the queue and not rendered
    queue = httpx.get(f"{api(cloud)}/v1/highlights/pending", headers=team()).json()
    assert highlight.highlight_id in [h["id"] for h in queue]
    time.sleep(2)
    assert clip_state(highlight) is None

    # WHEN the content team approves it (twice: a double click is harmless)
    first = httpx.post(
        f"{api(cloud)}/v1/highlights/{highlight.highlight_id}/approve", headers=team()
    )
    again = httpx.post(
        f"{api(cloud)}/v1/highlights/{highlight.highlight_id}/approve", headers=team()
    )

    # THEN it is rendered, leaves the queue, and can no longer be rejected
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "APPROVED"
    assert first.json()["evidence"] == {"loudness": 30.0, "chat_rate": 12.0}
    assert wait_for_clip(highlight) == "PUBLISHED"
    queue = httpx.get(f"{api(cloud)}/v1/highlights/pending", headers=team()).json()
    assert highlight.highlight_id not in [h["id"] for h in queue]
    late = httpx.post(f"{api(cloud)}/v1/highlights/{highlight.highlight_id}/reject", headers=team())
    assert late.status_code == 409
    assert late.json()["detail"]["code"] == "highlight_already_decided"


def test_a_rejected_marquee_highlight_is_never_rendered(cloud, quiet_show):
    highlight = marquee(quiet_show, 8.0, 12.0)
    highlights.submit(highlight)

    response = httpx.post(
        f"{api(cloud)}/v1/highlights/{highlight.highlight_id}/reject", headers=team()
    )

    assert response.status_code == 200
    assert response.json()["status"] == "REJECTED"
    time.sleep(2)
    assert clip_state(highlight) is None


def test_an_unknown_highlight_is_a_clear_404(cloud):
    response = httpx.post(f"{api(cloud)}/v1/highlights/nope/approve", headers=team())
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "highlight_not_found"


def test_a_manual_pick_is_clipped_exactly_as_given(cloud, quiet_show):
    stream_id = quiet_show.broadcast.stream_id
    deadline = time.monotonic() + 20
    while spanner.stream(stream_id) is None and time.monotonic() < deadline:
        time.sleep(0.3)  # the lifecycle function records the stream asynchronously

    response = httpx.post(
        f"{api(cloud)}/v1/streams/{stream_id}/picks",
        json={"start_s": 4.0, "end_s": 10.0},
        headers=team(),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["status"], body["start_s"], body["end_s"]) == (
        "manual",
        "APPROVED",
        4.0,
        10.0,
    )
    recording_id = quiet_show.broadcast.recording_prefix.rsplit("/", 1)[-1]
    feed = []
    deadline = time.monotonic() + 40
    while not feed and time.monotonic() < deadline:
        page = httpx.get(f"{api(cloud)}/v1/feed", params={"limit": 50}, headers=viewer()).json()
        feed = [
            c for c in page["clips"] if c["recording_id"] == recording_id and c["start_s"] == 4.0
        ]
        time.sleep(0.5)
    assert feed and feed[0]["end_s"] == 10.0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [({"start_s": 9.0, "end_s": 3.0}, 422, "invalid_pick"), ({"start_s": 1.0}, 422, None)],
)
def test_bad_picks_are_refused_with_the_reason(cloud, quiet_show, body, status, code):
    url = f"{api(cloud)}/v1/streams/{quiet_show.broadcast.stream_id}/picks"
    response = httpx.post(url, json=body, headers=team())
    assert response.status_code == status
    assert response.json()["detail"]["code"] == (code or "invalid_request")
    if not code:
        assert [e["loc"] for e in response.json()["detail"]["errors"]] == [["body", "end_s"]]


def test_a_pick_on_an_unknown_stream_is_a_clear_404(cloud):
    response = httpx.post(
        f"{api(cloud)}/v1/streams/st-nope/picks",
        json={"start_s": 1.0, "end_s": 5.0},
        headers=team(),
    )
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "stream_not_found"


@pytest.mark.parametrize("role", list(Role))
def test_the_approval_queue_and_picks_are_the_content_teams(cloud, quiet_show, role):
    headers = bearer(f"queue-{role}", str(role))
    highlight = marquee(quiet_show, 1.0, 3.0)
    stream = quiet_show.broadcast.stream_id
    answers = [
        httpx.get(f"{api(cloud)}/v1/highlights/pending", headers=headers),
        httpx.post(f"{api(cloud)}/v1/highlights/{highlight.highlight_id}/approve", headers=headers),
        httpx.post(f"{api(cloud)}/v1/highlights/{highlight.highlight_id}/reject", headers=headers),
        httpx.post(f"{api(cloud)}/v1/streams/{stream}/picks", json={"start_s": 1}, headers=headers),
    ]
    if role in (Role.MODERATOR, Role.ADMIN):
        assert [a.status_code for a in answers] == [200, 404, 404, 422]  # let in
    else:
        assert [a.status_code for a in answers] == [403] * 4
        assert {a.json()["detail"]["code"] for a in answers} == {"forbidden"}
    assert httpx.get(f"{api(cloud)}/v1/highlights/pending").status_code == 401
