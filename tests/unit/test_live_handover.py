"""Two sources, one detector: each show second is fed once, whichever source has it first."""

from __future__ import annotations

from datetime import UTC, datetime

from liveclips.contracts.events import SegmentAnalyzed
from liveclips.services.segments import trimmed

T0 = datetime(2026, 12, 8, 3, 0, 0, tzinfo=UTC)


def analysis(start_s: float, duration_s: float) -> SegmentAnalyzed:
    seconds = round(duration_s)
    return SegmentAnalyzed(
        event_id=f"e{start_s}",
        occurred_at=T0,
        bucket="b",
        recording_prefix="p",
        recording_id="r",
        channel_id="c",
        rendition="160p30",
        index=0,
        start_s=start_s,
        duration_s=duration_s,
        segment_started_at=T0,
        loudness_step_s=0.1,
        momentary_lufs=[-30.0 - i / 10 for i in range(seconds * 10)],
        media_seconds=[{"loudness": float(i)} for i in range(seconds)],
    )


def test_a_recorded_segment_the_live_side_covered_is_skipped() -> None:
    assert trimmed(analysis(30.0, 10.0), next_t=40) is None
    assert trimmed(analysis(30.0, 10.0), next_t=44) is None


def test_a_recorded_segment_brings_only_the_seconds_after_the_live_side() -> None:
    part = trimmed(analysis(30.0, 10.0), next_t=36)
    assert part is not None
    assert (part.start_s, part.duration_s) == (36.0, 4.0)
    assert [m["loudness"] for m in part.media_seconds] == [6.0, 7.0, 8.0, 9.0]
    assert len(part.momentary_lufs) == 40
    assert part.momentary_lufs[0] == -30.0 - 6.0


def test_a_segment_wholly_after_the_detector_is_fed_as_it_is() -> None:
    segment = analysis(40.0, 2.0)
    assert trimmed(segment, next_t=40) is segment


def test_a_fractional_start_keeps_the_second_it_mostly_overlaps() -> None:
    # 29.7 + 0 + 0.5 floors to 30: the first entry is second 30, kept when next_t is 30.
    segment = analysis(29.7, 10.0)
    assert trimmed(segment, next_t=30) is segment
    part = trimmed(segment, next_t=31)
    assert part is not None and part.media_seconds[0]["loudness"] == 1.0
