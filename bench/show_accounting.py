"""Pure accounting for bench/shows.py: what the pipeline made of each planted moment.

A planted moment is *found* when a published clip of the feed preset covers it (a clip
covers a moment when it starts no later than COVER_SLACK_S after the moment starts and
ends no earlier than COVER_SLACK_S before it ends: the detector works in whole seconds).
Otherwise it is *lost*. A highlight is *duplicated* when more than one (not rejected)
highlight overlaps one planted moment; a clip is duplicated when one (highlight, preset)
has more than one published clip. Latencies are wall seconds from the moment's end, as
the show played it, to when the first covering feed clip was published (instant) and
rendered. No I/O here: the runner reads Spanner and Pub/Sub and hands over plain rows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

COVER_SLACK_S = 0.5


@dataclass(frozen=True)
class Moment:
    start_s: float  # on the show's timeline
    end_s: float
    ended_at: float  # epoch seconds: when the show played the moment's end


@dataclass(frozen=True)
class Highlight:
    highlight_id: str
    status: str  # APPROVED, PENDING_APPROVAL or REJECTED
    start_s: float
    end_s: float
    detected_at: float | None = None  # epoch seconds


@dataclass(frozen=True)
class Clip:
    clip_id: str
    highlight_id: str
    preset: str
    state: str  # RENDERING or PUBLISHED (rendered)
    start_s: float
    end_s: float
    published_at: float | None = None  # epoch seconds: first visible (instant or rendered)
    rendered_at: float | None = None
    render_s: float | None = None  # render_clip()'s own time in the worker

    @property
    def visible(self) -> bool:
        return self.published_at is not None or self.state == "PUBLISHED"


@dataclass(frozen=True)
class MomentResult:
    moment: Moment
    highlight_ids: tuple[str, ...]  # live highlights overlapping it
    clip_ids: tuple[str, ...]  # visible feed clips covering it
    detected_s: float | None  # moment end -> first highlight candidate stored
    instant_s: float | None  # moment end -> first covering feed clip visible
    rendered_s: float | None  # moment end -> first covering feed clip rendered

    @property
    def lost(self) -> bool:
        return not self.clip_ids


@dataclass(frozen=True)
class ShowAccount:
    moments: tuple[MomentResult, ...]
    missing_presets: dict[str, list[str]] = field(default_factory=dict)  # highlight -> presets
    duplicate_clips: dict[str, int] = field(default_factory=dict)  # "highlight/preset" -> n
    extra_highlights: tuple[str, ...] = ()  # overlap no planted moment (false alarms)
    pending: tuple[str, ...] = ()  # still waiting for approval at the end

    @property
    def lost(self) -> int:
        return sum(m.lost for m in self.moments)

    @property
    def duplicate_highlights(self) -> int:
        """Planted moments with more than one highlight."""
        return sum(len(m.highlight_ids) > 1 for m in self.moments)


def covers(start_s: float, end_s: float, moment: Moment, slack_s: float = COVER_SLACK_S) -> bool:
    return start_s <= moment.start_s + slack_s and end_s >= moment.end_s - slack_s


def overlaps(start_s: float, end_s: float, moment: Moment) -> bool:
    return start_s < moment.end_s and end_s > moment.start_s


def _first(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _since(at: float | None, moment: Moment) -> float | None:
    return None if at is None else round(at - moment.ended_at, 3)


def account_show(
    moments: Sequence[Moment],
    highlights: Sequence[Highlight],
    clips: Sequence[Clip],
    *,
    presets: Sequence[str],
    feed_preset: str,
) -> ShowAccount:
    """Match one show's planted moments with the highlights and clips of its recording."""
    live = [h for h in highlights if h.status != "REJECTED"]
    detected_at = {h.highlight_id: h.detected_at for h in live}
    feed = [c for c in clips if c.preset == feed_preset and c.visible]
    results = []
    for moment in moments:
        found = tuple(h.highlight_id for h in live if overlaps(h.start_s, h.end_s, moment))
        covering = [c for c in feed if covers(c.start_s, c.end_s, moment)]
        results.append(
            MomentResult(
                moment=moment,
                highlight_ids=found,
                clip_ids=tuple(c.clip_id for c in covering),
                detected_s=_since(_first(detected_at.get(h) for h in found), moment),
                instant_s=_since(_first(c.published_at for c in covering), moment),
                rendered_s=_since(_first(c.rendered_at for c in covering), moment),
            )
        )
    rendered = {(c.highlight_id, c.preset) for c in clips if c.state == "PUBLISHED"}
    missing = {
        h.highlight_id: [p for p in presets if (h.highlight_id, p) not in rendered]
        for h in live
        if h.status == "APPROVED"
    }
    per_preset = Counter(f"{c.highlight_id}/{c.preset}" for c in clips if c.visible)
    return ShowAccount(
        moments=tuple(results),
        missing_presets={h: p for h, p in missing.items() if p},
        duplicate_clips={k: n for k, n in per_preset.items() if n > 1},
        extra_highlights=tuple(
            h.highlight_id
            for h in live
            if not any(overlaps(h.start_s, h.end_s, m) for m in moments)
        ),
        pending=tuple(h.highlight_id for h in live if h.status == "PENDING_APPROVAL"),
    )


def repeats(keys: Iterable[Hashable]) -> dict[Hashable, int]:
    """Keys seen more than once, with how often (e.g. clip.published per clip/rendition)."""
    return {k: n for k, n in Counter(keys).items() if n > 1}


def max_overlap(intervals: Iterable[tuple[float, float]]) -> int:
    """The most intervals [start, end) open at one time (e.g. renders running at once)."""
    edges = sorted(e for start, end in intervals for e in ((start, 1), (end, -1)))
    most = current = 0
    for _, step in edges:  # at equal times an end (-1) sorts before a start (+1)
        current += step
        most = max(most, current)
    return most


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the sorted values (numpy's default method)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: Iterable[float | None]) -> dict[str, float] | None:
    """n, p50, p95 and max of the values that exist; None when there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return {
        "n": len(present),
        "p50": round(percentile(present, 50), 2),
        "p95": round(percentile(present, 95), 2),
        "max": round(max(present), 2),
    }


def _after(at: float | None, decided: float | None) -> float | None:
    return None if at is None or decided is None else at - decided


def round_totals(accounts: Sequence[ShowAccount]) -> dict[str, Any]:
    """One round (N concurrent shows): counts and latency figures over all its moments."""
    moments = [m for a in accounts for m in a.moments]
    return {
        "moments": len(moments),
        "lost": sum(a.lost for a in accounts),
        "presets_missing": sum(len(p) for a in accounts for p in a.missing_presets.values()),
        "duplicate_clips": sum(n - 1 for a in accounts for n in a.duplicate_clips.values()),
        "duplicate_highlights": sum(a.duplicate_highlights for a in accounts),
        "extra_highlights": sum(len(a.extra_highlights) for a in accounts),
        "pending": sum(len(a.pending) for a in accounts),
        "detected_s": summarize(m.detected_s for m in moments),
        "instant_s": summarize(m.instant_s for m in moments),
        "rendered_s": summarize(m.rendered_s for m in moments),
        # From the decision (the highlight stored), as DESIGN's targets are stated.
        "decision_to_instant_s": summarize(_after(m.instant_s, m.detected_s) for m in moments),
        "decision_to_rendered_s": summarize(_after(m.rendered_s, m.detected_s) for m in moments),
    }
