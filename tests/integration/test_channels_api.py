"""Creators' channels through the API in-process, IVS being the local stand-in in front
of moto: creation, listing, ownership, stream-key rotation and the program schedule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import ivs, spanner, spanner_programs
from liveclips.api.app import app
from liveclips.domain.access import Role
from tests.integration.studio_support import ROLES, as_role, make_channel, user
from tests.support import bearer

pytestmark = pytest.mark.integration
SOON = datetime.now(UTC) + timedelta(days=30)
H = timedelta(hours=1)


@pytest.fixture
def http(cloud) -> Iterator[TestClient]:
    yield TestClient(app)


def headers_of(who: Role | str | None, owner: str) -> dict[str, str]:
    """The channel's owner, another creator, someone of a role, or nobody (no token)."""
    if who is None:
        return {}
    if who == "owner":
        return bearer(owner, "creator")
    return as_role(Role.CREATOR if who == "other" else who)


def channel_row(channel_id: str) -> dict:
    return spanner.rows_by_column("SELECT * FROM Channels WHERE ChannelId = @id", id=channel_id)[0]


def test_a_creator_makes_a_channel_in_ivs_and_sees_its_key_once(http):
    owner = user()

    made = make_channel(http, owner, name="ana-live", latency_mode="NORMAL", private=False)

    channel, key = made["channel"], made["stream_key"]
    in_ivs = ivs.client().get_channel(arn=channel["arn"])["channel"]
    assert in_ivs["tags"] == {"owner": owner} and in_ivs["latencyMode"] == "NORMAL"
    assert (channel["name"], channel["owner_user_id"], channel["private"]) == (
        "ana-live", owner, False
    )  # fmt: skip
    assert channel["ingest_server"] == f"rtmps://{in_ivs['ingestEndpoint']}:443/app/"
    assert key.startswith("sk_")
    row = channel_row(channel["id"])
    assert row["StreamKeyArn"] == ivs.stream_key_arns(channel["arn"])[0]
    assert key not in {str(v) for v in row.values()}  # only the key's ARN is stored
    again = http.get(f"/v1/channels/{channel['id']}", headers=bearer(owner, "creator")).json()
    assert "stream_key" not in again and again["arn"] == channel["arn"]


def test_a_private_channel_needs_playback_authorization_in_ivs(http):
    channel = make_channel(http, user(), private=True)["channel"]
    assert ivs.client().get_channel(arn=channel["arn"])["channel"]["authorized"] is True
    assert channel["private"] is True


@pytest.mark.parametrize(
    "body",
    [{"name": "has space"}, {"name": ""}, {"name": "x" * 129}, {"name": "ok", "type": "PREMIUM"},
     {"name": "ok", "latency_mode": "FAST"}, {"name": "ok", "owner": "someone-else"}],
)  # fmt: skip
def test_bad_channel_requests_are_422_naming_the_field(http, body):
    answer = http.post("/v1/channels", json=body, headers=as_role(Role.CREATOR))
    assert answer.status_code == 422
    assert answer.json()["detail"]["code"] == "invalid_request"


@pytest.mark.parametrize("role", ROLES)
def test_only_creators_and_admins_make_channels(http, role):
    answer = http.post("/v1/channels", json={"name": "by-role"}, headers=as_role(role))
    expected = 201 if role in (Role.CREATOR, Role.ADMIN) else 403
    assert answer.status_code == expected, answer.text
    assert http.post("/v1/channels", json={"name": "anon"}).status_code == 401


def test_a_creator_lists_their_own_channels_page_by_page(http):
    owner, other = user(), user()
    mine = [make_channel(http, owner)["channel"]["id"] for _ in range(3)]
    make_channel(http, other)

    seen, cursor = [], None
    for _ in range(3):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = http.get("/v1/channels", params=params, headers=bearer(owner, "creator")).json()
        seen += [c["id"] for c in page["channels"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == list(reversed(mine))  # newest first, nothing repeated or skipped
    assert all(c == owner for c in [channel_row(i)["OwnerUserId"] for i in seen])


def test_an_admin_lists_every_creators_channels(http):
    made = make_channel(http, user())["channel"]["id"]
    page = http.get("/v1/channels", params={"limit": 100}, headers=as_role(Role.ADMIN)).json()
    ids, cursor = [c["id"] for c in page["channels"]], page["next_cursor"]
    while made not in ids and cursor:
        page = http.get(
            "/v1/channels", params={"limit": 100, "cursor": cursor}, headers=as_role(Role.ADMIN)
        ).json()
        ids, cursor = ids + [c["id"] for c in page["channels"]], page["next_cursor"]
    assert made in ids


@pytest.mark.parametrize("cursor", ["not-base64!", "eyJ4IjoxfQ", "W10"])
def test_a_cursor_the_api_did_not_give_is_a_400(http, cursor):
    answer = http.get("/v1/channels", params={"cursor": cursor}, headers=as_role(Role.CREATOR))
    assert answer.status_code == 400 and answer.json()["detail"]["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("other", 403), (Role.ADMIN, 200), (Role.MODERATOR, 403),
     (Role.VIEWER, 403), (None, 401)],
)  # fmt: skip
def test_a_channel_is_its_owners_and_admins(http, who, status):
    owner = user()
    channel = make_channel(http, owner)["channel"]
    headers = headers_of(who, owner)

    shown = http.get(f"/v1/channels/{channel['id']}", headers=headers)
    rotated = http.post(f"/v1/channels/{channel['id']}/stream-key", headers=headers)

    assert (shown.status_code, rotated.status_code) == (status, status), rotated.text
    if status == 403:
        assert shown.json()["detail"]["code"] == rotated.json()["detail"]["code"] == "forbidden"


def test_an_unknown_channel_is_a_404(http):
    for answer in (
        http.get("/v1/channels/NoSuchChan1", headers=as_role(Role.CREATOR)),
        http.post("/v1/channels/NoSuchChan1/stream-key", headers=as_role(Role.ADMIN)),
        http.get("/v1/channels/NoSuchChan1/programs", headers=as_role(Role.CREATOR)),
    ):
        assert answer.status_code == 404 and answer.json()["detail"]["code"] == "channel_not_found"


def test_rotating_the_stream_key_replaces_it_in_ivs(http):
    owner = user()
    made = make_channel(http, owner)
    channel, old_key = made["channel"], made["stream_key"]
    old_arn = channel_row(channel["id"])["StreamKeyArn"]

    answer = http.post(f"/v1/channels/{channel['id']}/stream-key", headers=bearer(owner, "creator"))

    assert answer.status_code == 200, answer.text
    new_key = answer.json()["stream_key"]
    assert new_key != old_key and new_key.startswith("sk_")
    new_arn = channel_row(channel["id"])["StreamKeyArn"]
    assert ivs.stream_key_arns(channel["arn"]) == [new_arn] and new_arn != old_arn


def program(http, channel_id: str, owner: str, **body):
    payload = {"title": "Morning show", "tags": ["talk"], "starts_at": SOON.isoformat(),
               "duration_s": 3600, **body}  # fmt: skip
    return http.post(
        f"/v1/channels/{channel_id}/programs", json=payload, headers=bearer(owner, "creator")
    )


def test_programs_are_scheduled_listed_in_order_and_name_the_show_on_air(http):
    owner = user()
    channel_id = make_channel(http, owner)["channel"]["id"]
    later = program(http, channel_id, owner, title="Evening", starts_at=(SOON + 2 * H).isoformat())
    first = program(http, channel_id, owner, title=" Morning ", tags=["talk", "talk", "news"])
    back_to_back = program(http, channel_id, owner, title="Noon", starts_at=(SOON + H).isoformat())

    assert [a.status_code for a in (later, first, back_to_back)] == [201, 201, 201]
    assert first.json()["title"] == "Morning" and first.json()["tags"] == ["talk", "news"]
    page = http.get(f"/v1/channels/{channel_id}/programs", params={"limit": 2},
                    headers=bearer(owner, "creator")).json()  # fmt: skip
    rest = http.get(f"/v1/channels/{channel_id}/programs",
                    params={"limit": 2, "cursor": page["next_cursor"]},
                    headers=bearer(owner, "creator")).json()  # fmt: skip
    assert [p["title"] for p in page["programs"] + rest["programs"]] == [
        "Morning", "Noon", "Evening"
    ]  # fmt: skip
    assert rest["next_cursor"] is None
    on_air = spanner_programs.program_at(channel_id, SOON + H + timedelta(minutes=5))
    assert on_air is not None and on_air.title == "Noon"
    assert spanner_programs.program_at(channel_id, SOON - timedelta(seconds=1)) is None


@pytest.mark.parametrize(
    ("starts", "duration_s"),
    [(SOON + H / 2, 3600), (SOON - H / 2, 3600), (SOON - H, 3 * 3600), (SOON + H / 4, 60)],
)
def test_an_overlapping_program_is_a_409(http, starts, duration_s):
    owner = user()
    channel_id = make_channel(http, owner)["channel"]["id"]
    assert program(http, channel_id, owner).status_code == 201

    clash = program(http, channel_id, owner, starts_at=starts.isoformat(), duration_s=duration_s)

    assert clash.status_code == 409 and clash.json()["detail"]["code"] == "program_overlaps"
    assert "Morning show" in clash.json()["detail"]["message"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"starts_at": (datetime.now(UTC) - H).isoformat()}, "invalid_program"),
        ({"starts_at": "2030-01-01T10:00:00"}, "invalid_request"),  # no time zone
        ({"duration_s": 12 * 3600 + 1}, "invalid_request"),
        ({"duration_s": 0}, "invalid_request"),
        ({"title": "x" * 121}, "invalid_request"),
        ({"title": "   "}, "invalid_request"),
        ({"tags": [f"t{i}" for i in range(11)]}, "invalid_request"),
        ({"tags": ["x" * 33]}, "invalid_request"),
    ],
)
def test_a_program_that_breaks_the_rules_is_a_422(http, change, code):
    owner = user()
    channel_id = make_channel(http, owner)["channel"]["id"]
    answer = program(http, channel_id, owner, **change)
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == code


@pytest.mark.parametrize(
    ("who", "status"),
    [("other", 403), (Role.ADMIN, 201), (Role.MODERATOR, 403), (Role.VIEWER, 403), (None, 401)],
)
def test_programs_are_the_channel_owners_and_admins(http, who, status):
    owner = user()
    channel_id = make_channel(http, owner)["channel"]["id"]
    headers = headers_of(who, owner)
    body = {"title": "t", "starts_at": SOON.isoformat(), "duration_s": 60}

    made = http.post(f"/v1/channels/{channel_id}/programs", json=body, headers=headers)
    listed = http.get(f"/v1/channels/{channel_id}/programs", headers=headers)

    assert made.status_code == status, made.text
    assert listed.status_code == (200 if status == 201 else status)
