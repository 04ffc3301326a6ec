"""When each thing happens during a broadcast, in show seconds from the start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from liveclips_dev.studio.layout import EncodedShow

StepKind = Literal["start", "live", "recording", "end"]
# At equal times: start first, then the live edge, then the recording, and the end last.
_ORDER: dict[StepKind, int] = {"start": 0, "live": 1, "recording": 2, "end": 3}


@dataclass(frozen=True)
class Step:
    due_s: float
    kind: StepKind
    index: int = 0


def build_timeline(show: EncodedShow) -> list[Step]:
    """A segment is due once its last frame has been "broadcast", i.e. at its end time."""
    steps = [Step(0.0, "start")]
    steps += [Step(seg.end_s, "live", seg.index) for seg in show.live]
    count = min(len(show.segments(r)) for r in show.renditions)
    for i in range(count):
        # Renditions are cut on the same keyframes; max() guards against float drift.
        due = max(show.segments(r)[i].end_s for r in show.renditions)
        steps.append(Step(due, "recording", i))
    steps.append(Step(max([show.duration_s, *(s.due_s for s in steps)]), "end"))
    return sorted(steps, key=lambda s: (s.due_s, _ORDER[s.kind], s.index))
