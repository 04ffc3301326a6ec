"""The social layer on the emulators (Spanner, Pub/Sub, Redis, moto for signed URLs):
follows and live-now from follows, creator.live per follower on a Stream Start and its
push delivery (FCM / APNs stand-in), comments with the inline rules, moderation hand-off,
reports and the per-user rate, the personalised feed, and share pages."""

from __future__ import annotations

import html
import json
import re
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from google.cloud import pubsub_v1

from functions.gcp.main import lifecycle, notify_follower
from liveclips import resources
from liveclips.adapters import (
    openai_api,
    push,
    spanner,
    spanner_channels,
    spanner_social,
    viewer_affinity,
)
from liveclips.adapters.config import settings
from liveclips.adapters.social_config import social_settings
from liveclips.adapters.spanner_channels import Channel
from liveclips.api.app import app
from liveclips.contracts.events import StreamStateChanged
from liveclips.contracts.social import CommentPosted, CreatorLive
from liveclips.moderation_worker import comments as comment_pass
from liveclips_dev.localcloud import procs
from liveclips_dev.localcloud.emulators import REPO_ROOT, child_env, cloud_env, http_status
from liveclips_dev.localcloud.services import SERVICES
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from liveclips_dev.push_standin import PushStandIn
from tests.integration.feed_seed import fresh_feed, seed_clip
from tests.support import bearer, deliver, pull, unlimited_rates

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def http(emulators) -> Iterator[TestClient]:
    with unlimited_rates(), TestClient(app) as client:
        yield client


def user() -> str:
    return f"viewer-{uuid.uuid4().hex[:10]}"


def make_channel(name: str = "Friday Speedrun") -> str:
    channel_id = f"ch{uuid.uuid4().hex[:12]}"
    spanner_channels.create(
        Channel(channel_id, f"arn:aws:ivs:us-west-2:123456789012:channel/{channel_id}",
                "creator-1", name, False, f"https://play.example/{channel_id}.m3u8",
                "rtmps://ingest.example:443/app/", "LOW", "STANDARD", None)
    )  # fmt: skip
    return channel_id


def go_live(channel_id: str) -> str:
    stream_id = f"st-{uuid.uuid4().hex[:12]}"
    event = StreamStateChanged(
        event_id=f"ev-{stream_id}", occurred_at=datetime.now(UTC),
        channel_arn=f"arn:aws:ivs:us-west-2:123456789012:channel/{channel_id}",
        channel_id=channel_id, stream_id=stream_id, state="started",
    )  # fmt: skip
    deliver(lifecycle, event)
    return stream_id


# --- follows ---------------------------------------------------------------------------


def test_follow_unfollow_and_live_now_from_follows(http: TestClient) -> None:
    me = user()
    followed, other = make_channel("Followed Show"), make_channel("Other Show")
    answer = http.put(f"/v1/me/follows/{followed}", headers=bearer(me))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"channel_id": followed, "following": True, "created": True}
    again = http.put(f"/v1/me/follows/{followed}", headers=bearer(me))
    assert again.json()["created"] is False
    missing = http.put("/v1/me/follows/nochannel123", headers=bearer(me))
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "channel_not_found"

    listed = http.get("/v1/me/follows", headers=bearer(me)).json()
    assert [c["channel_id"] for c in listed["channels"]] == [followed]
    assert listed["channels"][0]["name"] == "Followed Show"

    live_stream = go_live(followed)
    go_live(other)
    live = http.get("/v1/me/live", headers=bearer(me)).json()
    assert [s["stream_id"] for s in live["streams"]] == [live_stream]
    assert live["streams"][0]["channel_name"] == "Followed Show"

    assert http.delete(f"/v1/me/follows/{followed}", headers=bearer(me)).status_code == 204
    assert http.delete(f"/v1/me/follows/{followed}", headers=bearer(me)).status_code == 204
    assert http.get("/v1/me/live", headers=bearer(me)).json()["streams"] == []
    assert http.get("/v1/me/follows", headers=bearer(me)).json()["channels"] == []


# --- creator.live ------------------------------------------------------------------------


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIVECLIPS_FANOUT_BATCH", "2")
    social_settings.cache_clear()
    yield
    social_settings.cache_clear()


def test_a_stream_start_publishes_creator_live_once_per_follower(
    http: TestClient, small_batches: None
) -> None:
    channel = make_channel("Go-live Show")
    followers = sorted(user() for _ in range(5))
    for follower in followers:
        assert http.put(f"/v1/me/follows/{channel}", headers=bearer(follower)).status_code == 200
    with fresh_subscription(resources.CREATOR_LIVE_TOPIC) as subscription:
        stream_id = go_live(channel)
        messages = pull(subscription, at_least=5)
        assert len(pull(subscription, at_least=1, timeout_s=1.5)) == 0
    events = [CreatorLive.model_validate_json(m.data) for m in messages]
    assert sorted(e.follower_id for e in events) == followers  # 5 followers in 3 batches
    assert {e.stream_id for e in events} == {stream_id}
    assert {e.channel_name for e in events} == {"Go-live Show"}
    assert all(m.attributes["type"] == "creator.live" for m in messages)
    assert len({e.event_id for e in events}) == 5


def test_a_stream_nobody_follows_publishes_nothing(http: TestClient) -> None:
    with fresh_subscription(resources.CREATOR_LIVE_TOPIC) as subscription:
        go_live(make_channel("Nobody's Show"))
        assert pull(subscription, at_least=1, timeout_s=2.0) == []


@pytest.fixture
def push_providers(monkeypatch: pytest.MonkeyPatch) -> Iterator[PushStandIn]:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    public = key.public_key().public_bytes(serialization.Encoding.PEM, spki).decode()
    standin = PushStandIn(apns_public_key=public).start()
    for name, value in {
        "FCM_PROJECT": "liveclips-local", "FCM_URL": standin.url, "APNS_URL": standin.url,
        "APNS_TEAM_ID": "TEAM123456", "APNS_KEY_ID": "KEY1234567",
        "APNS_PRIVATE_KEY": pem.replace("\n", "\\n"), "APNS_TOPIC": "app.liveclips.viewer",
    }.items():  # fmt: skip
        monkeypatch.setenv(f"LIVECLIPS_{name}", value)
    social_settings.cache_clear()
    push.sender_for.cache_clear()
    yield standin
    standin.stop()
    social_settings.cache_clear()
    push.sender_for.cache_clear()


def test_creator_live_is_pushed_to_each_device_once_and_gone_tokens_are_forgotten(
    http: TestClient, push_providers: PushStandIn
) -> None:
    follower = user()
    for platform, token in (("android", "fcm-token-1"), ("ios", "apnstoken01"),
                            ("android", "gone-fcm-token")):  # fmt: skip
        body = {"platform": platform, "token": token}
        assert http.put("/v1/me/devices", json=body, headers=bearer(follower)).status_code == 204
    bad = http.put("/v1/me/devices", json={"platform": "ios", "token": "x"},
                   headers=bearer(follower))  # fmt: skip
    assert bad.status_code == 422
    event = CreatorLive(event_id=f"live-st1-{follower}", occurred_at=datetime.now(UTC),
                        channel_id="ch1", channel_name="Friday <Speedrun>", stream_id="st1",
                        follower_id=follower)  # fmt: skip
    deliver(notify_follower, event)
    by_token = {r.token: r for r in push_providers.received}
    assert set(by_token) == {"fcm-token-1", "apnstoken01", "gone-fcm-token"}
    fcm = by_token["fcm-token-1"].body["message"]
    assert fcm["notification"]["title"] == "Friday <Speedrun> is live"
    assert fcm["data"] == {"type": "creator.live", "channel_id": "ch1", "stream_id": "st1"}
    apns = by_token["apnstoken01"]
    assert apns.body["aps"]["alert"]["title"] == "Friday <Speedrun> is live"
    assert apns.headers["apns-topic"] == "app.liveclips.viewer"
    assert apns.headers["apns-push-type"] == "alert"
    assert {d.token for d in spanner_social.devices(follower)} == {"fcm-token-1", "apnstoken01"}
    # A redelivery tells nobody twice.
    deliver(notify_follower, event)
    assert len(push_providers.received) == 3


# --- comments ----------------------------------------------------------------------------


def comment_rows(subject_id: str) -> list[dict]:
    return spanner.rows_by_column(
        "SELECT CommentId, Text, State FROM Comments WHERE SubjectKind = 'clip'"
        " AND SubjectId = @s", s=subject_id,
    )  # fmt: skip


def test_comments_create_list_page_delete_and_report(http: TestClient) -> None:
    clip = seed_clip(make_channel()).clip_id
    author, other = user(), user()
    with fresh_subscription(resources.COMMENTS_TOPIC) as subscription:
        ids = []
        for text in ("first!", "what a clutch", "holy shit that was good"):
            answer = http.post(f"/v1/clips/{clip}/comments", json={"text": text},
                               headers=bearer(author))  # fmt: skip
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        masked = http.get(f"/v1/clips/{clip}/comments", headers=bearer(other)).json()
        # Everything the rules let through goes to the AI moderation, masked text and all.
        sent = [CommentPosted.model_validate_json(m.data) for m in pull(subscription, at_least=3)]
    assert {s.comment_id for s in sent} == set(ids)
    assert all(s.subject_kind == "clip" and s.subject_id == clip for s in sent)
    assert "shit" not in masked["comments"][0]["text"]
    assert masked["comments"][0]["changed"] is None  # the list shows the stored text

    page1 = http.get(f"/v1/clips/{clip}/comments", params={"limit": 2}, headers=bearer(other))
    body1 = page1.json()
    assert [c["id"] for c in body1["comments"]] == [ids[2], ids[1]]
    after = {"limit": 2, "cursor": body1["next_cursor"]}
    page2 = http.get(f"/v1/clips/{clip}/comments", params=after, headers=bearer(other))
    assert [c["id"] for c in page2.json()["comments"]] == [ids[0]]
    assert page2.json()["next_cursor"] is None
    bad_cursor = http.get(f"/v1/clips/{clip}/comments", params={"cursor": "nope"},
                          headers=bearer(other))  # fmt: skip
    assert bad_cursor.status_code == 400

    assert http.delete(f"/v1/comments/{ids[0]}", headers=bearer(other)).status_code == 403
    assert http.delete(f"/v1/comments/{ids[0]}", headers=bearer(author)).status_code == 204
    assert http.delete(f"/v1/comments/{ids[0]}", headers=bearer(author)).status_code == 404
    reporters = [user() for _ in range(3)]
    answers = [
        http.post(f"/v1/comments/{ids[1]}/reports", json={"reason": "spam"}, headers=bearer(r))
        for r in (reporters[0], reporters[0], reporters[1], reporters[2])
    ]
    assert [a.json()["reports"] for a in answers[:3]] == [1, 1, 2]
    assert answers[3].json() == {"id": ids[1], "reports": 3, "hidden": True}
    listed = http.get(f"/v1/clips/{clip}/comments", headers=bearer(other)).json()["comments"]
    assert [c["id"] for c in listed] == [ids[2]]
    wrong = http.post(f"/v1/comments/{ids[2]}/reports", json={"reason": "meh"},
                      headers=bearer(other))  # fmt: skip
    assert wrong.status_code == 422


def test_a_denied_comment_is_refused_and_leaves_no_row(http: TestClient) -> None:
    clip = seed_clip(make_channel()).clip_id
    with fresh_subscription(resources.COMMENTS_TOPIC) as subscription:
        for text in ("just kys", "free skins at www.scam-site.com"):
            answer = http.post(f"/v1/clips/{clip}/comments", json={"text": text},
                               headers=bearer(user()))  # fmt: skip
            assert answer.status_code == 422
            assert answer.json()["detail"]["code"] == "comment_refused"
        assert pull(subscription, at_least=1, timeout_s=1.5) == []
    for body in ({"text": "   "}, {"text": "x" * 501}, {"text": "hi", "user_id": "spoof"}):
        answer = http.post(f"/v1/clips/{clip}/comments", json=body, headers=bearer(user()))
        assert answer.status_code == 422
    assert comment_rows(clip) == []
    unknown = http.post("/v1/clips/noclip123/comments", json={"text": "hello"},
                        headers=bearer(user()))  # fmt: skip
    assert unknown.status_code == 404
    assert unknown.json()["detail"]["code"] == "clip_not_found"


def test_comments_are_rate_limited_per_user(
    http: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVECLIPS_COMMENT_BURST", "2")
    monkeypatch.setenv("LIVECLIPS_COMMENT_RATE_PER_S", "0.01")
    social_settings.cache_clear()
    try:
        clip = seed_clip(make_channel()).clip_id
        me = user()
        codes = [
            http.post(f"/v1/clips/{clip}/comments", json={"text": f"comment {i}"},
                      headers=bearer(me)).status_code
            for i in range(3)
        ]  # fmt: skip
        assert codes == [201, 201, 429]
        other = http.post(f"/v1/clips/{clip}/comments", json={"text": "mine"},
                          headers=bearer(user()))  # fmt: skip
        assert other.status_code == 201  # per user, not per clip
        assert len(comment_rows(clip)) == 3
    finally:
        social_settings.cache_clear()


@pytest.fixture(scope="module")
def openai_standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The OpenAI stand-in as `liveclips local up` starts it (tests/integration/
    test_openai_moderation.py does the same)."""
    service = next(s for s in SERVICES if s.name == "openai")
    (port,) = procs.free_ports(1)
    argv = [sys.executable, "-m", service.module, "--host", procs.LOCALHOST, "--port", str(port)]
    log = Path(tmp_path_factory.mktemp("openai")) / "openai.log"
    proc, _ = procs.spawn("openai", argv, log, env=child_env({}), cwd=REPO_ROOT)
    env = cloud_env(defaultdict(int, openai=port))
    try:
        procs.wait_ready(
            {"openai": (proc, lambda: http_status(port, service.health_path) == 200)}, 30
        )
        with pytest.MonkeyPatch.context() as patch:
            for name in ("LIVECLIPS_OPENAI_BASE_URL", "OPENAI_API_KEY"):
                patch.setenv(name, env[name])
            settings.cache_clear()
            openai_api.client.cache_clear()
            yield f"http://{procs.LOCALHOST}:{port}"
    finally:
        settings.cache_clear()
        openai_api.client.cache_clear()
        procs.stop([proc])


def test_a_flagged_comment_is_removed_by_the_ai_moderation(
    http: TestClient, openai_standin: str
) -> None:
    """The moderation worker's comment pass: comment.posted pulled in a batch, judged by
    the chat's Moderator through the OpenAI stand-in; the flagged comment is removed."""
    clip = seed_clip(make_channel()).clip_id
    subscriber = pubsub_v1.SubscriberClient()
    with fresh_subscription(resources.COMMENTS_TOPIC) as subscription:
        posted = {
            text: http.post(f"/v1/clips/{clip}/comments", json={"text": text},
                            headers=bearer(user())).json()["id"]
            for text in ("you are such an idiot", "what a play")
        }  # fmt: skip
        decided = 0
        for _ in range(20):
            decided += comment_pass.run_once(subscriber, subscription).decided
            if decided >= 2:
                break
    subscriber.close()
    assert decided == 2
    states = {row["CommentId"]: row["State"] for row in comment_rows(clip)}
    assert states[posted["you are such an idiot"]] == "REMOVED"
    assert states[posted["what a play"]] == "VISIBLE"
    listed = http.get(f"/v1/clips/{clip}/comments", headers=bearer(user())).json()["comments"]
    assert [c["text"] for c in listed] == ["what a play"]
    removed = spanner.rows_by_column(
        "SELECT ModerationReason FROM Comments WHERE SubjectKind = 'clip' AND SubjectId = @s"
        " AND CommentId = @c", s=clip, c=posted["you are such an idiot"],
    )  # fmt: skip
    assert "harassment" in removed[0]["ModerationReason"]


# --- the personalised feed ---------------------------------------------------------------


def whole_feed(http: TestClient, viewer: str, limit: int = 50) -> list[str]:
    """Every clip of the viewer's feed, page after page (other tests' clips share it)."""
    ids: list[str] = []
    cursor = None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = http.get("/v1/feed", params=params, headers=bearer(viewer)).json()
        ids += [c["id"] for c in page["clips"]]
        if not (cursor := page["next_cursor"]):
            return ids


def test_the_feed_is_personalised_for_a_viewer_with_signals_only(http: TestClient) -> None:
    fresh_feed()
    channels = [make_channel(f"Show {i}") for i in range(6)]
    # The oldest clip ranks last globally; minutes apart, and newer than what other tests
    # left in the feed, so all of them are in the snapshot's personalised head.
    seeded = [seed_clip(ch, age_s=30.0 * (i + 1)) for i, ch in enumerate(channels)]
    global_order = whole_feed(http, user())
    ours = [s.clip_id for s in seeded]
    assert [c for c in global_order if c in ours] == ours  # newest first, all engagement 0

    fan = user()
    assert http.put(f"/v1/me/follows/{channels[-1]}", headers=bearer(fan)).status_code == 200
    mine = whole_feed(http, fan)
    assert sorted(mine) == sorted(global_order)
    assert mine.index(ours[-1]) < global_order.index(ours[-1])  # the followed creator rose
    # Its pages are cursor-paged like the global feed's, over the same personal order.
    assert whole_feed(http, fan, limit=7) == mine
    # Still a newcomer's feed for a new viewer, read from the shared cache.
    assert whole_feed(http, user()) == global_order

    # Watching a clip through teaches its channel; skipping teaches the opposite.
    watcher = user()
    now = datetime.now(UTC).isoformat()
    events = [
        {"event_id": uuid.uuid4().hex, "kind": "stop", "occurred_at": now, "session_id": "s1",
         "clip_id": ours[-2], "position_s": 7.9, "duration_s": 8.0},
        {"event_id": uuid.uuid4().hex, "kind": "stop", "occurred_at": now, "session_id": "s2",
         "clip_id": ours[0], "position_s": 0.5, "duration_s": 8.0},
    ]  # fmt: skip
    assert (
        http.post("/v1/events", json={"events": events}, headers=bearer(watcher)).status_code == 202
    )
    affinity = viewer_affinity.load(watcher)
    assert affinity.channels[channels[-2]] > 0 > affinity.channels[channels[0]]
    theirs = whole_feed(http, watcher)
    assert theirs.index(ours[-2]) < global_order.index(ours[-2])
    # One skip of the top clip does not bury it (the global lead is worth more), but it
    # never lifts it either.
    assert theirs.index(ours[0]) >= global_order.index(ours[0])


# --- share pages -------------------------------------------------------------------------


def _meta(page: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    return {name: html.unescape(value) for name, value in found}


def test_the_share_page_has_link_preview_tags_and_opens_the_viewer_app(
    http: TestClient,
) -> None:
    seeded = seed_clip(make_channel())
    evil = '<script>alert("x")</script> & "quotes"'
    with spanner.database().batch() as batch:  # as the render worker leaves a clip
        batch.update(
            "Clips",
            columns=("RecordingId", "ClipId", "State", "ObjectKey", "PosterKey", "Width",
                     "Height", "Title"),
            values=[(seeded.recording_id, seeded.clip_id, "PUBLISHED", "clips/x/clip.mp4",
                     "clips/x/poster.jpg", 720, 1280, evil)],
        )  # fmt: skip
    answer = http.get(f"/c/{seeded.clip_id}")  # no token: anyone opens a shared link
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert "<script>alert" not in page
    meta = _meta(page)
    assert meta["og:title"] == evil
    assert meta["og:type"] == "video.other"
    assert meta["twitter:card"] == "player"
    assert "poster.jpg" in meta["og:image"] and "X-Amz-Signature" in meta["og:image"]
    assert "clip.mp4" in meta["og:video"] and "X-Amz-Signature" in meta["og:video"]
    assert "X-Amz-Expires=600" in meta["og:video"]  # short-lived: 10 minutes
    assert meta["og:video:type"] == "video/mp4"
    assert meta["og:url"].endswith(f"/viewer/#/clip/{seeded.clip_id}")
    assert f'href="{html.escape(meta["og:url"])}"' in page
    assert f"location.replace({json.dumps(meta['og:url'])})" in page
    assert "sha256-" in answer.headers["content-security-policy"]

    unknown = http.get("/c/nosuchclip")
    assert unknown.status_code == 404
    assert "no such clip" in unknown.text and "og:title" not in unknown.text
    malformed = http.get("/c/bad%3Cid%3E")
    assert malformed.status_code == 404 and "<id>" not in malformed.text


def test_an_instant_clip_shares_its_poster_less_summary(http: TestClient) -> None:
    seeded = seed_clip(make_channel())
    meta = _meta(http.get(f"/c/{seeded.clip_id}").text)
    assert "og:video" not in meta  # a playlist over the recording is no og:video
    assert meta["twitter:card"] == "summary_large_image"


def test_the_moderation_worker_removes_a_flagged_comment(cloud, http: TestClient) -> None:
    """End to end on the local cloud: the running moderation worker pulls the comment
    from moderate-comments, the OpenAI stand-in flags it, the comment is removed."""
    clip = seed_clip(make_channel()).clip_id
    rude = http.post(f"/v1/clips/{clip}/comments", json={"text": "you are such an idiot"},
                     headers=bearer(user())).json()["id"]  # fmt: skip
    kind = http.post(f"/v1/clips/{clip}/comments", json={"text": "what a play"},
                     headers=bearer(user())).json()["id"]  # fmt: skip
    deadline = time.monotonic() + 60
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        states = {row["CommentId"]: row["State"] for row in comment_rows(clip)}
        if states.get(rude) == "REMOVED":
            break
        time.sleep(0.5)
    assert states[rude] == "REMOVED"
    assert states[kind] == "VISIBLE"
