"""The content team's console queues in a real browser against the whole local cloud:
approving a marquee highlight puts its clip in a viewer's feed (another browser, signed in
as a viewer); a pick puts a show's moment in it and unpicking takes it out; a take-down
removes a clip and a restore brings it back; moderation and appeal decisions are shown
and stored; and the failures a user can meet are told on the page."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from liveclips.adapters import s3, spanner_highlights, spanner_moderation
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_moderation import StoredVerdict
from liveclips_dev.cli.browser_show import launch
from tests.browser.conftest import shot
from tests.support import bearer

pytestmark = pytest.mark.browser
FEED_TIMEOUT_S = 180  # an approved clip is an instant clip at once, else the renderer's
TEAM_USER = "console-lea"


@pytest.fixture(scope="module")
def show(cloud: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A short recorded show of a channel of its own, through the whole pipeline."""
    from liveclips_dev.cli.broadcast import bridge_sink  # noqa: PLC0415
    from liveclips_dev.studio.run import run_studio  # noqa: PLC0415

    run = run_studio(
        "synthetic",
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn=f"arn:aws:ivs:us-east-1:123456789012:channel/Console{uuid.uuid4().hex[:8]}",
        event_sink=bridge_sink(),
        workdir=tmp_path_factory.mktemp("console-show"),
        duration_s=14.0,
        speed=20.0,
        moments=(),
        serve_live=False,
    )
    deadline = time.monotonic() + 60
    while spanner_highlights.recording_of_stream(run.broadcast.stream_id) is None:
        assert time.monotonic() < deadline, "the show's recording was never stored"
        time.sleep(0.5)
    return run


@pytest.fixture
def browsers(playwright_api, tmp_path: Path) -> Iterator[Any]:
    """Opens separate browsers (the team's, a viewer's), all closed at the end."""
    opened: list[Any] = []

    def open_one(name: str) -> Any:
        context = launch(playwright_api, tmp_path / name, None)
        context.set_default_timeout(30_000)
        opened.append(context)
        return context.new_page()

    yield open_one
    for context in opened:
        context.close()


def _console(page: Any, cloud: dict[str, str], tab: str, role: str = "moderator") -> None:
    page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/console/#/{tab}")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#signin input[name=user]", TEAM_USER)
    page.select_option("#signin select[name=role]", role)
    page.click("#sign-in")
    page.wait_for_selector(f"body[data-tab={tab}]")


def _viewer(page: Any, cloud: dict[str, str]) -> None:
    page.goto(f"{cloud['LIVECLIPS_STUDIO_URL'].rstrip('/')}/viewer/#/feed")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#signin input[name=user]", "console-fan")
    page.click("#sign-in")
    page.wait_for_selector("#feed[data-pages]")


def _feed_ids(page: Any) -> list[str]:
    """Every clip of the viewer's feed page, scrolled to its end, after a reload."""
    page.reload()
    page.wait_for_selector("#feed[data-pages]")
    deadline = time.monotonic() + 60
    while not any(end in (page.text_content("#more") or "") for end in ("caught up", "No clips")):
        assert time.monotonic() < deadline, page.text_content("#more")
        page.locator("#more").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    ids: list[str] = page.eval_on_selector_all(
        "#feed article.clip", "els => els.map(e => e.dataset.clip)"
    )
    return ids


def _until_in_feed(page: Any, clip_id: str, wanted: bool, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while (clip_id in _feed_ids(page)) != wanted:
        assert time.monotonic() < deadline, f"{clip_id} {'never came' if wanted else 'stayed'}"
        time.sleep(1)


def _notice(page: Any) -> str:
    page.wait_for_selector("#notice:not([hidden])")
    return page.text_content("#notice") or ""


def test_the_team_approves_a_marquee_highlight_and_its_clip_is_in_a_viewers_feed(
    cloud: dict[str, str], show: Any, browsers: Any
) -> None:
    from liveclips.services import highlights  # noqa: PLC0415
    from tests.integration.conftest import highlight_of  # noqa: PLC0415

    # GIVEN two marquee highlights of the show waiting for a person
    waiting, raced = (
        highlight_of(show, start, end, event_id=f"console-marquee-{start}-{uuid.uuid4().hex[:6]}",
                     score=42.0, reason=why, marquee=True, evidence={"loudness": 30.0})
        for start, end, why in ((2.0, 7.0, "the crowd roars"), (8.0, 12.0, "a late goal"))
    )  # fmt: skip
    assert highlights.submit(waiting) == highlights.submit(raced) == "PENDING_APPROVAL"
    team = browsers("team")
    _console(team, cloud, "approvals")
    card = f"#pending li[data-highlight='{waiting.highlight_id}']"
    team.wait_for_selector(card)
    assert "the crowd roars" in team.text_content(card)
    assert "score 42.0" in team.text_content(card)
    team.click(f"{card} button[data-act=preview]")  # its moment plays before it is approved
    team.wait_for_selector(f"{card} video[data-preview=playing]", timeout=60_000)
    team.wait_for_function(
        "v => v.currentTime > 0.5", arg=team.locator(f"{card} video").element_handle()
    )
    early = httpx.get(
        f"{cloud['LIVECLIPS_API_URL']}/v1/clips/{waiting.clip_id}", headers=bearer("console-fan")
    )
    assert early.status_code == 404, "a preview makes no clip"
    shot(team, "console-approvals-01-waiting")

    # WHEN the team approves it in the console
    team.click(f"{card} button[data-act=approve]")

    # THEN it is approved, and its clip appears in a viewer's feed (another browser)
    team.wait_for_selector(f"{card}[data-status=APPROVED]")
    assert team.is_hidden("#notice")
    shot(team, "console-approvals-02-approved")
    viewer = browsers("viewer")
    _viewer(viewer, cloud)
    _until_in_feed(viewer, waiting.clip_id, True, FEED_TIMEOUT_S)
    viewer.locator(
        f"#feed article.clip[data-clip='{waiting.clip_id}']"
    ).scroll_into_view_if_needed()
    shot(viewer, "console-approvals-03-in-the-viewers-feed")

    # AND one a colleague approved meanwhile cannot be rejected: the page says so
    other = f"#pending li[data-highlight='{raced.highlight_id}']"
    approved = httpx.post(
        f"{cloud['LIVECLIPS_API_URL']}/v1/highlights/{raced.highlight_id}/approve",
        headers=bearer("console-ben", "moderator"),
    )
    assert approved.status_code == 200
    team.fill(f"{other} input[name=why]", "blurry")
    team.click(f"{other} button[data-act=reject]")
    assert "Already decided" in _notice(team)
    team.wait_for_selector(other, state="detached")  # the queue was read again
    shot(team, "console-approvals-04-already-decided")


def test_a_pick_puts_a_moment_in_the_feed_and_unpicking_takes_it_out(
    cloud: dict[str, str], show: Any, browsers: Any
) -> None:
    team = browsers("team")
    _console(team, cloud, "picks")
    team.fill("#pick input[name=stream]", show.broadcast.stream_id)
    team.fill("#pick input[name=start]", "9.5")
    team.fill("#pick input[name=end]", "13")
    team.click("#pick-it")
    card = "#picked li[data-status=APPROVED]"
    team.wait_for_selector(card)
    clip_id = team.get_attribute(card, "data-clip")
    assert clip_id
    shot(team, "console-picks-01-picked")

    viewer = browsers("viewer")
    _viewer(viewer, cloud)
    _until_in_feed(viewer, clip_id, True, FEED_TIMEOUT_S)
    shot(viewer, "console-picks-02-in-the-viewers-feed")

    # Browsing the feed in the console finds it, and offers its show for another pick.
    team.click("#browse button")
    found = f"#found li[data-clip='{clip_id}']"
    team.wait_for_selector(found)
    team.click(f"{found} button[data-act=pick-show]")
    assert team.input_value("#pick input[name=stream]") == show.broadcast.stream_id

    team.click(f"#picked li[data-clip='{clip_id}'] button[data-act=unpick]")
    team.wait_for_selector(f"#picked li[data-clip='{clip_id}'][data-status=UNPICKED]")
    assert team.is_hidden("#notice")
    shot(team, "console-picks-03-unpicked")
    _until_in_feed(viewer, clip_id, False)
    listed = httpx.get(
        f"{cloud['LIVECLIPS_API_URL']}/v1/takedowns", headers=bearer("console-ben", "moderator")
    ).json()["clips"]
    assert [c["reason"] for c in listed if c["clip_id"] == clip_id] == [
        "unpicked by the content team"
    ]


def test_a_take_down_removes_a_clip_from_the_feed_and_a_restore_brings_it_back(
    cloud: dict[str, str], browsers: Any
) -> None:
    from tests.integration.feed_seed import fresh_feed, seed_clip  # noqa: PLC0415

    victim = seed_clip(f"ch{uuid.uuid4().hex[:10]}")
    fresh_feed()
    viewer = browsers("viewer")
    _viewer(viewer, cloud)
    _until_in_feed(viewer, victim.clip_id, True)

    team = browsers("team")
    _console(team, cloud, "takedowns")
    team.fill("#takedown input[name=clip]", victim.clip_id)
    team.fill("#takedown input[name=reason]", "copyright claim")
    team.click("#take-down")
    row = f"#hidden-clips li[data-clip='{victim.clip_id}']"
    team.wait_for_selector(row)
    assert "copyright claim" in team.text_content(row)
    shot(team, "console-takedowns-01-taken-down")

    _until_in_feed(viewer, victim.clip_id, False)
    detail = httpx.get(
        f"{cloud['LIVECLIPS_API_URL']}/v1/clips/{victim.clip_id}", headers=bearer("console-fan")
    )
    assert detail.status_code == 410
    shot(viewer, "console-takedowns-02-gone-from-the-feed")

    team.click(f"{row} button[data-act=restore]")
    team.wait_for_selector(f"{row}[data-status=RESTORED]")
    _until_in_feed(viewer, victim.clip_id, True)
    shot(team, "console-takedowns-03-restored")


def _verdict_of(cloud: dict[str, str], v: StoredVerdict) -> dict[str, Any]:
    answer = httpx.get(
        f"{cloud['LIVECLIPS_API_URL']}/v1/moderation/rooms/{v.room_id}/messages/{v.message_id}",
        headers=bearer("console-ben", "moderator"),
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_moderation_and_appeal_decisions_are_shown_and_stored(
    cloud: dict[str, str], browsers: Any
) -> None:
    room = uuid.uuid4().hex[:12]
    author = f"chatter-{uuid.uuid4().hex[:6]}"
    flagged = StoredVerdict(
        room_id=room, message_id=uuid.uuid4().hex,
        room_arn=f"arn:aws:ivschat:us-east-1:1:room/{room}", channel_id="ConsoleChan",
        user_id=author, text="you are such an idiot",
        sent_at=datetime.now(UTC), flagged=True, categories=["harassment"], top_score=0.91,
        action="delete", reason="harassment 0.91", model="omni-moderation-latest",
    )  # fmt: skip
    spanner_moderation.record([flagged])
    team = browsers("team")
    _console(team, cloud, "moderation")
    card = f"#queue li[data-message='{flagged.message_id}']"
    team.wait_for_selector(f"{card}[data-status=OPEN]")
    text = team.text_content(card) or ""
    assert all(part in text for part in ("you are such an idiot", "harassment", "0.91", "delete"))
    shot(team, "console-moderation-01-flagged")

    team.fill(f"{card} input[name=note]", "rude")
    team.click(f"{card} button[data-act=uphold]")
    team.wait_for_selector(f"{card}[data-status=UPHELD]")
    stored = _verdict_of(cloud, flagged)
    assert stored["review_state"] == "UPHELD"
    assert (stored["history"][-1]["actor"], stored["history"][-1]["note"]) == (TEAM_USER, "rude")
    shot(team, "console-moderation-02-upheld")

    # The author appeals; the appeal waits in the queue with its text.
    appealed = httpx.post(
        f"{cloud['LIVECLIPS_API_URL']}/v1/moderation/rooms/{room}/messages/{flagged.message_id}/appeal",
        json={"note": "it was a quote from the show"},
        headers=bearer(author),
    )  # fmt: skip
    assert appealed.status_code == 200, appealed.text
    team.click("#moderation .refresh")
    team.wait_for_selector(f"{card}[data-status=APPEALED]")
    assert "it was a quote from the show" in team.text_content(f"{card} .appeal")
    shot(team, "console-moderation-03-appealed")

    team.click(f"{card} button[data-act=overturn]")
    team.wait_for_selector(f"{card}[data-status=OVERTURNED]")
    assert team.is_hidden("#notice")
    stored = _verdict_of(cloud, flagged)
    assert stored["review_state"] == "OVERTURNED"
    assert [(h["kind"], h["actor"], h["outcome"]) for h in stored["history"][-2:]] == [
        ("appeal", author, "appeal"),
        ("decision", TEAM_USER, "overturn"),
    ]
    shot(team, "console-moderation-04-appeal-decided")


def test_the_failures_a_team_member_can_meet_are_told_on_the_page(
    cloud: dict[str, str], browsers: Any
) -> None:
    page = browsers("viewer-role")
    # A viewer's sign-in: the console is the content team's.
    _console(page, cloud, "approvals", role="viewer")
    told = _notice(page)
    assert "content team's" in told and "viewer" in told, told
    shot(page, "console-failures-01-not-on-the-team")

    # The API does not answer.
    page = browsers("team-2")
    _console(page, cloud, "approvals")
    page.wait_for_selector("#pending[data-loaded=true]")
    page.route("**/api/v1/**", lambda route: route.abort())
    page.click("#approvals .refresh")
    assert "did not answer" in _notice(page)
    shot(page, "console-failures-02-api-down")
    page.unroute("**/api/v1/**")

    # The session ends (here: its token revoked): told, and the sign-in is shown again.
    token = page.evaluate("sessionStorage.getItem('liveclips.console.token')")
    revoked = httpx.post(
        f"{cloud['LIVECLIPS_API_URL']}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 200
    page.click("#approvals .refresh")
    assert "session expired" in _notice(page)
    page.wait_for_selector("#signin:not([hidden])")
    shot(page, "console-failures-03-session-expired")
