"""The studio's IVS broadcaster (config.json "broadcaster": "ivs", production's) in real
chromium: the IVS Web Broadcast SDK (npm amazon-ivs-web-broadcast, served at
/vendor/ivs-broadcast/) loads, supports chromium, previews the fake camera on its canvas
and tries the channel's IVS ingest; with no IVS here the ingest is unreachable, and the
creator is told so on the page, with the stream key and the page kept for another try.

Locally the dev server's `config.json?broadcaster=ivs` (the page passes its own query on)
picks the IVS broadcaster; production's config.json is a static file that says "ivs".
Not testable here: a broadcast that IVS takes (connected, live, the stream's id), a
dropped WebRTC connection, IVS refusing the key (InvalidStreamKey)."""

from __future__ import annotations

import io
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageChops, ImageStat

from liveclips_dev.cli.browser_show import FakeMedia, create_channel, launch, sign_in
from tests.browser.conftest import recorded_keys, shot
from tests.support import bearer

pytestmark = pytest.mark.browser
WEBRTC = "https://*.webrtc.live-video.net:4443/**"  # where the SDK sends its WebRTC offer


def _as_ivs_names_it(channel: dict[str, Any]) -> dict[str, Any]:
    """The channel with the endpoint a real IVS channel has (moto's is ingest.example.com,
    which the SDK refuses as not IVS's)."""
    return {**channel, "ingest_endpoint": f"{channel['id']}.global-contribute.live-video.net"}


def _list_channels_as_ivs_names_them(page: Any) -> None:
    """The page's channel list with IVS-named endpoints; the create answer is left as the
    local cloud gives it."""

    def listed(route: Any) -> None:
        if route.request.method != "GET":
            route.continue_()
            return
        answer = route.fetch()
        body = answer.json()
        body["channels"] = [_as_ivs_names_it(c) for c in body["channels"]]
        route.fulfill(response=answer, body=json.dumps(body))

    page.route("**/api/v1/channels", listed)


def _preview(page: Any) -> Image.Image:
    return Image.open(io.BytesIO(page.locator("#ivs-preview").screenshot())).convert("L")


def _assert_the_preview_shows_the_camera(page: Any) -> None:
    """The SDK's canvas has a picture, and it moves (the fake camera plays a show)."""
    assert not page.is_hidden("#ivs-preview") and page.is_hidden("#preview")
    first = _preview(page)
    page.wait_for_timeout(1500)
    later = _preview(page)
    assert ImageStat.Stat(first).stddev[0] > 10, "the preview is blank"
    assert ImageChops.difference(first, later).getbbox() is not None, "the preview is still"


def _hold_the_webrtc_offers(page: Any) -> tuple[list[Any], list[Any]]:
    """The SDK's offers to IVS, unanswered until the test answers the routes."""
    offers: list[Any] = []
    held: list[Any] = []

    def hold(route: Any) -> None:
        offers.append(route.request)
        held.append(route)

    page.route(WEBRTC, hold)
    return offers, held


def _the_flag_is_the_dev_servers(page: Any) -> None:
    # The flag is the dev server's; without it the page broadcasts locally.
    configs = page.evaluate(
        """async () => [await (await fetch('config.json')).json(),
                        await (await fetch('config.json?broadcaster=ivs')).json()]"""
    )
    assert [c["broadcaster"] for c in configs] == ["local", "ivs"]


def _going_live_with_the_local_endpoint_is_refused(page: Any) -> None:
    """moto's ingest.example.com is not IVS's: the SDK refuses it before connecting."""
    page.click("#go-live")
    page.wait_for_selector("#studio[data-error=bad_endpoint]", timeout=30_000)
    message = page.text_content("#message") or ""
    assert message.startswith("Could not reach the IVS ingest"), message
    assert "ingest.example.com" in message and "IngestEndpointUrlError" in message
    assert page.evaluate("typeof IVSBroadcastClient") == "object"
    assert page.evaluate("IVSBroadcastClient.isSupported()") is True
    page.evaluate("document.getElementById('studio').removeAttribute('data-error')")


def _another_try_fails_the_same(page: Any) -> None:
    page.click("#go-live")
    page.wait_for_selector("#studio[data-error=ivs_unreachable]", timeout=45_000)
    assert (page.text_content("#message") or "").startswith("Could not reach the IVS ingest")


def test_the_ivs_broadcaster_previews_the_camera_and_says_when_ivs_cannot_be_reached(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api: Any, tmp_path: Path
) -> None:
    studio = cloud["LIVECLIPS_STUDIO_URL"]
    name = f"ivs-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", fake_media)
    try:
        page = context.new_page()

        _list_channels_as_ivs_names_them(page)
        offers, held = _hold_the_webrtc_offers(page)

        sign_in(page, f"{studio}/?broadcaster=ivs", "ivs-creator")
        create_channel(page, name)
        key = page.text_content("#stream-key-value")
        assert key
        _the_flag_is_the_dev_servers(page)

        # GIVEN the channel as the local cloud made it THEN the SDK refuses its endpoint
        _going_live_with_the_local_endpoint_is_refused(page)
        assert not offers
        shot(page, f"{name}-01-not-an-ivs-endpoint")

        # GIVEN the channel as IVS names it WHEN going live THEN the SDK previews the
        # camera and sends its offer to the channel's IVS ingest
        channel_id = page.get_attribute("#studio", "data-channel") or ""
        page.click(f"#channel-list button[data-channel='{channel_id}']")
        page.click("#go-live")
        deadline = time.monotonic() + 30
        while not held and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert held, "the SDK never tried the IVS ingest"
        # IVS's WebRTC host for the channel's ingest endpoint, as the SDK derives it
        offer = offers[0]
        assert offer.url.startswith(f"https://{channel_id.lower()}.webrtc.live-video.net:4443/")
        assert key in (offer.post_data or "") + json.dumps(offer.headers), "not the channel's key"
        assert f"{channel_id}.global-contribute.live-video.net" in (
            page.text_content("#status") or ""
        )
        _assert_the_preview_shows_the_camera(page)
        shot(page, f"{name}-02-connecting-to-ivs")

        # WHEN the ingest cannot be reached (no IVS here: as chromium finds no such host)
        for route in held:
            route.abort("namenotresolved")
        page.wait_for_selector("#studio[data-error=ivs_unreachable]", timeout=30_000)
        message = page.text_content("#message") or ""
        # THEN the creator is told, and nothing is lost: the key, the channel, Go live
        assert message.startswith("Could not reach the IVS ingest"), message
        assert f"{channel_id}.global-contribute.live-video.net" in message
        assert page.text_content("#stream-key-value") == key
        assert page.is_enabled("#go-live") and page.is_disabled("#stop")
        assert page.text_content("#studio-channel") == name
        shot(page, f"{name}-03-ivs-unreachable")
        page.evaluate("document.getElementById('studio').removeAttribute('data-error')")

        # AND going live again tries IVS again with the same key (chromium, unrouted)
        page.unroute(WEBRTC)
        _another_try_fails_the_same(page)
        mine = httpx.get(
            f"{cloud['LIVECLIPS_API_URL']}/v1/channels",
            headers=bearer("ivs-creator", "creator"),
            timeout=30,
        )
        channel = next(c for c in mine.json()["channels"] if c["id"] == channel_id)
        assert recorded_keys(channel) == []
    finally:
        context.close()
