"""What happens to a highlight once it is decided, whoever decided it.

Auto and marker highlights come from the live detector, manual picks from the content
team; marquee ones wait for a person. Every step is keyed by the highlight's
deterministic ids, so submitting the same highlight twice repeats nothing.
"""

from __future__ import annotations

from adapters import pubsub, spanner_highlights, tasks
from adapters.spanner_highlights import Status
from schemas.events import HighlightDetected, RenderClipTask

HIGHLIGHTS_TOPIC = "highlights"


def submit(highlight: HighlightDetected) -> Status:
    """Store the candidate and, unless it must wait for approval, have it rendered."""
    wanted: Status = "PENDING_APPROVAL" if highlight.marquee else "APPROVED"
    status = spanner_highlights.record(highlight, wanted)
    if status == "APPROVED":
        tasks.enqueue_render(RenderClipTask(highlight=highlight))
    pubsub.publish(HIGHLIGHTS_TOPIC, highlight, ordering_key=highlight.channel_id)
    return status


def approve(highlight_id: str) -> spanner_highlights.Candidate | None:
    candidate = spanner_highlights.decide(highlight_id, "APPROVED")
    if candidate is not None:
        tasks.enqueue_render(RenderClipTask(highlight=candidate.highlight))
    return candidate


def reject(highlight_id: str) -> spanner_highlights.Candidate | None:
    return spanner_highlights.decide(highlight_id, "REJECTED")
