"""The creator studio on a live stream, in-process on the local cloud: "clip that" (IVS
timed metadata through the stand-in, our 5/s limit, IVS's refusals), "clip the last N s"
through the normal render path, the host prompts, and who may do each."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from liveclips.adapters import spanner, spanner_clips, spanner_highlights
from liveclips.api import studio
from liveclips.api.app import app
from liveclips.domain.access import Role
from tests.integration.studio_support import as_role, go_live, make_channel, user
from tests.support import bearer

pytestmark = pytest.mark.integration


@pytest.fixture
def http(cloud) -> Iterator[TestClient]:
    yield TestClient(app)


@pytest.fixture
def live(http) -> tuple[str, dict, str]:
    """(owner, channel, stream id) of a stream live in Spanner and in IVS."""
    owner = user()
    channel = make_channel(http, owner)["channel"]
    return owner, channel, go_live(channel)


def metadata_of(arn: str) -> list[dict]:
    """What the IVS stand-in accepted for the channel (what viewers' players would get)."""
    kept = httpx.get(f"{os.environ['AWS_ENDPOINT_URL_IVS']}/_metadata", timeout=5).json()
    return [json.loads(m["metadata"]) for m in kept["metadata"] if m["channelArn"] == arn]


def headers_for(who: Role | str | None, owner: str) -> dict[str, str]:
    if who is None:
        return {}
    if who == "owner":
        return bearer(owner, "creator")
    return as_role(Role.CREATOR if who == "other" else who)


def test_clip_that_reaches_viewers_as_timed_metadata(http, live):
    owner, channel, stream_id = live

    answer = http.post(f"/v1/streams/{stream_id}/markers", headers=bearer(owner, "creator"))

    assert answer.status_code == 202, answer.text
    marker_id = answer.json()["marker_id"]
    assert metadata_of(channel["arn"]) == [{"type": "clip_that", "marker_id": marker_id}]


def test_a_sixth_marker_in_a_second_is_refused_before_ivs(http, live):
    owner, channel, stream_id = live
    answers = [
        http.post(f"/v1/streams/{stream_id}/markers", headers=bearer(owner, "creator"))
        for _ in range(6)
    ]

    assert [a.status_code for a in answers] == [202] * 5 + [429]
    refused = answers[-1]
    assert refused.json()["detail"]["code"] == "marker_rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert len(metadata_of(channel["arn"])) == 5  # the sixth never reached IVS


def test_ivs_throttling_is_the_same_429(http, live, monkeypatch):
    owner, _channel, stream_id = live
    monkeypatch.setattr(studio.rate_limits, "retry_after_s", lambda *limits: 0.0)

    answers = [
        http.post(f"/v1/streams/{stream_id}/markers", headers=bearer(owner, "creator"))
        for _ in range(6)
    ]

    assert [a.status_code for a in answers] == [202] * 5 + [429]
    assert answers[-1].json()["detail"]["code"] == "marker_rate_limited"
    assert answers[-1].headers["Retry-After"] == "1"


def test_a_marker_needs_the_stream_live_here_and_in_ivs(http):
    owner = user()
    channel = make_channel(http, owner)["channel"]
    not_in_ivs = go_live(channel, in_ivs=False)
    ended = go_live(channel, in_ivs=False)
    spanner.apply_stream_change(
        stream_id=ended, channel_id=channel["id"], change="ended", at=datetime.now(UTC)
    )

    for stream_id in (not_in_ivs, ended):
        answer = http.post(f"/v1/streams/{stream_id}/markers", headers=bearer(owner, "creator"))
        assert answer.status_code == 409, answer.text
        assert answer.json()["detail"]["code"] == "stream_not_live"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 202), ("other", 403), (Role.ADMIN, 202), (Role.MODERATOR, 403),
     (Role.VIEWER, 403), (None, 401)],
)  # fmt: skip
def test_markers_are_the_channel_owners_and_admins(http, live, who, status):
    owner, _channel, stream_id = live
    answer = http.post(f"/v1/streams/{stream_id}/markers", headers=headers_for(who, owner))
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.json()["detail"]["code"] == "forbidden"


def test_markers_and_clips_on_unknown_streams_and_channels_are_404s(http):
    admin = as_role(Role.ADMIN)
    orphan = f"st-{uuid.uuid4().hex[:23]}"
    spanner.apply_stream_change(
        stream_id=orphan, channel_id="NeverMade01", change="started", at=datetime.now(UTC)
    )
    for path, code in (
        ("/v1/streams/st-nope/markers", "stream_not_found"),
        ("/v1/streams/st-nope/clips", "stream_not_found"),
        (f"/v1/streams/{orphan}/markers", "channel_not_found"),
        (f"/v1/streams/{orphan}/clips", "channel_not_found"),
    ):
        answer = http.post(path, headers=admin)
        assert (answer.status_code, answer.json()["detail"]["code"]) == (404, code), path


def live_recording(stream_id: str, channel_id: str, show, started_ago_s: float) -> str:
    """A recording of the live stream whose media is the quiet show's (already in S3):
    'now' on its time axis is `started_ago_s`, inside what the show recorded."""
    recording_id = f"rec{uuid.uuid4().hex[:12]}"
    spanner.apply_recording_change(
        recording_id=recording_id,
        channel_id=channel_id,
        stream_id=stream_id,
        bucket=show.broadcast.bucket,
        key_prefix=show.broadcast.recording_prefix,
        change="started",
        at=datetime.now(UTC) - timedelta(seconds=started_ago_s),
    )
    return recording_id


def clip_state(recording_id: str, clip_id: str) -> str | None:
    row = spanner_clips.clip_row(recording_id, clip_id)
    return row["State"] if row else None


def test_the_last_seconds_are_clipped_exactly_and_rendered(http, quiet_show):
    owner = user()
    channel = make_channel(http, owner)["channel"]
    stream_id = go_live(channel, in_ivs=False)
    recording_id = live_recording(stream_id, channel["id"], quiet_show, started_ago_s=12.0)

    answer = http.post(
        f"/v1/streams/{stream_id}/clips", json={"last_s": 5}, headers=bearer(owner, "creator")
    )

    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["recording_id"] == recording_id and body["status"] == "APPROVED"
    assert body["end_s"] == pytest.approx(12.0, abs=1.0)
    assert body["end_s"] - body["start_s"] == pytest.approx(5.0, abs=0.01)
    found = spanner_highlights.find(body["highlight_id"])
    assert found is not None and found.highlight.kind == "manual"
    assert (found.highlight.clip_start_s, found.highlight.clip_end_s) == (
        body["start_s"], body["end_s"]
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while clip_state(recording_id, body["clip_id"]) != "PUBLISHED" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert clip_state(recording_id, body["clip_id"]) == "PUBLISHED"


@pytest.mark.parametrize("body", [{"last_s": 4}, {"last_s": 121}, {"last_s": "x"}, {"n": 1}])
def test_a_clip_length_out_of_range_is_a_422(http, live, body):
    owner, _channel, stream_id = live
    answer = http.post(
        f"/v1/streams/{stream_id}/clips", json=body, headers=bearer(owner, "creator")
    )
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 409), ("other", 403), (Role.ADMIN, 409), (Role.MODERATOR, 403),
     (Role.VIEWER, 403), (None, 401)],
)  # fmt: skip
def test_manual_clips_are_the_channel_owners_and_admins(http, live, who, status):
    # No recording yet: who may clip gets 409 recording_not_started, not a clip.
    owner, _channel, stream_id = live
    answer = http.post(f"/v1/streams/{stream_id}/clips", headers=headers_for(who, owner))
    assert answer.status_code == status, answer.text
    if status == 409:
        assert answer.json()["detail"]["code"] == "recording_not_started"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("other", 403), (Role.ADMIN, 200), (Role.MODERATOR, 200),
     (Role.VIEWER, 403), (None, 401)],
)  # fmt: skip
def test_host_prompts_are_the_owners_and_the_content_teams(http, live, who, status):
    owner, _channel, stream_id = live
    answer = http.get(f"/v1/streams/{stream_id}/prompts", headers=headers_for(who, owner))
    assert answer.status_code == status, answer.text


def test_a_clip_on_an_ended_stream_is_a_409(http):
    owner = user()
    channel = make_channel(http, owner)["channel"]
    stream_id = go_live(channel, in_ivs=False)
    spanner.apply_stream_change(
        stream_id=stream_id, channel_id=channel["id"], change="ended", at=datetime.now(UTC)
    )
    answer = http.post(f"/v1/streams/{stream_id}/clips", headers=bearer(owner, "creator"))
    assert answer.status_code == 409 and answer.json()["detail"]["code"] == "stream_not_live"
