"""The creator chats from the studio: the page joins its channel's IVS Chat room (a chat
token from the API, then IVS Chat's messaging WebSocket, the protocol module shared with
the viewer app, web/shared/ivschat.js). What the creator posts reaches a viewer's page;
a message the review handler denies reaches nobody, and the creator is told beside it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from liveclips_dev.cli.browser_show import create_channel, launch, sign_in
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_the_creator_posts_in_chat_and_a_denied_message_is_told_not_sent(
    cloud: dict[str, str], playwright_api: Any, tmp_path: Path
) -> None:
    studio = cloud["LIVECLIPS_STUDIO_URL"].rstrip("/")
    name = f"talk-{uuid.uuid4().hex[:6]}"
    creator = f"host-{uuid.uuid4().hex[:4]}"
    host_browser = launch(playwright_api, tmp_path / "host", None)
    viewer_browser = launch(playwright_api, tmp_path / "viewer", None)
    try:
        host = host_browser.new_page()
        sign_in(host, studio, creator)
        create_channel(host, name)
        host.wait_for_selector("#studio[data-chat=joined]", timeout=20_000)
        channel_id = host.get_attribute("#studio", "data-channel")

        viewer = viewer_browser.new_page()
        viewer.goto(f"{studio}/viewer/#/live/{channel_id}")
        viewer.wait_for_selector("body[data-ready=true]")
        viewer.fill("#signin input[name=user]", "fan-1")
        viewer.click("#sign-in")
        viewer.wait_for_selector("#chat-box[data-joined=true]", timeout=20_000)

        # WHEN the creator posts THEN the viewer sees it, and the creator's line is sent
        host.fill("#say input[name=text]", "welcome to the show!")
        host.press("#say input[name=text]", "Enter")
        viewer.wait_for_selector(
            f"#chat li[data-user='{creator}']:has-text('welcome to the show!')"
        )
        host.wait_for_selector(f"#chat li[data-message][data-user='{creator}']:has-text('welcome')")
        assert host.locator("#chat li.pending").count() == 0

        # WHEN the creator posts a link (every room's baseline rules deny links)
        host.fill("#say input[name=text]", "free followers at http://spam.example.com")
        host.press("#say input[name=text]", "Enter")
        # THEN the creator is told beside the message
        refused = host.locator("#chat li.refused[data-refused='406']")
        refused.wait_for(timeout=20_000)
        assert "spam.example.com" in (refused.text_content() or "")
        assert "not sent: it breaks the chat rules" in (refused.text_content() or "")

        # AND it reaches nobody: a later message arrives, the denied one would have by now
        host.fill("#say input[name=text]", "ok, back to the game")
        host.press("#say input[name=text]", "Enter")
        viewer.wait_for_selector(f"#chat li[data-user='{creator}']:has-text('back to the game')")
        assert "spam.example.com" not in (viewer.text_content("#chat") or "")
        assert viewer.locator(f"#chat li[data-user='{creator}']").count() == 2

        # AND a viewer's message reaches the studio once, though it comes both from the
        # room and from the review's event (which adds its verdict)
        viewer.fill("#say input[name=text]", "hi host")
        viewer.press("#say input[name=text]", "Enter")
        line = host.locator("#chat li[data-user='fan-1'][data-review=allowed]:has-text('hi host')")
        line.wait_for(timeout=30_000)
        assert host.locator("#chat li:has-text('hi host')").count() == 1
        shot(host, f"{name}-01-studio-chat")
        shot(viewer, f"{name}-02-viewer-chat")
    finally:
        host_browser.close()
        viewer_browser.close()
