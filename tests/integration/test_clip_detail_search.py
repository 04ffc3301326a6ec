"""GET /v1/clips/{clip_id} and GET /v1/search, and who may call the viewer routes, in
process against the emulators."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import s3, spanner_channels, spanner_clips, spanner_programs
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_channels import Channel
from liveclips.api.app import app
from liveclips.domain.access import Role
from liveclips.domain.feed_cursor import SearchCursor, encode_search, query_digest
from liveclips.domain.programs import Program
from tests.integration.feed_seed import fresh_feed, seed_clip
from tests.support import bearer, unlimited_rates

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def http(emulators) -> Iterator[TestClient]:
    with unlimited_rates(), TestClient(app) as client:
        yield client


def viewer() -> dict[str, str]:
    return bearer("detail-viewer", "viewer")


def channel_with_program(name: str, program: str, tags: tuple[str, ...]) -> str:
    channel_id = f"ch{uuid.uuid4().hex[:10]}"
    spanner_channels.create(
        Channel(channel_id, f"arn:aws:ivs:us-east-1:123456789012:channel/{channel_id}",
                "creator-1", name, False, "https://example.invalid/play.m3u8",
                "rtmps://example.invalid:443/app/", "LOW", "STANDARD", None)
    )  # fmt: skip
    now = datetime.now(UTC)
    spanner_programs.add(
        Program(channel_id, str(uuid.uuid4()), program, tags, now - timedelta(hours=1),
                now + timedelta(hours=1)),
        created_by="creator-1",
    )  # fmt: skip
    return channel_id


def search(http: TestClient, q: str, **params) -> dict:
    response = http.get("/v1/search", params={"q": q, **params}, headers=viewer())
    assert response.status_code == 200, response.text
    return response.json()


def test_a_clip_in_detail_with_signed_urls_title_and_counts(http):
    seeded = seed_clip(channel_with_program("Nebula Games", "Friday Speedrun", ("speedrun",)))

    response = http.get(f"/v1/clips/{seeded.clip_id}", headers=viewer())

    assert response.status_code == 200, response.text
    clip = response.json()
    assert clip["id"] == seeded.clip_id and clip["preset"] == "vertical"
    assert clip["title"] == "Friday Speedrun: Hype moment at 0:12"
    assert clip["tags"] == ["speedrun", "auto", "hype", "loud"]
    assert seeded.key in clip["url"] and "Signature=" in clip["url"]
    assert clip["stats"] == {"impressions": 0, "plays": 0, "completions": 0, "shares": 0}
    expires = datetime.fromisoformat(clip["urls_expire_at"]).timestamp()
    assert expires == pytest.approx(
        datetime.now(UTC).timestamp() + settings().signed_url_ttl_s, abs=5
    )


def test_unknown_unapproved_and_taken_down_clips(http):
    pending = seed_clip(f"ch{uuid.uuid4().hex[:10]}", status="PENDING_APPROVAL")
    removed = seed_clip(f"ch{uuid.uuid4().hex[:10]}")
    spanner_clips.hide_clip(removed.clip_id, "spam")

    for clip_id, status, code in [
        (str(uuid.uuid4()), 404, "clip_not_found"),
        (pending.clip_id, 404, "clip_not_found"),
        (removed.clip_id, 410, "clip_removed"),
    ]:
        response = http.get(f"/v1/clips/{clip_id}", headers=viewer())
        assert response.status_code == status, response.text
        assert response.json()["detail"]["code"] == code
    media = http.get(
        f"/v1/clips/{removed.recording_id}/{removed.clip_id}/hls.m3u8", headers=viewer()
    )
    assert media.status_code == 410 and media.json()["detail"]["code"] == "clip_removed"


def test_the_rendered_clips_playlist_is_served_with_every_segment_signed(http):
    seeded = seed_clip(f"ch{uuid.uuid4().hex[:10]}")
    folder = seeded.key.rsplit("/", 1)[0]
    bucket = settings().media_bucket
    s3.put_bytes(b"#EXTM3U\n#EXTINF:2.0,\nseg0.ts\n#EXT-X-ENDLIST\n", bucket,
                 f"{folder}/hls/clip.m3u8", "application/vnd.apple.mpegurl")  # fmt: skip
    spanner_clips.publish_rendered(
        seeded.recording_id,
        seeded.clip_id,
        spanner_clips.RenderedOutputs(bucket, f"{folder}/clip.mp4", f"{folder}/hls/clip.m3u8",
                                      None, None, 8.0, 720, 1280, 1000, -14.0, -1.0, "linear",
                                      "copy", 1.0),
    )  # fmt: skip

    detail = http.get(f"/v1/clips/{seeded.clip_id}", headers=viewer()).json()
    playlist = http.get(detail["hls_url"].replace("http://testserver", ""), headers=viewer())

    assert detail["rendition"] == "rendered" and (detail["width"], detail["height"]) == (720, 1280)
    assert playlist.status_code == 200
    segment = next(line for line in playlist.text.splitlines() if "seg0.ts" in line)
    assert f"{folder}/hls/seg0.ts" in segment and "Signature=" in segment


def test_search_finds_title_tag_and_program_words_best_first(http):
    channel = channel_with_program("Orbit Arena", "Zanzibar Cup Finals", ("esports", "zanzicup"))
    by_title = seed_clip(channel, evidence={"loudness": 0.9})
    other = seed_clip(f"ch{uuid.uuid4().hex[:10]}", evidence={"chat_rate": 0.8})

    assert [c["id"] for c in search(http, "zanzibar")["clips"]] == [by_title.clip_id]
    assert [c["id"] for c in search(http, "ZANZICUP")["clips"]] == [by_title.clip_id]  # a tag
    assert [c["id"] for c in search(http, "zanzibar erupts")["clips"]] == [by_title.clip_id]
    assert search(http, "zanzibar wild")["clips"] == []  # every word must match
    assert other.clip_id in [c["id"] for c in search(http, "chat goes wild", limit=50)["clips"]]


@pytest.mark.parametrize("q", ['"unbalanced', "-minus (paren", "a OR", "fin*", "AROUND(3)", "🙂"])
def test_search_operators_in_the_text_are_just_words(http, q):
    assert isinstance(search(http, q)["clips"], list)


def test_search_pages_keep_their_snapshot_and_drop_takedowns(http):
    channel = channel_with_program("Quasar TV", "Xylophone Hour", ())
    first_three = [seed_clip(channel, age_s=60 * i) for i in range(3)]
    fresh_feed()
    page = search(http, "xylophone", limit=1)
    seen = [c["id"] for c in page["clips"]]

    late = seed_clip(channel)  # matches too, but after the first page
    spanner_clips.hide_clip(first_three[2].clip_id, "test")
    while page["next_cursor"]:
        page = search(http, "xylophone", limit=1, cursor=page["next_cursor"])
        seen += [c["id"] for c in page["clips"]]

    assert late.clip_id not in seen
    assert sorted(seen) == sorted(c.clip_id for c in first_three[:2])
    assert late.clip_id in [c["id"] for c in search(http, "xylophone", limit=10)["clips"]]


def test_search_cursors_belong_to_their_query_and_age(http):
    seed_clip(channel_with_program("Pulsar", "Quokka Quest", ()))
    seed_clip(channel_with_program("Pulsar 2", "Quokka Quest", ()))
    cursor = search(http, "quokka", limit=1)["next_cursor"]
    assert cursor
    for params, status, code in [
        ({"q": "quest", "cursor": cursor}, 400, "invalid_cursor"),
        ({"q": "quokka", "cursor": "garbage!"}, 400, "invalid_cursor"),
        ({"q": "quokka", "cursor": _old_cursor("quokka")}, 410, "cursor_expired"),
        ({"q": ""}, 422, "invalid_request"),
        ({"q": "x" * 201}, 422, "invalid_request"),
        ({"q": "quokka", "limit": 51}, 422, "invalid_request"),
    ]:
        response = http.get("/v1/search", params=params, headers=viewer())
        assert response.status_code == status, (params, response.text)
        assert response.json()["detail"]["code"] == code


def _old_cursor(query: str) -> str:
    two_hours_ago = int((datetime.now(UTC) - timedelta(hours=2)).timestamp() * 1e6)
    return encode_search(SearchCursor(two_hours_ago, 1, query_digest(query)))


VIEWER_ROUTES = [
    "/v1/feed",
    "/v1/clips/{clip}",
    "/v1/search?q=anything",
    "/v1/clips/{recording}/{clip}/hls.m3u8",
    "/v1/clips/{recording}/{clip}/thumbnails.vtt",
]


@pytest.mark.parametrize("route", VIEWER_ROUTES)
def test_every_role_may_read_and_no_token_is_a_401(http, route):
    seeded = seed_clip(f"ch{uuid.uuid4().hex[:10]}", announce=False)
    url = route.format(clip=seeded.clip_id, recording=seeded.recording_id)

    anonymous = http.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"]["code"] == "unauthenticated"
    for role in Role:
        answer = http.get(url, headers=bearer(f"reader-{role}", role))
        # the media routes answer 404 for an instant clip (nothing rendered): still let in
        assert answer.status_code in (200, 404), (role, answer.text)
        assert answer.status_code == 200 or "clip_not_rendered" in answer.text
