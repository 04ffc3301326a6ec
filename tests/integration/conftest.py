from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from liveclips.adapters import s3
from liveclips.adapters.config import settings
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.ids import clip_id, highlight_id
from liveclips_dev.cli.broadcast import bridge_sink
from liveclips_dev.studio.run import StudioRun, run_studio


@pytest.fixture(scope="session")
def quiet_show(cloud, tmp_path_factory) -> StudioRun:
    """A short show with nothing worth clipping, recorded through the whole pipeline."""
    return run_studio(
        "synthetic",
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/QuietChannel1",
        event_sink=bridge_sink(),
        workdir=tmp_path_factory.mktemp("quiet-show"),
        duration_s=14.0,
        speed=20.0,
        moments=(),
        serve_live=False,
    )


def highlight_of(run: StudioRun, start_s: float, end_s: float, **extra: Any) -> HighlightDetected:
    """A highlight of [start_s, end_s) in a recorded show, as the detector would name it."""
    recording_id = run.broadcast.recording_prefix.rsplit("/", 1)[-1]
    ended_at = run.broadcast.started_at + timedelta(seconds=end_s)
    fields: dict[str, Any] = {
        "event_id": f"test-{recording_id}-{start_s}",
        "occurred_at": ended_at,
        "highlight_id": highlight_id(recording_id, start_s),
        "clip_id": clip_id(recording_id, start_s, end_s, FEED_PRESET),
        "bucket": run.broadcast.bucket,
        "recording_prefix": run.broadcast.recording_prefix,
        "recording_id": recording_id,
        "channel_id": run.broadcast.channel_arn.rsplit("/", 1)[-1],
        "moment_start_s": start_s,
        "moment_end_s": end_s,
        "moment_ended_at": ended_at,
        "clip_start_s": start_s,
        "clip_end_s": end_s,
        "score": 20.0,
        "reason": "test",
    }
    return HighlightDetected(**{**fields, **extra})


def copy_of_recording(run: StudioRun, name: str) -> tuple[str, str]:
    """The show's recording again under a new recording id (a recording no pipeline has
    seen): (recording id, prefix)."""
    source = run.broadcast.recording_prefix
    recording_id = f"{name}{uuid.uuid4().hex[:10]}"
    prefix = f"{source.rsplit('/', 1)[0]}/{recording_id}"
    client = s3.client()
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=run.broadcast.bucket, Prefix=f"{source}/"
    ):
        for item in page.get("Contents", []):
            client.copy_object(
                Bucket=run.broadcast.bucket,
                Key=prefix + item["Key"][len(source) :],
                CopySource={"Bucket": run.broadcast.bucket, "Key": item["Key"]},
            )
    return recording_id, prefix
