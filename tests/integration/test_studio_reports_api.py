"""What creators see of their channels (their clips, taken-down ones with the reason, the
daily rollups) and what everyone sees live now (with playback tokens for private
channels), in-process on the local cloud."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from fastapi.testclient import TestClient
from google.cloud import spanner as gspanner

from liveclips.adapters import redis_store, spanner, spanner_analytics, spanner_programs
from liveclips.adapters.config import settings
from liveclips.api.app import app
from liveclips.domain.access import Role
from liveclips.domain.programs import Program
from tests.integration.studio_support import ROLES, as_role, go_live, make_channel, user
from tests.support import bearer

pytestmark = pytest.mark.integration


@pytest.fixture
def http(cloud) -> Iterator[TestClient]:
    yield TestClient(app)


def clipped(http, quiet_show) -> tuple[str, dict, list[dict]]:
    """A creator whose live stream (the quiet show's media) got two manual clips."""
    owner = user()
    channel = make_channel(http, owner)["channel"]
    stream_id = go_live(channel, in_ivs=False)
    spanner.apply_recording_change(
        recording_id=f"rec{uuid.uuid4().hex[:12]}", channel_id=channel["id"],
        stream_id=stream_id, bucket=quiet_show.broadcast.bucket,
        key_prefix=quiet_show.broadcast.recording_prefix, change="started",
        at=datetime.now(UTC) - timedelta(seconds=12),
    )  # fmt: skip
    clips = []
    for last_s in (5, 8):
        answer = http.post(f"/v1/streams/{stream_id}/clips", json={"last_s": last_s},
                           headers=bearer(owner, "creator"))  # fmt: skip
        assert answer.status_code == 202, answer.text
        clips.append(answer.json())
    return owner, channel, clips


def studio_clips(http, headers, **params) -> dict:
    answer = http.get("/v1/studio/clips", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_creator_pages_through_their_clips_and_sees_take_downs(http, quiet_show):
    owner, channel, clips = clipped(http, quiet_show)
    mine = bearer(owner, "creator")

    first = studio_clips(http, mine, limit=1)
    second = studio_clips(http, mine, limit=1, cursor=first["next_cursor"])
    taken = http.post(f"/v1/clips/{clips[0]['clip_id']}/takedown",
                      json={"reason": "music rights"}, headers=as_role(Role.MODERATOR))  # fmt: skip
    after = {c["id"]: c for c in studio_clips(http, mine, limit=100)["clips"]}

    seen = [c["id"] for c in first["clips"] + second["clips"]]
    assert sorted(seen) == sorted(c["clip_id"] for c in clips)
    assert first["clips"][0]["channel_id"] == channel["id"]
    assert first["clips"][0]["state"] in ("RENDERING", "PUBLISHED")
    assert taken.status_code == 200, taken.text
    assert taken.json()["reason"] == "music rights" and clips[0]["clip_id"] in taken.json()[
        "hidden_clip_ids"
    ]  # fmt: skip
    hidden, kept = after[clips[0]["clip_id"]], after[clips[1]["clip_id"]]
    assert (hidden["hidden"], hidden["hidden_reason"]) == (True, "music rights")
    assert (kept["hidden"], kept["hidden_reason"]) == (False, None)


def test_other_creators_clips_are_not_in_my_studio(http, quiet_show):
    owner, channel, clips = clipped(http, quiet_show)
    other = as_role(Role.CREATOR)

    theirs = studio_clips(http, other, limit=100)
    peek = http.get("/v1/studio/clips", params={"channel_id": channel["id"]}, headers=other)
    admin = studio_clips(http, as_role(Role.ADMIN), channel_id=channel["id"])

    assert theirs == {"clips": [], "next_cursor": None}
    assert peek.status_code == 403 and peek.json()["detail"]["code"] == "forbidden"
    assert {c["id"] for c in admin["clips"]} == {c["clip_id"] for c in clips}
    assert owner


@pytest.mark.parametrize("role", ROLES)
def test_take_downs_are_the_content_teams(http, role):
    answer = http.post(
        "/v1/clips/00000000-0000-4000-8000-000000000000/takedown",
        json={"reason": "spam"},
        headers=as_role(role),
    )
    if role in (Role.MODERATOR, Role.ADMIN):
        assert (answer.status_code, answer.json()["detail"]["code"]) == (404, "clip_not_found")
    else:
        assert (answer.status_code, answer.json()["detail"]["code"]) == (403, "forbidden")
    assert http.post("/v1/clips/x/takedown", json={"reason": "spam"}).status_code == 401


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 501}])
def test_a_take_down_needs_a_reason(http, body):
    answer = http.post("/v1/clips/abc/takedown", json=body, headers=as_role(Role.MODERATOR))
    assert answer.status_code == 422


@pytest.mark.parametrize("path", ["/v1/studio/clips", "/v1/studio/analytics"])
@pytest.mark.parametrize("role", ROLES)
def test_the_studio_reports_are_for_creators_and_admins(http, path, role):
    answer = http.get(path, headers=as_role(role))
    assert answer.status_code == (200 if role in (Role.CREATOR, Role.ADMIN) else 403)
    assert http.get(path).status_code == 401


def analytics_rows(rows: list[tuple]) -> None:
    config = settings()
    client = gspanner.Client(project=config.gcp_project)
    database = client.instance(config.spanner_instance).database(config.analytics_database)
    columns = ("channel_id", "day", "watch_seconds", "peak_viewers", "clip_plays", "clip_shares")
    with database.batch() as batch:
        batch.insert_or_update("creator_daily", columns=columns, values=rows)


def test_analytics_add_up_the_creators_channels_per_day(http):
    owner = user()
    one, two = (make_channel(http, owner)["channel"]["id"] for _ in range(2))
    stranger = make_channel(http, user())["channel"]["id"]
    today = datetime.now(UTC).date()
    analytics_rows([
        (one, today, 7200.0, 40, 100, 5), (two, today, 3600.0, 90, 20, 1),
        (one, today - timedelta(days=1), 1800.0, 10, 3, 0),
        (one, today - timedelta(days=10), 99999.0, 999, 999, 999),  # outside 7 days
        (stranger, today, 5000.0, 500, 500, 500),
    ])  # fmt: skip

    body = http.get("/v1/studio/analytics", params={"days": 7},
                    headers=bearer(owner, "creator")).json()  # fmt: skip
    one_only = http.get("/v1/studio/analytics", params={"channel_id": one, "days": 1},
                        headers=bearer(owner, "creator")).json()  # fmt: skip

    assert sorted(body["channel_ids"]) == sorted([one, two])
    assert body["until"] == today.isoformat()
    assert body["since"] == (today - timedelta(days=6)).isoformat()
    assert body["days"] == [
        {"day": (today - timedelta(days=1)).isoformat(), "watch_hours": 0.5, "peak_viewers": 10,
         "clip_plays": 3, "clip_shares": 0},
        {"day": today.isoformat(), "watch_hours": 3.0, "peak_viewers": 90, "clip_plays": 120,
         "clip_shares": 6},
    ]  # fmt: skip
    assert body["totals"] == {
        "watch_hours": 3.5, "peak_viewers": 90, "clip_plays": 123, "clip_shares": 6
    }  # fmt: skip
    assert one_only["totals"]["watch_hours"] == 2.0


def test_analytics_of_another_creators_channel_are_forbidden_but_not_to_admins(http):
    channel_id = make_channel(http, user())["channel"]["id"]
    mine = http.get("/v1/studio/analytics", params={"channel_id": channel_id},
                    headers=as_role(Role.CREATOR))  # fmt: skip
    admin = http.get("/v1/studio/analytics", params={"channel_id": channel_id},
                     headers=as_role(Role.ADMIN))  # fmt: skip
    assert mine.status_code == 403 and admin.status_code == 200
    for days in (0, 91):
        bad = http.get("/v1/studio/analytics", params={"days": days}, headers=as_role(Role.ADMIN))
        assert bad.status_code == 422


def test_spanner_analytics_reads_nothing_for_no_channels():
    assert spanner_analytics.creator_days([], date(2025, 1, 1), date(2025, 1, 2)) == []


def walk_live(http, headers, wanted: set[str], limit: int = 2) -> dict[str, dict]:
    """Pages of /v1/live until every wanted stream was seen (or the end)."""
    found: dict[str, dict] = {}
    cursor = None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = http.get("/v1/live", params=params, headers=headers).json()
        for stream in page["streams"]:
            assert stream["stream_id"] not in found  # no page repeats a stream
            found[stream["stream_id"]] = stream
        cursor = page["next_cursor"]
        if cursor is None or (wanted and wanted <= set(found)):
            return found


def test_live_now_lists_streams_with_their_show_viewers_and_playback(http):
    owner = user()
    public = make_channel(http, owner, name="open-show")["channel"]
    private = make_channel(http, owner, name="members-only", private=True)["channel"]
    public_stream = go_live(public, in_ivs=False, started_ago_s=30)
    private_stream = go_live(private, in_ivs=False, started_ago_s=20)
    now = datetime.now(UTC)
    spanner_programs.add(
        Program(public["id"], str(uuid.uuid4()), "Morning show", ("talk",),
                now - timedelta(minutes=5), now + timedelta(minutes=55)),
        created_by=owner,
    )  # fmt: skip
    redis_store.live_viewers_seen(
        [(public_stream, f"s{i}", time.time()) for i in range(3)], left=[]
    )

    found = walk_live(http, as_role(Role.VIEWER), {public_stream, private_stream})

    shown = found[public_stream]
    assert (shown["channel_name"], shown["program_title"], shown["viewers"]) == (
        "open-show", "Morning show", 3
    )  # fmt: skip
    assert shown["playback_url"] == public["playback_url"] and not shown["private"]
    locked = found[private_stream]
    assert locked["program_title"] is None and locked["private"]
    url, token = locked["playback_url"].split("?token=")
    assert url == private["playback_url"]
    pem = settings().ivs_playback_private_key.replace("\\n", "\n").encode()
    public_key = load_pem_private_key(pem, password=None).public_key()
    claims = jwt.decode(token, public_key, algorithms=["ES384"])
    assert claims["aws:channel-arn"] == private["arn"]
    assert claims["aws:access-control-allow-origin"] == "*"
    assert 0 < claims["exp"] - time.time() <= settings().ivs_playback_token_ttl_s
    assert list(found).index(private_stream) < list(found).index(public_stream)  # newest first


def test_live_now_of_one_channel_is_its_stream_alone(http):
    # GIVEN two channels on air (a page that went live through IVS asks for its own)
    owner = user()
    first, second = (make_channel(http, owner)["channel"] for _ in range(2))
    first_stream = go_live(first, in_ivs=False, started_ago_s=10)
    go_live(second, in_ivs=False, started_ago_s=5)
    headers = as_role(Role.CREATOR, owner)

    only = http.get("/v1/live", params={"channel_id": first["id"]}, headers=headers).json()
    off_air = make_channel(http, owner)["channel"]["id"]
    none = http.get("/v1/live", params={"channel_id": off_air}, headers=headers).json()
    bad = http.get("/v1/live", params={"channel_id": "../x"}, headers=headers)

    assert [s["stream_id"] for s in only["streams"]] == [first_stream]
    assert none["streams"] == []
    assert bad.status_code == 422


@pytest.mark.parametrize("role", ROLES)
def test_live_now_is_for_anyone_signed_in(http, role):
    assert http.get("/v1/live", headers=as_role(role)).status_code == 200
    assert http.get("/v1/live").status_code == 401


def test_an_ended_stream_leaves_live_now(http):
    channel = make_channel(http, user())["channel"]
    stream_id = go_live(channel, in_ivs=False)
    spanner.apply_stream_change(
        stream_id=stream_id, channel_id=channel["id"], change="ended", at=datetime.now(UTC)
    )
    found = walk_live(http, as_role(Role.VIEWER), set(), limit=100)
    assert stream_id not in found
