"""What happens to a highlight once it is decided, whoever decided it.

Auto and marker highlights come from the live detector, manual picks from the content
team; marquee ones wait for a person. Every step is keyed by the highlight's
deterministic ids, so submitting the same highlight twice repeats nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from liveclips import resources
from liveclips.adapters import pubsub, spanner_highlights, tasks
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_highlights import Status
from liveclips.contracts.events import HighlightDetected, RenderClipTask, SegmentAnalyzed
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.highlight_engine.types import Detection
from liveclips.domain.ids import clip_id, highlight_id, stable_id
from liveclips.domain.lifecycle import RecordingRecord
from liveclips.services import clips

HIGHLIGHTS_TOPIC = resources.HIGHLIGHTS_TOPIC
MANUAL_SCORE = 100.0  # above any detector score: a person's pick ranks first


@dataclass(frozen=True)
class RecordingRef:
    """Where a detection's recording is, and when it started, to name and place clips."""

    bucket: str
    prefix: str
    recording_id: str
    channel_id: str
    started_at: datetime
    recorded_until_s: float

    @classmethod
    def of(cls, segment: SegmentAnalyzed, recording_epoch_s: float) -> RecordingRef:
        return cls(
            bucket=segment.bucket,
            prefix=segment.recording_prefix,
            recording_id=segment.recording_id,
            channel_id=segment.channel_id,
            started_at=datetime.fromtimestamp(recording_epoch_s, UTC),
            recorded_until_s=segment.start_s + segment.duration_s,
        )

    def highlight(self, detection: Detection) -> HighlightDetected:
        # A clip cannot reach past what the recording has written yet.
        start, end = detection.start_s, min(detection.end_s, self.recorded_until_s)
        ended_at = self.started_at + timedelta(seconds=end)
        evidence = ", ".join(f"{k} {v:.1f}" for k, v in sorted(detection.evidence.items()))
        return HighlightDetected(
            event_id=stable_id("highlight.detected", self.recording_id, round(start * 1000)),
            occurred_at=ended_at,
            highlight_id=highlight_id(self.recording_id, start),
            clip_id=clip_id(self.recording_id, start, end, FEED_PRESET),
            bucket=self.bucket,
            recording_prefix=self.prefix,
            recording_id=self.recording_id,
            channel_id=self.channel_id,
            moment_start_s=start,
            moment_end_s=end,
            moment_ended_at=ended_at,
            clip_start_s=start,
            clip_end_s=end,
            score=detection.score,
            reason=f"{detection.kind} highlight, score {detection.score:.2f} ({evidence})",
            kind=detection.kind,
            marquee=detection.marquee,
            evidence=dict(detection.evidence),
        )


def manual(
    recording: RecordingRecord, start_s: float, end_s: float, reason: str
) -> HighlightDetected:
    """A person's clip of [start_s, end_s) on the recording's time axis, clipped exactly as
    given (the content team's pick, the creator's "clip the last N s")."""
    if recording.started_at is None:
        raise ValueError(f"recording {recording.recording_id} has no start time yet")
    recording_id = recording.recording_id
    ended_at = recording.started_at + timedelta(seconds=end_s)
    pick_key = (recording_id, round(start_s * 1000), round(end_s * 1000))
    return HighlightDetected(
        event_id=stable_id("highlight.manual", *pick_key),
        occurred_at=ended_at,
        # Its own id space: a pick never merges with a detection that starts alike.
        highlight_id=stable_id("manual", *pick_key),
        clip_id=clip_id(recording_id, start_s, end_s, FEED_PRESET),
        bucket=recording.bucket,
        recording_prefix=recording.key_prefix,
        recording_id=recording_id,
        channel_id=recording.channel_id,
        moment_start_s=start_s,
        moment_end_s=end_s,
        moment_ended_at=ended_at,
        clip_start_s=start_s,
        clip_end_s=end_s,
        score=MANUAL_SCORE,
        reason=reason,
        kind="manual",
    )


def submit(highlight: HighlightDetected) -> Status:
    """Store the candidate and, unless it must wait for approval, have it rendered."""
    wanted: Status = "PENDING_APPROVAL" if highlight.marquee else "APPROVED"
    status = spanner_highlights.record(highlight, wanted)
    if status == "APPROVED":
        _enqueue_renders(highlight)
    pubsub.publish(HIGHLIGHTS_TOPIC, highlight, ordering_key=highlight.channel_id)
    return status


def approve(highlight_id: str) -> spanner_highlights.Candidate | None:
    candidate = spanner_highlights.decide(highlight_id, "APPROVED")
    if candidate is not None:
        _enqueue_renders(candidate.highlight)
    return candidate


def rendered_presets() -> list[str]:
    """Every preset an approved highlight is rendered in, the feed's first."""
    return list(dict.fromkeys([FEED_PRESET, *settings().clip_presets]))


def _enqueue_renders(highlight: HighlightDetected) -> None:
    # Playable at once, whatever the render queue holds; the feed's preset renders first.
    clips.try_publish_instant(highlight)
    for preset in rendered_presets():
        # Sharing presets are scheduled later, so a render queue that holds earlier
        # highlights' sharing renders still renders this one's feed clip next.
        delay = 0.0 if preset == FEED_PRESET else settings().sharing_render_delay_s
        tasks.enqueue_render(RenderClipTask(highlight=highlight, preset=preset), delay_s=delay)


def reject(highlight_id: str) -> spanner_highlights.Candidate | None:
    return spanner_highlights.decide(highlight_id, "REJECTED")
