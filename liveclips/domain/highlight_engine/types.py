"""The shapes the highlight engine consumes and produces (shared contract).

Time is "show seconds": seconds since the stream/recording started. The engine works on
one-second bins; a bin `t` covers [t, t+1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

# Raw per-second features, each computed by its own small unit.
FeatureName = Literal[
    "loudness",  # max EBU R128 momentary loudness in the second, LUFS (-120 = silence)
    "scene",  # max scene-change score in the second, 0..1
    "motion",  # mean absolute luma difference between consecutive frames, 0..1
    "chat_rate",  # chat messages in the second (spam-discounted)
    "chat_unique",  # distinct chatters in the second
    "chat_hype",  # messages with hype/laughter/emote tokens in the second
    "chat_storm",  # size of the largest group of near-identical messages from distinct users
    "viewers",  # concurrent viewers at the end of the second
    "viewer_joins",  # joins in the second
    "reactions",  # shares + reactions in the second
    "marker",  # 1.0 if the creator sent a "clip that" marker in the second
]


@dataclass(frozen=True)
class SecondFeatures:
    t: int
    values: Mapping[str, float]  # only the features that exist for this show


@dataclass(frozen=True)
class ManualPick:
    """The content team's pick: always becomes a highlight, exactly as given."""

    start_s: float
    end_s: float
    pick_id: str


@dataclass(frozen=True)
class Detection:
    start_s: float
    end_s: float
    score: float
    kind: Literal["auto", "marker", "manual"]
    marquee: bool = False  # top-scoring: waits for human approval before publishing
    evidence: Mapping[str, float] = field(default_factory=dict)  # per-signal contribution
    decided_at_s: float = 0.0  # show time at which it was emitted (live latency)


@dataclass(frozen=True)
class ShowInputs:
    """Everything known about one show, for offline (as-if-live) detection."""

    duration_s: float
    seconds: Sequence[SecondFeatures]
    # EBU R128 momentary loudness every 0.1 s, for snapping boundaries to quiet points.
    momentary_lufs: Sequence[float] = ()
    manual_picks: Sequence[ManualPick] = ()
