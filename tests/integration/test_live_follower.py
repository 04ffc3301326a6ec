"""The live follower (ADR 0016) on the local cloud: a live show's planted moment becomes a
highlight from its ~2 s live segments, before the recording has written the segment the
moment ends in, and its instant clip plays from the live segments copied into S3."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from liveclips.adapters import redis_store, s3, spanner_channels, spanner_highlights
from liveclips.adapters.config import settings
from liveclips.domain.hls import parse_media_playlist
from liveclips.domain.live_playlist import live_copy_prefix
from liveclips.media.ffmpeg import ffprobe_json
from liveclips.services import highlights
from liveclips_dev.cli.broadcast import bridge_sink
from liveclips_dev.studio.live_server import live_server
from liveclips_dev.studio.playout import Studio
from liveclips_dev.studio.run import prepare_show
from liveclips_dev.studio.synth import PlantedMoment

pytestmark = pytest.mark.integration

# Ends early in the recorded segment [30, 40), which the recording writes at show second
# 40; the detector decides once the room has been calm for 3 s after it.
MOMENT = PlantedMoment(27.0, 31.0)
DURATION_S = 44.0


def _objects(bucket: str, prefix: str) -> list[str]:
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def test_a_live_moment_is_clipped_from_the_live_segments(cloud, tmp_path: Path) -> None:
    # GIVEN a channel whose playback URL serves the studio's live playlist
    channel_id = f"LiveFollow{uuid.uuid4().hex[:8]}"
    arn = f"arn:aws:ivs:us-east-1:123456789012:channel/{channel_id}"
    show, _ = prepare_show(
        "synthetic", tmp_path / "show", duration_s=DURATION_S, moments=(MOMENT,), channel_arn=arn
    )
    live_dir = tmp_path / "live"
    media = settings().media_bucket
    seen: dict[str, object] = {}
    with live_server(live_dir) as url:
        spanner_channels.create(
            spanner_channels.Channel(
                channel_id=channel_id,
                channel_arn=arn,
                owner_user_id="live-follower-test",
                name=channel_id,
                private=False,
                playback_url=url,
                ingest_endpoint="",
                latency_mode="LOW",
                type="STANDARD",
                stream_key_arn=None,
            )
        )
        studio = Studio(
            s3=s3.client(),
            bucket=settings().recordings_bucket,
            channel_arn=arn,
            event_sink=bridge_sink(),
            speed=1.0,
            live_dir=live_dir,
            serve_live=False,
        )
        done: dict[str, object] = {}
        thread = threading.Thread(target=lambda: done.update(run=studio.broadcast(show)))
        thread.start()
        # WHEN it goes live, the content team approving what waits for a person (a loud
        # moment in a quiet room is marquee), watch for the moment's instant clip and for
        # the recorded segment the moment ends in, whichever comes first
        clips_prefix = f"clips/{channel_id}/"
        while thread.is_alive() or "instant" not in seen:
            for waiting in spanner_highlights.pending(50):
                if waiting.channel_id == channel_id:
                    highlights.approve(waiting.highlight_id)
            keys = [k for k in _objects(media, clips_prefix) if k.endswith("/instant.m3u8")]
            if keys and "instant" not in seen:
                recording = settings().recordings_bucket
                recorded = [
                    k for k in _objects(recording, f"ivs/v1/123456789012/{channel_id}/")
                    if k.endswith(".ts")
                ]  # fmt: skip
                seen.update(instant=keys[0], recorded=recorded)
            if not thread.is_alive() and "instant" not in seen:
                break
            time.sleep(0.2)
        thread.join()

    # THEN there is an instant clip of the moment, decided before the recording had the
    # segment [30, 40) s the moment ends in, and cut from the live copies
    assert "instant" in seen, "no instant clip was published"
    assert not [k for k in seen["recorded"] if k.endswith("/3.ts")], seen["recorded"]  # type: ignore[attr-defined]
    manifest = s3.read_bytes(media, str(seen["instant"])).decode()
    run = done["run"]
    recording_id = run.recording_prefix.rsplit("/", 1)[-1]  # type: ignore[attr-defined]
    copies = live_copy_prefix(channel_id, recording_id)
    segment_urls = [line for line in manifest.splitlines() if line and not line.startswith("#")]
    assert segment_urls and all(f"/{copies}/" in u for u in segment_urls), manifest
    # AND it plays from those copies (the live window has long slid past them)
    joined = tmp_path / "instant.ts"
    with joined.open("wb") as out:
        for segment_url in segment_urls:
            out.write(httpx.get(segment_url, timeout=10).raise_for_status().content)
    probed = ffprobe_json(joined, ["-show_entries", "format=duration"])
    planned = parse_media_playlist(manifest)
    assert float(probed["format"]["duration"]) >= planned.duration_s - 1.0
    # AND the follower fed the detector from the live side
    cursor = json.loads(str(redis_store.client().get(f"live-follow:cursor:{recording_id}")))
    assert cursor["fed"] > 0
