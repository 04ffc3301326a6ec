"""A moderator's hand on a channel's chat through the API in-process, IVS Chat being the
local stand-in: delete a message, disconnect a user; who may, and which room is whose."""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import chat_limits
from liveclips.api.app import app
from liveclips.contracts.chat import RoomRules
from tests.integration.studio_support import as_role, make_channel, user
from tests.support import bearer

pytestmark = pytest.mark.integration
_ALNUM = string.ascii_letters + string.digits


@pytest.fixture
def http(cloud) -> Iterator[TestClient]:
    yield TestClient(app)


def room_of(room_id: str) -> str:
    return f"arn:aws:ivschat:us-east-1:123456789012:room/{room_id}"


def message_id() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(12))


def told(room_arn: str) -> list[dict]:
    actions = httpx.get(f"{os.environ['AWS_ENDPOINT_URL_IVSCHAT']}/_actions").json()["actions"]
    return [a for a in actions if a["roomIdentifier"] == room_arn]


def test_the_owner_deletes_a_message_and_disconnects_its_author(http):
    owner = user()
    channel = make_channel(http, owner)["channel"]
    room, msg = room_of(channel["id"]), message_id()
    base = f"/v1/channels/{channel['id']}/chat"

    deleted = http.post(
        f"{base}/messages/{msg}/delete", json={"room_arn": room}, headers=bearer(owner, "creator")
    )
    gone = http.post(
        f"{base}/users/troll-9/disconnect",
        json={"room_arn": room, "reason": "Be kind"},
        headers=bearer(owner, "creator"),
    )

    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {
        "action": "delete", "room_arn": room, "message_id": msg, "user_id": None, "by": owner
    }  # fmt: skip
    assert gone.status_code == 200, gone.text
    assert told(room) == [
        {"operation": "DeleteMessage", "roomIdentifier": room, "id": msg,
         "reason": "Removed by a moderator"},
        {"operation": "DisconnectUser", "roomIdentifier": room, "userId": "troll-9",
         "reason": "Be kind"},
    ]  # fmt: skip


def test_the_content_team_may_on_any_channel_another_creator_may_not(http):
    channel = make_channel(http, user())["channel"]
    room = room_of(channel["id"])
    url = f"/v1/channels/{channel['id']}/chat/messages/{message_id()}/delete"

    other = http.post(url, json={"room_arn": room}, headers=as_role("creator"))
    viewer = http.post(url, json={"room_arn": room}, headers=as_role("viewer"))
    team = http.post(url, json={"room_arn": room}, headers=as_role("moderator"))

    assert other.status_code == 403 and viewer.status_code == 403
    assert team.status_code == 200, team.text
    assert len(told(room)) == 1


def test_only_the_channels_room_as_the_review_handler_decides_it(http):
    owner = user()
    channel = make_channel(http, owner)["channel"]
    named = room_of(f"R{secrets.token_hex(6)}")  # a room whose rules name the channel
    chat_limits.set_rules(named, RoomRules(channel_id=channel["id"]))
    base = f"/v1/channels/{channel['id']}/chat/messages"

    theirs = http.post(
        f"{base}/{message_id()}/delete", json={"room_arn": named}, headers=bearer(owner, "creator")
    )
    foreign = http.post(
        f"{base}/{message_id()}/delete",
        json={"room_arn": room_of("SomeoneElses1")},
        headers=bearer(owner, "creator"),
    )
    bad_id = http.post(
        f"{base}/not-an-ivs-id/delete",
        json={"room_arn": room_of(channel["id"])},
        headers=bearer(owner, "creator"),
    )
    missing = http.post(
        f"/v1/channels/nochannel404/chat/messages/{message_id()}/delete",
        json={"room_arn": room_of("nochannel404")},
        headers=as_role("moderator"),
    )

    assert theirs.status_code == 200, theirs.text
    assert foreign.status_code == 409 and foreign.json()["detail"]["code"] == "room_not_of_channel"
    assert bad_id.status_code == 422
    assert missing.status_code == 404
    assert told(room_of("SomeoneElses1")) == []
