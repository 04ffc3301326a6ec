"""What the web studio does before going live: find the creator's channel by name, or
create it (POST /v1/channels), through the API with the creator's bearer token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

_TIMEOUT_S = 30.0


def ensure_channel(
    api_url: str, headers: Mapping[str, str], name: str, *, private: bool = False
) -> dict[str, Any]:
    """The creator's channel called `name` (the API's ChannelView), made if missing. A
    newly made channel also carries its one-time `stream_key`."""
    with httpx.Client(base_url=api_url, headers=dict(headers), timeout=_TIMEOUT_S) as http:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
            page = _ok(http.get("/v1/channels", params=params), 200, "listing channels")
            for channel in page["channels"]:
                if channel["name"] == name:
                    return dict(channel)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        made = _ok(
            http.post("/v1/channels", json={"name": name, "private": private}), 201, "creating"
        )
    return {**made["channel"], "stream_key": made["stream_key"]}


def _ok(answer: httpx.Response, status: int, doing: str) -> dict[str, Any]:
    if answer.status_code != status:
        raise RuntimeError(f"{doing} failed ({answer.status_code}): {answer.text}")
    body: dict[str, Any] = answer.json()
    return body
