"""Viewers' clips -> labelled moments (pure).

A viewer who presses "clip" on Twitch gets the ~20-25 s before the press and a few seconds
after, so the moment that made them press sits in the clip's later part, and clips of one
moment start within a few seconds of each other. So: sort clips by start; a clip starting
within `within_s` of the previous clip's start joins its group (chaining); a group made by
at least `min_curators` different people is a moment, spanning the median clip start to
the median clip end (robust to one viewer's long or late clip).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Clip:
    start: float  # seconds into the VOD
    end: float
    curator: str
    slug: str = ""
    video_id: str | None = None


@dataclass(frozen=True)
class ClipGroup:
    clips: tuple[Clip, ...]  # sorted by start

    @property
    def curators(self) -> frozenset[str]:
        return frozenset(c.curator for c in self.clips)

    @property
    def span(self) -> tuple[float, float]:
        """Median start to median end. Each end is after its start, so the median end is
        after the median start."""
        return (
            statistics.median(c.start for c in self.clips),
            statistics.median(c.end for c in self.clips),
        )


@dataclass(frozen=True, slots=True)
class Moment:
    start: float
    end: float
    clips: int
    curators: int


@dataclass(frozen=True)
class Grouping:
    kept: tuple[Moment, ...]
    dropped: tuple[ClipGroup, ...]  # made by fewer than min_curators people


def group_clips(clips: Iterable[Clip], within_s: float) -> list[ClipGroup]:
    """Clips in start order, chained: each joins the group of the clip before it when it
    starts at most `within_s` after that clip's start."""
    ordered = sorted(clips, key=lambda c: (c.start, c.end, c.curator, c.slug))
    groups: list[list[Clip]] = []
    for clip in ordered:
        if groups and clip.start - groups[-1][-1].start <= within_s:
            groups[-1].append(clip)
        else:
            groups.append([clip])
    return [ClipGroup(tuple(g)) for g in groups]


def find_moments(clips: Iterable[Clip], *, within_s: float, min_curators: int) -> Grouping:
    kept: list[Moment] = []
    dropped: list[ClipGroup] = []
    for group in group_clips(clips, within_s):
        if len(group.curators) < min_curators:
            dropped.append(group)
            continue
        start, end = group.span
        kept.append(Moment(start, end, len(group.clips), len(group.curators)))
    return Grouping(tuple(kept), tuple(dropped))


@dataclass(frozen=True)
class Labels:
    spans: tuple[tuple[float, float], ...]  # sorted, disjoint, inside [0, duration]
    outside: int  # moments entirely outside the show
    merged: int  # moments that overlapped the one before and were joined to it


def fit_to_show(moments: Sequence[Moment], duration_s: float, digits: int = 3) -> Labels:
    """Moments clipped to [0, duration_s] and rounded; overlapping ones joined, since the
    scorer matches one detection to one label and two overlapping labels are one moment
    to a viewer of the show."""
    spans: list[tuple[float, float]] = []
    outside = merged = 0
    for m in sorted(moments, key=lambda m: (m.start, m.end)):
        start = round(max(0.0, m.start), digits)
        end = round(min(duration_s, m.end), digits)
        if end <= start:
            outside += 1
        elif spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            merged += 1
        else:
            spans.append((start, end))
    return Labels(tuple(spans), outside, merged)
