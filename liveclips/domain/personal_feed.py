"""The personalised feed: the global ranking re-ranked by what one viewer has shown they like.

The global snapshot (liveclips/domain/feed_ranking.py) stays the base: it already holds
quality, freshness and the takedown rules. A viewer's **affinity** is learnt from their own
signals: the channels they follow, clips they watched through or shared (a plus for the
clip's channel and tags) and clips they skipped (a minus). Re-ranking mixes the two:

    personal(i) = prior · 1 / log2(rank_i + 2) + mix · taste(clip_i)
    taste(c)    = follow · [channel followed] + channel · squash(A[channel])
                  + tag · mean(squash(A[tag]) for the clip's tags)
    squash(x)   = x / (1 + |x|)                      (bounded: one binge cannot swamp it)

The prior is the NDCG discount of the clip's global position, so a clip the whole
audience rates far higher still beats a small taste match. Diversity is then applied again
(no channel twice within the window), and a viewer with no signals gets the global order
unchanged. Why these weights: docs/feed.md ("Personalisation"), measured by
liveclips_dev/evaluation/feed_eval.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from liveclips.domain.feed_ranking import diversify

Signal = Literal["follow", "unfollow", "play", "completion", "share", "skip"]

# A stop before this fraction of a clip (and before SKIP_MAX_S) says "not for me".
SKIP_FRACTION = 0.25
SKIP_MAX_S = 3.0


@dataclass(frozen=True)
class Affinity:
    """One viewer's learnt tastes: sums of signal weights per channel and per tag."""

    channels: Mapping[str, float] = field(default_factory=dict)
    tags: Mapping[str, float] = field(default_factory=dict)
    followed: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.followed or any(self.channels.values()) or any(self.tags.values()))


@dataclass(frozen=True)
class SignalWeights:
    """How much one signal moves the clip's channel and each of its tags."""

    play: float = 0.1  # autoplay: says little
    completion: float = 1.0
    share: float = 2.0
    skip: float = -1.0
    tag_share: float = 0.5  # a tag moves by this part of the channel's step


@dataclass(frozen=True)
class PersonalWeights:
    prior: float = 1.0
    mix: float = 0.5
    follow: float = 1.0
    channel: float = 1.0
    tag: float = 0.6


@dataclass(frozen=True)
class Candidate:
    """A clip of the global snapshot, in global order."""

    clip_id: str
    channel_id: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """What one signal adds to the stored affinity (liveclips/adapters/viewer_affinity.py)."""

    channel: tuple[str, float] | None
    tags: tuple[tuple[str, float], ...]


def is_skip(kind: str, position_s: float | None, duration_s: float | None) -> bool:
    """A stop early in a clip: swiped away."""
    if kind != "stop" or position_s is None or not duration_s:
        return False
    return position_s < min(SKIP_MAX_S, SKIP_FRACTION * duration_s)


def learn(
    signal: Signal, channel_id: str, tags: Sequence[str], weights: SignalWeights | None = None
) -> Step:
    """The increments one clip signal makes (follows are kept as a set, not summed)."""
    weights = weights or SignalWeights()
    if signal in ("follow", "unfollow"):
        return Step(None, ())
    step = {
        "play": weights.play,
        "completion": weights.completion,
        "share": weights.share,
        "skip": weights.skip,
    }[signal]
    unique = tuple(dict.fromkeys(t.lower() for t in tags if t))
    return Step((channel_id, step), tuple((t, step * weights.tag_share) for t in unique))


def squash(value: float) -> float:
    return value / (1.0 + abs(value))


def taste(candidate: Candidate, affinity: Affinity, weights: PersonalWeights) -> float:
    followed = weights.follow if candidate.channel_id in affinity.followed else 0.0
    channel = weights.channel * squash(affinity.channels.get(candidate.channel_id, 0.0))
    tags = [squash(affinity.tags.get(t.lower(), 0.0)) for t in candidate.tags]
    tag = weights.tag * (sum(tags) / len(tags)) if tags else 0.0
    return followed + channel + tag


def prior(rank: int) -> float:
    """The global position's worth: NDCG's own discount."""
    return 1.0 / math.log2(rank + 2)


def rerank(
    ranked: Sequence[Candidate],
    affinity: Affinity,
    *,
    weights: PersonalWeights | None = None,
    diversity_window: int = 4,
) -> list[Candidate]:
    """`ranked` (the global order) re-ordered for this viewer; unchanged for a new one."""
    if affinity.empty:
        return list(ranked)
    weights = weights or PersonalWeights()
    scored = sorted(
        range(len(ranked)),
        key=lambda i: (
            -(weights.prior * prior(i) + weights.mix * taste(ranked[i], affinity, weights)),
            i,
        ),
    )
    order = diversify([ranked[i].channel_id for i in scored], diversity_window)
    return [ranked[scored[k]] for k in order]
