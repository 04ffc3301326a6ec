"""The web studio in a real browser against the whole local cloud: sign in, create a
channel, go live from the page with the (fake) camera and microphone, press "Clip that",
and see that clip and the planted moment's clip pushed to the page; and the creator's
messages for a revoked key, a denied camera and an ingest that is down."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from liveclips.adapters import s3
from liveclips.adapters.config import settings
from liveclips_dev.cli.browser_show import FakeMedia, launch
from tests.browser.conftest import shot, wait_for_ended_recording
from tests.support import bearer

pytestmark = pytest.mark.browser
SHOW_S = 42.0  # past the planted moment's end (26-30 s) and its segment's end
CLIPS_TIMEOUT_S = 180


def _approver(api: str, stop: threading.Event) -> None:
    """The content team approves every marquee highlight that waits for a person."""
    headers = bearer("content-team", "moderator")
    with httpx.Client(base_url=api, headers=headers, timeout=10) as http:
        while not stop.wait(2):
            for waiting in http.get("/v1/highlights/pending").json():
                http.post(f"/v1/highlights/{waiting['id']}/approve")


@pytest.fixture
def approving(cloud: dict[str, str]) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=_approver, args=(cloud["LIVECLIPS_API_URL"], stop))
    thread.start()
    yield
    stop.set()
    thread.join()


def _sign_in_and_create(page, studio_url: str, user: str, channel: str) -> None:
    page.goto(studio_url)
    page.wait_for_selector("body[data-ready=true]")
    shot(page, f"{channel}-01-sign-in")
    page.fill("input[name=user]", user)
    page.click("#sign-in")
    page.wait_for_selector("#channels:not([hidden])")
    page.fill("input[name=name]", channel)
    page.click("#create")
    page.wait_for_selector("#stream-key:not([hidden])")
    page.wait_for_selector("#studio[data-events=ready]")
    shot(page, f"{channel}-02-channel-created")


def _items(page, list_id: str) -> list[dict[str, str]]:
    return page.eval_on_selector_all(f"#{list_id} li", "els => els.map(e => ({...e.dataset}))")


def test_go_live_from_the_page_clip_that_and_see_the_clips_arrive(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api, tmp_path: Path, approving
) -> None:
    channel = f"web-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", fake_media)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "web-creator", channel)

        # WHEN the creator goes live from the page
        page.click("#go-live")
        page.wait_for_selector("#studio[data-stream]", timeout=30_000)
        live_at = time.monotonic()
        assert page.eval_on_selector("#preview", "v => v.srcObject !== null")
        shot(page, f"{channel}-03-live")

        # AND presses "Clip that" 12 s in (retried until the stream's record says LIVE)
        time.sleep(max(0.0, live_at + 12 - time.monotonic()))
        for _ in range(20):
            page.click("#clip-that")
            page.wait_for_function("document.getElementById('message').textContent !== ''")
            if "Marked" in page.text_content("#message"):
                break
            time.sleep(1)
        assert "Marked" in page.text_content("#message")
        shot(page, f"{channel}-04-clip-that")

        # AND ends the show once the planted moment is well behind
        time.sleep(max(0.0, live_at + SHOW_S - time.monotonic()))
        page.click("#stop")
        page.wait_for_selector("#studio[data-ended=true]", timeout=60_000)
        shot(page, f"{channel}-05-ended")

        # THEN the marker's clip and the planted moment's clip are pushed to the page
        moment = fake_media.moments[0]

        def arrived() -> tuple[dict[str, str], dict[str, str]] | None:
            highlights = _items(page, "highlights")
            clipped = {c["highlight"] for c in _items(page, "clips")}
            marker = [h for h in highlights if h["kind"] == "marker" and h["highlight"] in clipped]
            planted = [
                h
                for h in highlights
                if h["kind"] == "auto"
                and h["highlight"] in clipped
                and float(h["start"]) < moment.end_s
                and float(h["end"]) > moment.start_s
            ]
            return (marker[0], planted[0]) if marker and planted else None

        deadline = time.monotonic() + CLIPS_TIMEOUT_S
        found = arrived()
        while found is None and time.monotonic() < deadline:
            time.sleep(1)
            found = arrived()
        shot(page, f"{channel}-06-clips")
        assert found is not None, (_items(page, "highlights"), _items(page, "clips"))
        marker, _planted = found
        # the marker was pressed about 12 s in: its clip ends around there
        assert 4.0 < float(marker["end"]) < 30.0, marker

        # AND after the show: its on-demand title with its ladder, the clips, the report
        page.wait_for_selector("#vod[data-state=READY]", timeout=180_000)
        assert "1280x720" in page.text_content("#vod")
        assert page.text_content("#report")
        shot(page, f"{channel}-07-after-the-show")
    finally:
        context.close()


def test_a_revoked_key_is_refused_with_a_message(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api, tmp_path: Path
) -> None:
    channel = f"key-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", fake_media)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "key-creator", channel)
        # GIVEN the key the page holds was rotated elsewhere (e.g. from the CLI)
        api, creator = cloud["LIVECLIPS_API_URL"], bearer("key-creator", "creator")
        mine = httpx.get(f"{api}/v1/channels", headers=creator, timeout=10).json()["channels"]
        channel_id = next(c["id"] for c in mine if c["name"] == channel)
        httpx.post(f"{api}/v1/channels/{channel_id}/stream-key", headers=creator, timeout=10)
        # WHEN the creator goes live with it THEN the ingest refuses it, and says so
        page.click("#go-live")
        page.wait_for_selector("#studio[data-error=wrong_key]", timeout=30_000)
        assert "refused the stream key" in page.text_content("#message")
        shot(page, f"{channel}-03-wrong-key")
        # AND after rotating on the page, the new key goes live
        page.click("#rotate")
        page.wait_for_function("document.getElementById('message').className === 'info'")
        page.click("#go-live")
        page.wait_for_selector("#studio[data-stream]", timeout=30_000)
        shot(page, f"{channel}-04-live-after-rotation")
        page.click("#stop")
        page.wait_for_selector("#studio[data-ended=true]", timeout=60_000)
    finally:
        context.close()


def test_a_denied_camera_and_an_ingest_that_is_down_are_told(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api, tmp_path: Path
) -> None:
    channel = f"deny-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "denied", fake_media, allow=False)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "deny-creator", channel)
        page.click("#go-live")
        page.wait_for_function("document.getElementById('message').textContent.includes('camera')")
        shot(page, f"{channel}-03-camera-denied")
    finally:
        context.close()

    channel = f"down-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "down", fake_media)
    try:
        page = context.new_page()
        # The page told of an ingest where nothing listens
        page.route(
            "**/config.json",
            lambda route: route.fulfill(
                json={"broadcaster": "local", "ingestUrl": "ws://127.0.0.1:9/ingest"}
            ),
        )
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "down-creator", channel)
        page.click("#go-live")
        page.wait_for_selector("#studio[data-error=ingest_down]", timeout=30_000)
        assert "not reachable" in page.text_content("#message")
        shot(page, f"{channel}-03-ingest-down")
    finally:
        context.close()


def test_a_dropped_connection_is_told_and_keeps_what_was_recorded(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api, tmp_path: Path
) -> None:
    channel = f"drop-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", fake_media)
    routes: list[object] = []

    def through(ws) -> None:  # a network path to the ingest that the test can cut
        routes.append((ws, ws.connect_to_server()))

    try:
        page = context.new_page()
        page.route_web_socket("**/ingest*", through)
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "drop-creator", channel)
        page.click("#go-live")
        page.wait_for_function(
            "document.getElementById('status').textContent.includes('recorded')", timeout=60_000
        )
        # WHEN the connection drops mid-show
        page_side, server_side = routes[0]  # type: ignore[misc]
        server_side.close()
        page_side.close(code=1011, reason="network")
        # THEN the creator is told, and the show recorded until then is kept and ended
        page.wait_for_selector("#studio[data-error=dropped]", timeout=30_000)
        assert "dropped" in page.text_content("#message")
        shot(page, f"{channel}-03-dropped")
    finally:
        context.close()
    api, creator = cloud["LIVECLIPS_API_URL"], bearer("drop-creator", "creator")
    mine = httpx.get(f"{api}/v1/channels", headers=creator, timeout=10).json()["channels"]
    made = next(c for c in mine if c["name"] == channel)
    keys = wait_for_ended_recording(made)
    assert any(k.endswith("/media/hls/720p30/0.ts") for k in keys), keys


def test_rotating_the_key_while_live_cuts_the_page_off_and_keeps_what_was_recorded(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api, tmp_path: Path
) -> None:
    channel = f"rot-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", fake_media)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "rot-creator", channel)
        page.click("#go-live")
        page.wait_for_function(
            "document.getElementById('status').textContent.includes('recorded')", timeout=60_000
        )
        # WHEN the creator rotates the stream key mid-show
        page.click("#rotate")
        # THEN the ingest cuts the broadcast off, as IVS does, and the creator is told
        page.wait_for_selector("#studio[data-error=key_rotated]", timeout=30_000)
        assert "rotated while live" in page.text_content("#message")
        shot(page, f"{channel}-03-key-rotated")
    finally:
        context.close()
    api, creator = cloud["LIVECLIPS_API_URL"], bearer("rot-creator", "creator")
    mine = httpx.get(f"{api}/v1/channels", headers=creator, timeout=10).json()["channels"]
    made = next(c for c in mine if c["name"] == channel)
    keys = wait_for_ended_recording(made)
    assert any(k.endswith("/media/hls/720p30/0.ts") for k in keys), keys


def test_a_program_is_scheduled_and_the_content_team_sees_its_queues(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    channel = f"prog-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "prog-creator", channel)
        page.fill("input[name=title]", "Friday night speedruns")
        page.click("#schedule")
        page.wait_for_selector("#programs li")
        assert "Friday night speedruns" in page.text_content("#programs")
        shot(page, f"{channel}-03-program")

        page = context.new_page()
        page.goto(cloud["LIVECLIPS_STUDIO_URL"])
        page.wait_for_selector("body[data-ready=true]")
        page.fill("input[name=user]", "team-ana")
        page.select_option("select[name=role]", "moderator")
        page.click("#sign-in")
        page.wait_for_selector("#team:not([hidden])")
        assert page.is_hidden("#channels")
        assert page.text_content("#message") == ""
        shot(page, f"{channel}-04-content-team")
    finally:
        context.close()


def test_going_live_with_the_screen_and_the_microphone(
    cloud: dict[str, str], fake_media: FakeMedia, playwright_api, tmp_path: Path
) -> None:
    channel = f"screen-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", fake_media)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "screen-creator", channel)
        page.check("#screen")
        page.click("#go-live")
        page.wait_for_selector("#studio[data-stream]", timeout=30_000)
        tracks = page.eval_on_selector(
            "#preview", "v => v.srcObject.getTracks().map(t => t.kind).sort().join(',')"
        )
        assert tracks == "audio,video"
        page.wait_for_function(
            "document.getElementById('status').textContent.includes('recorded')", timeout=60_000
        )
        shot(page, f"{channel}-03-screen-live")
        page.click("#stop")
        page.wait_for_selector("#studio[data-ended=true]", timeout=60_000)
    finally:
        context.close()


def test_chat_shows_each_message_with_its_review_and_ai_verdict(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    from functions.aws.chat_review import lambda_handler  # noqa: PLC0415
    from liveclips_dev.localcloud.lambda_context import LocalLambdaContext  # noqa: PLC0415

    channel = f"chat-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        _sign_in_and_create(page, cloud["LIVECLIPS_STUDIO_URL"], "chat-creator", channel)
        channel_id = page.get_attribute("#channel-list button", "data-channel")
        # A room without rules names the channel by its id (functions/aws/chat_review.py)
        room_arn = f"arn:aws:ivschat:us-east-1:123456789012:room/{channel_id}"
        ids = {}
        for user, text in (("fan-1", "what a play"), ("troll-2", "you are such an idiot")):
            ids[user] = uuid.uuid4().hex[:12]
            event = {
                "Content": text, "MessageId": ids[user], "RoomArn": room_arn, "Attributes": {},
                "Sender": {"UserId": user, "Attributes": {}},
            }  # fmt: skip
            assert lambda_handler(event, LocalLambdaContext("chat-review"))["ReviewResult"] == (
                "ALLOW"
            )
        page.wait_for_selector(f"#chat li[data-message='{ids['troll-2']}'][data-action=delete]")
        page.wait_for_selector(f"#chat li[data-message='{ids['fan-1']}'][data-action=allow]")
        assert "harassment" in page.text_content(f"#chat-{ids['troll-2']}")
        shot(page, f"{channel}-03-chat")

        # AND the creator deletes the allowed one by hand and disconnects its author
        fan = f"#chat-{ids['fan-1']}"
        page.click(f"{fan} button[data-act=delete]")
        page.wait_for_selector(f"{fan}[data-deleted]")
        page.click(f"{fan} button[data-act=disconnect]")
        page.wait_for_selector(f"{fan}[data-disconnected]")
        assert page.text_content("#message") == ""
        told = httpx.get(f"{os.environ['AWS_ENDPOINT_URL_IVSCHAT']}/_actions").json()["actions"]
        mine = [a for a in told if a["roomIdentifier"] == room_arn]
        assert {"operation": "DeleteMessage", "id": ids["fan-1"]}.items() <= mine[-2].items()
        assert {"operation": "DisconnectUser", "userId": "fan-1"}.items() <= mine[-1].items()
        shot(page, f"{channel}-04-chat-by-hand")
    finally:
        context.close()


def test_the_content_team_approves_a_marquee_highlight_on_the_page_and_its_clip_arrives(
    cloud: dict[str, str], playwright_api, tmp_path: Path
) -> None:
    from liveclips.services import highlights  # noqa: PLC0415
    from liveclips_dev.cli.broadcast import bridge_sink  # noqa: PLC0415
    from liveclips_dev.studio.run import run_studio  # noqa: PLC0415
    from tests.integration.conftest import highlight_of  # noqa: PLC0415

    channel = f"team-{uuid.uuid4().hex[:6]}"
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        creator = context.new_page()
        _sign_in_and_create(creator, cloud["LIVECLIPS_STUDIO_URL"], "team-creator", channel)
        channel_id = creator.get_attribute("#channel-list button", "data-channel")
        made = httpx.get(
            f"{cloud['LIVECLIPS_API_URL']}/v1/channels/{channel_id}",
            headers=bearer("team-creator", "creator"),
        ).json()
        # GIVEN a short show of the channel, recorded, and a marquee highlight of it waiting
        run = run_studio(
            "synthetic",
            s3=s3.client(),
            bucket=settings().recordings_bucket,
            channel_arn=made["arn"],
            event_sink=bridge_sink(),
            workdir=tmp_path / "show",
            duration_s=14.0,
            speed=20.0,
            moments=(),
            serve_live=False,
        )
        waiting = highlight_of(
            run, 2.0, 7.0, event_id=f"marquee-{channel}", score=42.0, reason="the crowd roars",
            marquee=True, evidence={"loudness": 30.0},
        )  # fmt: skip
        assert highlights.submit(waiting) == "PENDING_APPROVAL"

        # WHEN the content team approves it on the studio page
        team = context.new_page()
        team.goto(cloud["LIVECLIPS_STUDIO_URL"])
        team.wait_for_selector("body[data-ready=true]")
        team.fill("input[name=user]", "team-lea")
        team.select_option("select[name=role]", "moderator")
        team.click("#sign-in")
        row = f"#pending li[data-highlight='{waiting.highlight_id}']"
        team.wait_for_selector(row)
        assert "the crowd roars" in team.text_content(row)
        shot(team, f"{channel}-03-waiting")
        team.click(f"{row} button:text('Approve')")
        team.wait_for_selector(row, state="detached")
        assert team.text_content("#message") == ""
        shot(team, f"{channel}-04-approved")

        # THEN its clip is rendered and pushed to the creator's page
        creator.wait_for_selector(
            f"#clips li[data-highlight='{waiting.highlight_id}']", timeout=CLIPS_TIMEOUT_S * 1000
        )
        shot(creator, f"{channel}-05-clip-arrived")
    finally:
        context.close()
