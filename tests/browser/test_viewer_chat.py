"""Two viewers in the viewer app join a show's chat (a chat token each, IVS Chat's
messaging WebSocket on the local stand-in): what one sends reaches the other after the
review handler let it through; a message the review handler denies reaches nobody, and
its sender is told why."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot
from tests.support import bearer

pytestmark = pytest.mark.browser


def _channel(api: str, name: str) -> str:
    host = bearer("chat-host", "creator")
    answer = httpx.post(f"{api}/v1/channels", json={"name": name}, headers=host, timeout=30)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["channel"]["id"])


def _viewer(context, url: str, user: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#signin input[name=user]", user)
    page.click("#sign-in")
    page.wait_for_selector("#chat-box[data-joined=true]", timeout=20_000)
    return page


def test_two_viewers_chat_and_a_denied_message_reaches_nobody(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    channel_id = _channel(cloud["LIVECLIPS_API_URL"], f"vchat-{uuid.uuid4().hex[:6]}")
    url = f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/live/{channel_id}"
    one = launch(playwright_api, tmp_path / "one", None)
    two = launch(playwright_api, tmp_path / "two", None)
    try:
        alice = _viewer(one, url, "alice")
        bob = _viewer(two, url, "bob")
        shot(alice, "viewer-chat-01-joined")

        alice.fill("#say input[name=text]", "what a play!")
        alice.press("#say input[name=text]", "Enter")
        bob.wait_for_selector("#chat li[data-user=alice]:has-text('what a play!')")
        alice.wait_for_selector("#chat li[data-user=alice]:has-text('what a play!')")

        # Links are denied by every room's baseline rules (liveclips/domain/chat_rules.py).
        alice.fill("#say input[name=text]", "free followers at http://spam.example.com")
        alice.press("#say input[name=text]", "Enter")
        alice.wait_for_selector("#chat li.refused[data-refused='406']")
        assert "breaks the chat rules" in alice.text_content("#chat li.refused")
        # A later allowed message arrives, so the denied one would have by now.
        bob.fill("#say input[name=text]", "gg")
        bob.press("#say input[name=text]", "Enter")
        alice.wait_for_selector("#chat li[data-user=bob]:has-text('gg')")
        bob.wait_for_selector("#chat li[data-user=bob]:has-text('gg')")
        assert "spam.example.com" not in bob.text_content("#chat")
        assert bob.locator("#chat li[data-user=alice]").count() == 1
        shot(alice, "viewer-chat-02-alice")
        shot(bob, "viewer-chat-03-bob")
    finally:
        one.close()
        two.close()


def test_a_forged_or_expired_chat_token_is_refused(cloud: dict[str, str]) -> None:
    from liveclips_dev.localcloud.ivschat_ws import BadToken, issue_token, read_token  # noqa: PLC0415

    made = issue_token(
        "arn:aws:ivschat:us-east-1:123456789012:room/abc",
        user_id="u",
        capabilities=["SEND_MESSAGE"],
        session_minutes=1,
        attributes={},
        now=0.0,
    )
    with pytest.raises(BadToken, match="expired"):
        read_token(made["token"])
    with pytest.raises(BadToken, match="not a chat token"):
        read_token(made["token"][:-2] + "xx")


def test_chat_token_capabilities_follow_the_role(cloud: dict[str, str]) -> None:
    api = cloud["LIVECLIPS_API_URL"]
    channel_id = _channel(api, f"vcaps-{uuid.uuid4().hex[:6]}")
    # The room is made with the channel, named after it.
    from liveclips.adapters import ivschat_rooms  # noqa: PLC0415

    rooms = ivschat_rooms.client().list_rooms(name=channel_id)["rooms"]
    assert [r["id"] for r in rooms] == [channel_id]
    path = f"{api}/v1/channels/{channel_id}/chat-token"
    body = {"session_duration_minutes": 30}
    viewer = httpx.post(path, json=body, headers=bearer("v1", "viewer"), timeout=30).json()
    team = httpx.post(path, json=body, headers=bearer("m1", "moderator"), timeout=30).json()
    host = httpx.post(path, json={}, headers=bearer("chat-host", "creator"), timeout=30).json()
    assert viewer["capabilities"] == ["SEND_MESSAGE"]
    assert set(team["capabilities"]) == {"SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"}
    assert set(host["capabilities"]) == set(team["capabilities"])
    assert viewer["room_arn"] == team["room_arn"] == host["room_arn"]
    assert viewer["room_arn"].endswith(f"room/{channel_id}")
    too_long = httpx.post(
        path, json={"session_duration_minutes": 181}, headers=bearer("v1"), timeout=30
    )
    assert too_long.status_code in (400, 422)
    missing = httpx.post(
        f"{api}/v1/channels/nothere404/chat-token", json={}, headers=bearer("v1"), timeout=30
    )
    assert missing.status_code == 404


def test_a_moderators_delete_and_disconnect_reach_the_viewers_pages(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    api = cloud["LIVECLIPS_API_URL"]
    channel_id = _channel(api, f"vmod-{uuid.uuid4().hex[:6]}")
    url = f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/live/{channel_id}"
    one = launch(playwright_api, tmp_path / "one", None)
    two = launch(playwright_api, tmp_path / "two", None)
    try:
        carol = _viewer(one, url, "carol")
        dave = _viewer(two, url, "dave")
        dave.fill("#say input[name=text]", "this one goes")
        dave.press("#say input[name=text]", "Enter")
        sent = carol.wait_for_selector("#chat li[data-user=dave]:has-text('this one goes')")
        message_id = sent.get_attribute("data-message")
        room_arn = f"arn:aws:ivschat:us-east-1:123456789012:room/{channel_id}"
        team = bearer("content-team", "moderator")
        chat = f"{api}/v1/channels/{channel_id}/chat"

        # WHEN the content team deletes it (IVS Chat DeleteMessage) THEN every page drops it
        deleted = httpx.post(
            f"{chat}/messages/{message_id}/delete", json={"room_arn": room_arn}, headers=team,
            timeout=30,
        )  # fmt: skip
        assert deleted.status_code == 200, deleted.text
        for page in (carol, dave):
            page.wait_for_selector(f"#chat li.deleted[data-message='{message_id}']")
        assert "this one goes" not in carol.text_content("#chat")

        # WHEN they disconnect dave THEN his page says so and carol stays in
        gone = httpx.post(
            f"{chat}/users/dave/disconnect", json={"room_arn": room_arn}, headers=team, timeout=30
        )
        assert gone.status_code == 200, gone.text
        dave.wait_for_selector("#chat-box[data-joined=false]")
        assert "removed from the chat" in dave.text_content("#chat-status")
        assert carol.get_attribute("#chat-box", "data-joined") == "true"
        shot(dave, "viewer-chat-04-disconnected")
    finally:
        one.close()
        two.close()
