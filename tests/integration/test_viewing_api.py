"""Watch progress, play counts and continue-watching, in-process against the emulators."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from google.cloud import spanner as gspanner

from liveclips.adapters import redis_store, spanner, spanner_viewing
from liveclips.api.app import app
from liveclips.api.viewing import server_clock
from tests.support import bearer

pytestmark = pytest.mark.integration
T0 = 1_800_000_000.0


@dataclass
class Clock:
    now: float = T0


@dataclass
class Viewer:
    http: TestClient
    user: str
    clock: Clock  # the API's, shared by every viewer of a test

    @property
    def now(self) -> float:
        return self.clock.now

    @now.setter
    def now(self, value: float) -> None:
        self.clock.now = value

    def as_user(self, user: str) -> Viewer:
        return Viewer(self.http, user, self.clock)

    def report(self, title: str, position: float, **body: Any) -> dict[str, Any]:
        response = self.put(title, {"position_s": position, **body})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def put(self, title: str, body: dict[str, Any], headers: dict[str, str] | None = None):
        full = {"kind": "vod", "session_id": "s1", "duration_s": 3600.0, **body}
        return self.http.put(f"/v1/me/progress/{title}", json=full, headers=self._h(headers))

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any):
        return self.http.get(path, params=params, headers=self._h(headers))

    def _h(self, headers: dict[str, str] | None) -> dict[str, str]:
        return bearer(self.user) if headers is None else headers


@pytest.fixture
def viewer(emulators) -> Iterator[Viewer]:
    with TestClient(app) as http:
        clock = Clock()
        app.dependency_overrides[server_clock] = lambda: clock.now
        try:
            yield Viewer(http, f"user-{uuid.uuid4().hex[:12]}@test", clock)
        finally:
            app.dependency_overrides.pop(server_clock, None)


def new_title() -> str:
    return str(uuid.uuid4())


def stored_position(user: str, title: str) -> float | None:
    progress = spanner_viewing.progress(user, title)
    return progress.position_s if progress else None


def plays_rows(title: str) -> int:
    return spanner_viewing.play_count(title)


def watch(viewer: Viewer, title: str, until_s: float, **body: Any) -> list[dict[str, Any]]:
    """Heartbeats every 10 s of steady playback from 0 to until_s."""
    start, answers = viewer.now, []
    for t in range(0, int(until_s) + 1, 10):
        viewer.now = start + t
        answers.append(viewer.report(title, float(t), **body))
    return answers


def test_progress_is_saved_and_resumed(viewer):
    title = new_title()
    assert viewer.get(f"/v1/me/progress/{title}").json()["position_s"] == 0.0

    watch(viewer, title, 40.0)
    viewer.now += 3
    viewer.report(title, 43.0, final=True)  # pause

    resumed = viewer.get(f"/v1/me/progress/{title}").json()
    assert (resumed["position_s"], resumed["duration_s"]) == (43.0, 3600.0)
    assert resumed["updated_at"] is not None


def test_heartbeats_are_coalesced_in_spanner(viewer):
    title = new_title()

    # WHEN reports arrive 2 s apart
    saved = []
    for t in (0, 2, 4, 6, 8, 10, 12):
        viewer.now = T0 + t
        saved.append(viewer.report(title, float(t))["saved"])

    # THEN Spanner was written for the first one and ~10 s later only
    assert saved == [True, False, False, False, False, True, False]
    assert stored_position(viewer.user, title) == 10.0

    # WHEN the player pauses 1 s later
    viewer.now = T0 + 13
    assert viewer.report(title, 13.0, final=True)["saved"] is True
    # THEN the pause is written at once
    assert stored_position(viewer.user, title) == 13.0


def test_a_play_counts_once_across_duplicate_and_redelivered_reports(viewer):
    title = new_title()
    answers = watch(viewer, title, 30.0)
    assert [a["play_counted"] for a in answers] == [False, False, False, True]
    assert answers[-1]["plays"] == 1

    # WHEN the report that crossed the threshold is delivered again, then another heartbeat
    again = viewer.report(title, 30.0)
    viewer.now += 10
    later = viewer.report(title, 40.0)

    # THEN neither counts, in Redis or in Spanner
    assert (again["play_counted"], again["plays"]) == (False, 1)
    assert (later["play_counted"], later["plays"]) == (False, 1)
    assert plays_rows(title) == 1

    # WHEN the same viewer plays it again in a new session
    viewer.now += 60
    replay = watch(viewer, title, 30.0, session_id="s2")
    assert replay[-1]["play_counted"] is True
    assert replay[-1]["plays"] == 2
    assert plays_rows(title) == 2


def test_a_session_whose_redis_state_is_lost_does_not_count_again(viewer):
    title = new_title()
    assert watch(viewer, title, 30.0)[-1]["play_counted"] is True
    # GIVEN Redis lost the session and the counter (flushed, failed over)
    lost = [*redis_store.client().scan_iter(f"viewing:*{title}*")]
    assert len(lost) == 3  # session, last write, counter
    redis_store.client().delete(*lost)

    # WHEN the same session goes on playing
    viewer.now += 60
    answers = watch(viewer, title, 30.0)

    # THEN Spanner remembers it counted, and the counter is rebuilt from there
    assert [a["play_counted"] for a in answers] == [False, False, False, False]
    assert answers[-1]["plays"] == 1


def test_a_clip_counts_after_3_s_a_vod_title_after_30_s(viewer):
    clip, film = new_title(), new_title()
    counted: dict[str, list[bool]] = {clip: [], film: []}
    for title, kind in ((clip, "clip"), (film, "vod")):
        for t in (0.0, 1.5, 3.0, 4.0):
            viewer.now = T0 + t
            answer = viewer.report(title, t, kind=kind, duration_s=60.0)
            counted[title].append(answer["play_counted"])
    assert counted[clip] == [False, False, True, False]
    assert counted[film] == [False, False, False, False]


def test_seeking_to_the_end_does_not_count_a_play(viewer):
    title = new_title()
    answers = [viewer.report(title, 0.0)]
    for position in (600.0, 1800.0, 3500.0):
        viewer.now += 1
        answers.append(viewer.report(title, position))
    assert not any(a["play_counted"] for a in answers)
    assert plays_rows(title) == 0


def insert_vod(title: str, state: str = "READY", name: str = "A film", **extra: Any) -> None:
    row = {
        "TitleId": title,
        "Kind": "upload",
        "ChannelId": "ch-viewing-test",
        "Title": name,
        "SourceBucket": "uploads",
        "SourceKey": f"uploads/{title}.mp4",
        "State": state,
        "Attempts": 1,
        "Bucket": "liveclips-media",
        "MasterKey": f"vod/{title}/master.m3u8",
        "PosterKey": f"vod/{title}/poster.jpg",
        "DurationMs": 600_000,
        "CreatedAt": gspanner.COMMIT_TIMESTAMP,
        "UpdatedAt": gspanner.COMMIT_TIMESTAMP,
        **extra,
    }
    with spanner.database().batch() as batch:
        batch.insert("VodAssets", columns=tuple(row), values=[tuple(row.values())])


def listed(viewer: Viewer, **params: Any) -> list[dict[str, Any]]:
    response = viewer.get("/v1/me/continue-watching", **params)
    assert response.status_code == 200, response.text
    return list(response.json()["titles"])


def test_continue_watching_lists_ready_vod_titles_in_progress_newest_first(viewer):
    first, second, transcoding, barely, finished, clip = (new_title() for _ in range(6))
    for title in (first, second, barely, finished):
        insert_vod(title, name=f"film {title[:4]}")
    insert_vod(transcoding, state="TRANSCODING")
    insert_vod(clip)  # a VodAssets row, but watched as a clip: not a VOD title here

    # GIVEN a viewer part-way through several titles, one pause each
    for title, position, kind in (
        (first, 120.0, "vod"),
        (transcoding, 60.0, "vod"),
        (barely, 4.0, "vod"),
        (finished, 590.0, "vod"),
        (clip, 30.0, "clip"),
        (second, 300.0, "vod"),
    ):
        viewer.now += 1
        viewer.report(title, position, kind=kind, final=True, duration_s=600.0)
    # and someone else watching the first title
    viewer.as_user(f"other-{viewer.user}").report(first, 200.0, final=True)

    titles = listed(viewer)

    assert [t["title_id"] for t in titles] == [second, first]
    newest = titles[0]
    assert (newest["position_s"], newest["duration_s"], newest["fraction"]) == (300.0, 600.0, 0.5)
    assert newest["title"] == f"film {second[:4]}"
    assert newest["master_url"].endswith(f"/v1/vod/{second}/master.m3u8")
    assert f"vod/{second}/poster.jpg" in newest["poster_url"]
    assert "Signature" in newest["poster_url"]
    assert [t["title_id"] for t in listed(viewer, limit=1)] == [second]


def test_a_finished_title_drops_off_and_resumes_from_the_start(viewer):
    title = new_title()
    insert_vod(title)
    viewer.report(title, 300.0, final=True, duration_s=600.0)
    assert [t["title_id"] for t in listed(viewer)] == [title]

    viewer.now += 10
    viewer.report(title, 580.0, final=True, duration_s=600.0)  # 96.7 %: the credits

    assert listed(viewer) == []
    assert viewer.get(f"/v1/me/progress/{title}").json()["position_s"] == 0.0


def test_continue_watching_pages_follow_the_cursor_without_gaps_or_repeats(viewer):
    titles = [new_title() for _ in range(5)]
    for title in titles:
        insert_vod(title)
        viewer.now += 1
        viewer.report(title, 100.0, final=True, duration_s=600.0)

    first = viewer.get("/v1/me/continue-watching", limit=2).json()
    second = viewer.get("/v1/me/continue-watching", limit=2, cursor=first["next_cursor"]).json()
    rest = viewer.get("/v1/me/continue-watching", limit=2, cursor=second["next_cursor"]).json()

    paged = [t["title_id"] for page in (first, second, rest) for t in page["titles"]]
    assert paged == titles[::-1]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage!", "e30", "eyJhdCI6IngiLCJ0aXRsZSI6MX0"])
def test_a_cursor_the_api_did_not_issue_is_a_400(viewer, cursor):
    response = viewer.get("/v1/me/continue-watching", cursor=cursor)
    assert (response.status_code, response.json()["detail"]["code"]) == (400, "invalid_cursor")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer a.b.c"},
        {"Authorization": "Basic eDp5"},
    ],
)
@pytest.mark.parametrize("call", ["put", "get", "list"])
def test_a_missing_or_invalid_user_is_a_401(viewer, headers, call):
    title = new_title()
    if call == "put":
        response = viewer.put(title, {"position_s": 1.0}, headers=headers)
    elif call == "get":
        response = viewer.get(f"/v1/me/progress/{title}", headers=headers)
    else:
        response = viewer.get("/v1/me/continue-watching", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]["code"] in {"unauthenticated", "invalid_token"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"position_s": -1.0}, "position_s"),
        ({"position_s": 1.0, "duration_s": 0.0}, "duration_s"),
        ({"position_s": 1.0, "kind": "live"}, "kind"),
        ({"position_s": 1.0, "session_id": "a:b"}, "session_id"),
        ({"position_s": 1.0, "session_id": ""}, "session_id"),
        ({"position_s": 1.0, "watched_s": 999.0}, "watched_s"),
        ({}, "position_s"),
    ],
)
def test_a_bad_report_is_a_422_naming_the_field(viewer, body, field):
    response = viewer.put(new_title(), body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["code"] == "invalid_request"
    assert [problem["loc"] for problem in detail["errors"]] == [["body", field]]


@pytest.mark.parametrize("limit", [0, 51])
def test_a_bad_limit_is_a_422(viewer, limit):
    assert viewer.get("/v1/me/continue-watching", limit=limit).status_code == 422


def test_a_bad_title_id_is_a_422(viewer):
    assert viewer.put("x" * 37, {"position_s": 1.0}).status_code == 422
    assert viewer.get("/v1/me/progress/a:b").status_code == 422
