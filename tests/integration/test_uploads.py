"""A creator's upload takes the show's path: presigned POST -> S3 Object Created -> probe
and poster -> VOD -> the post-show highlight pass -> clips cut from the title's HLS."""

from __future__ import annotations

import base64
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from liveclips.adapters import s3, spanner_vod
from liveclips.adapters.config import settings
from liveclips.domain.access import Role
from liveclips_dev.cli.broadcast import bridge_sink
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from liveclips_dev.studio import ivs_events
from liveclips_dev.studio.channels import ensure_channel
from liveclips_dev.studio.synth import default_moments, synthesize_show
from liveclips_dev.studio.upload import upload_video
from tests.integration.test_vod import wait_for_state
from tests.support import bearer, pull

pytestmark = pytest.mark.integration
UPLOADER = "upload-creator"


def _env(name: str) -> str:
    return os.environ[name]


def channel_id(name: str = "UploadChannel1", owner: str = UPLOADER) -> str:
    """The creator's channel (made through the API once): uploads go to owned channels."""
    return str(ensure_channel(_env("LIVECLIPS_API_URL"), bearer(owner, "creator"), name)["id"])


def send(video: Path, channel: str = "UploadChannel1") -> str:
    return upload_video(
        video,
        api_url=_env("LIVECLIPS_API_URL"),
        bucket=settings().uploads_bucket,
        channel_id=channel_id(channel),
        title=video.stem,
        event_sink=bridge_sink(),
        headers=bearer(UPLOADER, "creator"),
    ).upload_id


def ask(channel: str, headers: dict[str, str], **body: object) -> httpx.Response:
    fields = {"channel_id": channel, "title": "t", "content_type": "video/mp4", "size_bytes": 5}
    return httpx.post(
        f"{_env('LIVECLIPS_API_URL')}/v1/uploads", json={**fields, **body}, headers=headers
    )


@pytest.fixture(scope="module")
def past_broadcast(tmp_path_factory) -> Path:
    """45 s at 640x360 with one loud, busy moment at 30-34 s (the studio's own show)."""
    out = tmp_path_factory.mktemp("upload") / "past-broadcast.mp4"
    return synthesize_show(out, 45.0, default_moments(45.0), width=640, height=360)


def test_an_upload_becomes_a_title_then_clips(cloud, past_broadcast):
    with fresh_subscription("clips") as clips:
        # WHEN a creator uploads a past broadcast
        upload_id = send(past_broadcast)

        # THEN it is probed (poster at once), transcoded into a ladder capped at its 360p
        title = wait_for_state(upload_id, {"READY", "FAILED"}, timeout_s=180)
        assert title.state == "READY", title.last_error
        assert (title.kind, title.source_width, title.source_height) == ("upload", 640, 360)
        assert abs((title.source_duration_ms or 0) - 45_000) < 200
        assert title.poster_key == f"vod/{upload_id}/poster.jpg"
        assert s3.read_bytes(settings().media_bucket, title.poster_key)[:2] == b"\xff\xd8"
        assert [r.name for r in spanner_vod.renditions(upload_id)] == ["360p", "234p"]

        # ... and the post-show pass clips its moment, cut from the title's own HLS
        published = this_uploads_clips(clips, upload_id, timeout_s=180)
    assert {m.attributes["type"] for m in published} == {"clip.published"}
    bodies = [m.data.decode() for m in published]
    rendered = [b for b in bodies if '"rendition":"rendered"' in b]
    assert rendered, bodies


def this_uploads_clips(subscription: str, upload_id: str, timeout_s: float) -> list:
    """Until its rendered clip arrives: other tests' renders publish on the topic too."""
    mine: list = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        mine += [m for m in pull(subscription, timeout_s=5) if upload_id in m.data.decode()]
        if any('"rendition":"rendered"' in m.data.decode() for m in mine):
            break
    return mine


def test_the_title_is_served_with_every_reference_signed(cloud, past_broadcast):
    upload_id = send(past_broadcast, channel="UploadChannel2")
    wait_for_state(upload_id, {"READY"}, timeout_s=180)
    base = _env("LIVECLIPS_API_URL")

    detail = httpx.get(f"{base}/v1/vod/{upload_id}", headers=bearer("upload-viewer")).json()
    master = httpx.get(detail["hls_url"], headers=bearer("upload-viewer")).text
    variant_urls = [line for line in master.splitlines() if line and not line.startswith("#")]
    rendition = httpx.get(variant_urls[0], headers=bearer("upload-viewer")).text
    segment_urls = [line for line in rendition.splitlines() if line and not line.startswith("#")]

    assert detail["state"] == "READY" and detail["duration_s"] == pytest.approx(45, abs=2)
    assert [r["height"] for r in detail["renditions"]] == [360, 234]
    assert variant_urls[0] == f"{base}/v1/vod/{upload_id}/index_360p.m3u8"
    assert all("Signature" in url for url in segment_urls)
    assert httpx.get(segment_urls[0]).content[:1] == b"\x47"  # an MPEG-TS sync byte
    assert httpx.get(detail["poster_url"]).status_code == 200


def test_a_file_that_is_not_a_video_fails_with_its_reason_and_a_dead_letter(cloud, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_bytes(b"these are my show notes, not a video" * 100)
    with fresh_subscription("dead-letter") as dead:
        upload_id = send(notes)
        title = wait_for_state(upload_id, {"FAILED"}, timeout_s=60)
        letters = [m for m in pull(dead, timeout_s=10) if upload_id in m.data.decode()]
    assert "not a playable video" in (title.last_error or "")
    assert [m.attributes["dead_letter_source"] for m in letters] == ["ingest_upload"]


def test_the_upload_policy_pins_key_type_and_size(cloud):
    # S3 enforces the POST policy; moto accepts any form (a known stand-in quirk), so the
    # policy itself is what is checked here.
    ticket = ask(channel_id(), bearer(UPLOADER, "creator"), size_bytes=1024).json()
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 1024] in conditions
    assert {"Content-Type": "video/mp4"} in conditions
    assert {"key": f"uploads/{ticket['upload_id']}/source"} in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= settings().upload_url_ttl_s


@pytest.mark.parametrize(
    ("change", "field"),
    [({"content_type": "text/plain"}, "text/plain"), ({"size_bytes": 0}, "size_bytes"),
     ({"title": ""}, "title"), ({"channel_id": "a/b"}, "channel_id")],
)  # fmt: skip
def test_bad_upload_requests_are_refused_with_the_reason(cloud, change, field):
    answer = ask(channel_id(), bearer(UPLOADER, "creator"), **change)
    assert answer.status_code == 422
    assert field in answer.text


def test_an_unknown_upload_id_is_dead_lettered(cloud):
    with fresh_subscription("dead-letter") as dead:
        stray = "0b6d2c1e-5a43-4a1f-9d3e-2f8c8e6b7a10"
        s3.put_bytes(b"x", settings().uploads_bucket, f"uploads/{stray}/source", "video/mp4")
        bridge_sink()(
            ivs_events.s3_object_created(
                bucket=settings().uploads_bucket, key=f"uploads/{stray}/source", size=1,
                etag="e", sequencer="1", request_id="r", account="123456789012",
                region="us-east-1", at=datetime.now(UTC),
            )
        )  # fmt: skip
        time.sleep(1)
        letters = [m for m in pull(dead, timeout_s=10) if stray in m.data.decode()]
    assert letters and "no upload was requested" in letters[0].attributes["dead_letter_reason"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 201), ("other", 403), (Role.ADMIN, 201), (Role.MODERATOR, 403),
     (Role.VIEWER, 403), (None, 401)],
)  # fmt: skip
def test_only_the_channels_creator_or_an_admin_may_upload_to_it(cloud, who, status):
    if who is None:
        headers = {}
    elif who in ("owner", "other"):
        headers = bearer(UPLOADER if who == "owner" else "another-creator", "creator")
    else:
        headers = bearer(f"upload-{who}", str(who))
    answer = ask(channel_id(), headers)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.json()["detail"]["code"] == "forbidden"


def test_an_upload_to_an_unknown_channel_is_a_404(cloud):
    answer = ask("NoSuchChannel", bearer(UPLOADER, "creator"))
    assert answer.status_code == 404 and answer.json()["detail"]["code"] == "channel_not_found"
