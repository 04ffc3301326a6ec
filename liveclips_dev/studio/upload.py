"""What the web studio does to upload a past broadcast, and what AWS does after.

1. POST /v1/uploads for a ticket (as the channel's creator), 2. POST the file to S3 with
the ticket's form fields (the policy there enforces the size), 3. (AWS's part) S3 emits
Object Created, which EventBridge hands to the IVS bridge Lambda: here the event is built
with the documented shape and handed to the given sink.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from liveclips_dev.studio import ivs_events

_TIMEOUT_S = 60.0
LOCAL_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Uploaded:
    upload_id: str
    bucket: str
    key: str
    size: int


def upload_video(
    video: Path,
    *,
    api_url: str,
    bucket: str,
    channel_id: str,
    title: str,
    event_sink: Callable[[dict[str, Any]], None],
    headers: Mapping[str, str] | None = None,
    region: str = "us-east-1",
) -> Uploaded:
    """`headers` carry the creator's bearer token (the channel must be theirs)."""
    size = video.stat().st_size
    content_type = mimetypes.guess_type(video.name)[0] or "video/mp4"
    with httpx.Client(timeout=_TIMEOUT_S) as http:
        asked = http.post(
            f"{api_url}/v1/uploads",
            headers=dict(headers or {}),
            json={"channel_id": channel_id, "title": title, "content_type": content_type,
                  "size_bytes": size},
        )  # fmt: skip
        if asked.status_code != 201:
            raise RuntimeError(f"upload refused ({asked.status_code}): {asked.text}")
        ticket = asked.json()
        with video.open("rb") as body:
            sent = http.post(ticket["url"], data=ticket["fields"], files={"file": body})
        if sent.status_code >= 300:
            raise RuntimeError(f"S3 refused the upload ({sent.status_code}): {sent.text}")
    key = ticket["fields"]["key"]
    event_sink(
        ivs_events.s3_object_created(
            bucket=bucket,
            key=key,
            size=size,
            etag=sent.headers.get("ETag", uuid.uuid4().hex),
            sequencer=f"{int(datetime.now(UTC).timestamp() * 1e6):X}",
            request_id=uuid.uuid4().hex[:16].upper(),
            account=LOCAL_ACCOUNT,
            region=region,
            at=datetime.now(UTC),
        )
    )
    return Uploaded(ticket["upload_id"], bucket, key, size)
