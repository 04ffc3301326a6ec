"""Clips for the feed, search and clip-detail tests, made through the same adapters the
pipeline uses (a highlight row, then the instant clip), on the emulators."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from functions.gcp.main import index_feed
from liveclips.adapters import feed_cache, redis_store, spanner, spanner_clips, spanner_highlights
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_clips import ClipRef
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.ids import clip_id, highlight_id
from liveclips.services.clips import clip_published
from tests.support import deliver


@dataclass(frozen=True)
class Seeded:
    highlight: HighlightDetected
    key: str

    @property
    def clip_id(self) -> str:
        return self.highlight.clip_id

    @property
    def recording_id(self) -> str:
        return self.highlight.recording_id


def highlight(channel: str, *, evidence: dict[str, float] | None = None, kind: str = "auto"):
    recording_id = f"rec{uuid.uuid4().hex[:16]}"
    now = datetime.now(UTC)
    return HighlightDetected(
        event_id=f"feed-test-{recording_id}",
        occurred_at=now,
        highlight_id=highlight_id(recording_id, 12.0),
        clip_id=clip_id(recording_id, 12.0, 20.0, FEED_PRESET),
        bucket=settings().recordings_bucket,
        recording_prefix=f"ivs/v1/123456789012/{channel}/2026/11/23/20/0/{recording_id}",
        recording_id=recording_id,
        channel_id=channel,
        moment_start_s=12.0,
        moment_end_s=20.0,
        moment_ended_at=now,
        clip_start_s=12.0,
        clip_end_s=20.0,
        score=4.0,
        reason="test",
        kind=kind,
        evidence=evidence if evidence is not None else {"chat_hype": 0.6, "loudness": 0.3},
    )


def seed_clip(
    channel: str,
    *,
    age_s: float = 0.0,
    status: str = "APPROVED",
    evidence: dict[str, float] | None = None,
    kind: str = "auto",
    announce: bool = True,
) -> Seeded:
    """A visible instant clip published `age_s` ago; `announce`: as index_feed hears it."""
    made = highlight(channel, evidence=evidence, kind=kind)
    spanner_highlights.record(made, status)  # type: ignore[arg-type]
    key = f"clips/{channel}/{made.recording_id}/{made.clip_id}/instant.m3u8"
    published = spanner_clips.publish_instant(made, FEED_PRESET, settings().media_bucket, key)
    assert published is not None
    if age_s:
        set_published_at(made, datetime.now(UTC) - timedelta(seconds=age_s))
    if announce:
        announce_clip(made, key)
    return Seeded(made, key)


def set_published_at(made: HighlightDetected, at: datetime) -> None:
    with spanner.database().batch() as batch:
        batch.update(
            "Clips",
            columns=("RecordingId", "ClipId", "PublishedAt"),
            values=[(made.recording_id, made.clip_id, at)],
        )


def announce_clip(made: HighlightDetected, key: str) -> None:
    """clip.published through the real Cloud Function entry point."""
    event = clip_published(
        made,
        ClipRef(made.clip_id, None, FEED_PRESET),
        "instant",
        datetime.now(UTC),
        bucket=settings().media_bucket,
        key=key,
    )
    deliver(index_feed, event)


def fresh_feed() -> None:
    """Forget the hot snapshot and the rebuild throttle, as a new publication would."""
    feed_cache.drop_hot()
    redis_store.client().delete(feed_cache.LOCK)
