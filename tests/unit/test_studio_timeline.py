"""When the studio publishes what: the broadcast timeline, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from liveclips_dev.studio.layout import EncodedShow, LiveSegment, RecordingSegment, Rendition
from liveclips_dev.studio.timeline import Step, build_timeline

TOP, LOW = Rendition("720p30", 1280, 720, 2_500_000), Rendition("160p30", 284, 160, 230_000)


def show(recording: list[float], live: list[float]) -> EncodedShow:
    def segments(durations: list[float], folder: str) -> tuple[RecordingSegment, ...]:
        starts = [sum(durations[:i]) for i in range(len(durations))]
        return tuple(
            RecordingSegment(i, s, d, Path(folder, f"{i}.ts"), ())
            for i, (s, d) in enumerate(zip(starts, durations, strict=True))
        )

    live_starts = [sum(live[:i]) for i in range(len(live))]
    return EncodedShow(
        staging=Path("staging"),
        renditions=(TOP, LOW),
        recording={TOP.path: segments(recording, "720p30"), LOW.path: segments(recording, "160p")},
        codecs={},
        bandwidth={},
        live=tuple(
            LiveSegment(i, s, d, Path("live", f"{i}.ts"))
            for i, (s, d) in enumerate(zip(live_starts, live, strict=True))
        ),
        duration_s=sum(recording),
        started_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


def test_each_segment_is_due_when_its_last_frame_has_been_broadcast():
    # GIVEN a 25 s show: recording segments of 10, 10, 5 s and live segments of 2 s
    steps = build_timeline(show([10.0, 10.0, 5.0], [2.0] * 12 + [1.0]))
    # THEN the broadcast starts at 0, and recording segments are due at their ends
    assert steps[0] == Step(0.0, "start")
    recording = [(s.due_s, s.index) for s in steps if s.kind == "recording"]
    assert recording == [(10.0, 0), (20.0, 1), (25.0, 2)]
    live = [(s.due_s, s.index) for s in steps if s.kind == "live"]
    assert live[0] == (2.0, 0)
    assert live[-1] == (25.0, 12)
    # AND the end comes last, after the final segment
    assert steps[-1] == Step(25.0, "end")


def test_steps_are_in_time_order_with_live_before_recording_at_the_same_instant():
    steps = build_timeline(show([10.0, 4.0], [2.0] * 7))
    assert [s.due_s for s in steps] == sorted(s.due_s for s in steps)
    at_ten = [s.kind for s in steps if s.due_s == 10.0]
    assert at_ten == ["live", "recording"]
