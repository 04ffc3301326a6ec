"""Creators, channels and live streams for the studio's API tests."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from liveclips.adapters import spanner
from liveclips.domain.access import Role
from liveclips_dev.studio.ivs_events import parse_channel_arn, stream_state_change
from tests.support import bearer

ROLES = tuple(Role)


def user(kind: str = "creator") -> str:
    """A fresh user per test: rate limits and ownership never leak between tests."""
    return f"{kind}-{uuid.uuid4().hex[:10]}"


def as_role(role: Role | str, who: str | None = None) -> dict[str, str]:
    return bearer(who or user(str(role)), str(role))


def make_channel(http: TestClient, owner: str, **body: Any) -> dict[str, Any]:
    """POST /v1/channels as `owner` (a creator): the ChannelCreated body."""
    answer = http.post(
        "/v1/channels",
        json={"name": f"ch-{uuid.uuid4().hex[:8]}", **body},
        headers=bearer(owner, "creator"),
    )
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def tell_ivs(channel_arn: str, event_name: str, stream_id: str) -> None:
    """What the local studio tells the IVS stand-in when a stream starts or ends."""
    event = stream_state_change(
        parse_channel_arn(channel_arn),
        event_name=event_name,  # type: ignore[arg-type]
        stream_id=stream_id,
        at=datetime.now(UTC),
    )
    ivs_url = os.environ["AWS_ENDPOINT_URL_IVS"]
    httpx.post(f"{ivs_url}/_stream-events", json=event, timeout=5).raise_for_status()


def go_live(channel: dict[str, Any], *, in_ivs: bool = True, started_ago_s: float = 0.0) -> str:
    """A LIVE stream of the channel in Spanner (as the lifecycle function records it), and
    in IVS unless `in_ivs` is False."""
    stream_id = f"st-{uuid.uuid4().hex[:23]}"
    spanner.apply_stream_change(
        stream_id=stream_id,
        channel_id=channel["id"],
        change="started",
        at=datetime.now(UTC) - timedelta(seconds=started_ago_s),
    )
    if in_ivs:
        tell_ivs(channel["arn"], "Stream Start", stream_id)
    return stream_id
