"""Which clips the feed shows, and in what order: recency times engagement, then diversity.

    score = (1 + w_play·plays + w_completion·completions + w_share·shares)
            / (age_h + age_offset_h) ** gravity

The counts are distinct viewers (liveclips/adapters/clip_stats.py), so one person replaying or a
client resending cannot lift a clip. Impressions are not ranked on: the ranking itself
decides who sees what, and ranking on exposure would feed back into itself. Why these
weights: docs/feed.md.

Diversity then re-orders the scored list so that no channel appears twice within any K
consecutive items. It departs from the score order only where it must, keeps each
channel's own clips in score order, and breaks the rule only when no order of what is
left could keep it (one channel is all that remains, say).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

_HOUR_S = 3600.0


@dataclass(frozen=True)
class Engagement:
    impressions: int = 0
    plays: int = 0
    completions: int = 0
    shares: int = 0


Metric = Literal["impressions", "plays", "completions", "shares"]
METRICS: tuple[Metric, ...] = ("impressions", "plays", "completions", "shares")
# A clip counts as watched to the end from here: players report the last heartbeat or the
# stop a little before the end, and feed clips loop.
COMPLETED_FRACTION = 0.9
_METRIC_OF_KIND: dict[str, Metric] = {
    "clip_impression": "impressions",
    "clip_play": "plays",
    "share": "shares",
}


def engagement_metric(
    kind: str, clip_id: str | None, position_s: float | None, duration_s: float | None
) -> Metric | None:
    """What a player event says about a clip's engagement, if anything."""
    if clip_id is None:
        return None
    if kind in ("heartbeat", "stop") and position_s is not None and duration_s:
        return "completions" if position_s >= COMPLETED_FRACTION * duration_s else None
    return _METRIC_OF_KIND.get(kind)


@dataclass(frozen=True)
class FeedCandidate:
    clip_id: str
    channel_id: str
    published_at_s: float
    engagement: Engagement
    highlight_status: str | None  # the HighlightCandidates row's Status; None: no row
    hidden: bool  # taken down by the content team


@dataclass(frozen=True)
class RankingWeights:
    play: float = 1.0
    completion: float = 2.0
    share: float = 5.0
    gravity: float = 1.5
    age_offset_h: float = 2.0


def is_visible(candidate: FeedCandidate) -> bool:
    """Approved and not taken down. A clip without a highlight row is inconsistent data:
    it stays out rather than risk showing an unapproved marquee moment."""
    return candidate.highlight_status == "APPROVED" and not candidate.hidden


def score(candidate: FeedCandidate, now_s: float, weights: RankingWeights) -> float:
    e = candidate.engagement
    actions = weights.play * e.plays + weights.completion * e.completions + weights.share * e.shares
    # A clock ahead of ours must not make a clip younger than new.
    age_h = max(0.0, now_s - candidate.published_at_s) / _HOUR_S
    return (1.0 + actions) / float((age_h + weights.age_offset_h) ** weights.gravity)


def rank(
    candidates: Iterable[FeedCandidate],
    now_s: float,
    *,
    weights: RankingWeights | None = None,
    diversity_window: int = 4,
) -> list[FeedCandidate]:
    """The visible candidates, best first, no channel twice in any `diversity_window`."""
    weights = weights or RankingWeights()
    visible = [c for c in candidates if is_visible(c)]
    scored = sorted(
        visible, key=lambda c: (-score(c, now_s, weights), -c.published_at_s, c.clip_id)
    )
    order = diversify([c.channel_id for c in scored], diversity_window)
    return [scored[i] for i in order]


def diversify(channels: Sequence[str], window: int) -> list[int]:
    """Positions of `channels` (best first) re-ordered so no channel repeats within
    `window` consecutive items whenever some order allows it.

    At each step the best item whose channel is out of the window is taken, unless that
    would leave the rest impossible to place: then the best of a channel with more left,
    which is what must go first to fit. When no order can keep the rule any more, the
    best item out of the window is taken, or the best item at all: nothing else is left.
    """
    left = _Left(window)
    for position, channel in enumerate(channels):
        left.queues.setdefault(channel, deque()).append(position)
    left.crowded = {ch for ch, q in left.queues.items() if len(q) > 1}
    left.most = max((len(q) for q in left.queues.values()), default=0)
    for queue in left.queues.values():
        left.sizes[len(queue)] = left.sizes.get(len(queue), 0) + 1
    heads = [(q[0], ch) for ch, q in left.queues.items()]  # best remaining item per channel
    heapq.heapify(heads)
    order: list[int] = []
    while heads:
        slots = len(channels) - len(order)
        keeps_rule = window > 1 and left.fits(None, slots)
        popped: list[tuple[int, str]] = []
        choice: tuple[int, str] | None = None
        while heads and choice is None:
            head = heapq.heappop(heads)
            popped.append(head)
            if left.waiting(head[1]):
                continue
            if not keeps_rule or left.fits(head[1], slots - 1):
                choice = head
        free = [head for head in popped if not left.waiting(head[1])]
        choice = choice or (free[0] if free else min(popped))
        for head in popped:
            if head != choice:
                heapq.heappush(heads, head)
        order.append(choice[0])
        if left.take(choice[1]):
            heapq.heappush(heads, (left.queues[choice[1]][0], choice[1]))
    return order


@dataclass
class _Left:
    """What diversify has still to place."""

    window: int
    queues: dict[str, deque[int]] = field(default_factory=dict)  # positions, best first
    crowded: set[str] = field(default_factory=set)  # channels with 2+ left
    cooldown: dict[str, int] = field(default_factory=dict)  # steps until allowed again
    sizes: dict[int, int] = field(default_factory=dict)  # items left -> how many channels
    most: int = 0  # the most items any channel has left

    def waiting(self, channel: str) -> bool:
        return self.cooldown.get(channel, 0) > 0

    def take(self, channel: str) -> bool:
        """Place the channel's best item next; whether it has more."""
        queue = self.queues[channel]
        self.sizes[len(queue)] -= 1
        queue.popleft()
        self.sizes[len(queue)] = self.sizes.get(len(queue), 0) + 1
        while self.most > 0 and not self.sizes.get(self.most):
            self.most -= 1
        if len(queue) < 2:
            self.crowded.discard(channel)
        self.cooldown = {ch: wait - 1 for ch, wait in self.cooldown.items() if wait > 1}
        if self.window > 1:
            self.cooldown[channel] = self.window - 1
        return bool(queue)

    def fits(self, placed: str | None, slots: int) -> bool:
        """Whether what is left (after `placed` goes next, if given) can fill `slots` with
        no channel twice in any window.

        A channel's last item can go no earlier than its wait plus (count - 1) windows;
        those earliest last slots, largest first, must fit in distinct slots at the end
        (Hall's condition). Checked against exhaustive search in the tests.
        """
        binding = len(self.crowded) + len(self.cooldown) + 1
        if self.window - 1 + (self.most - 1) * self.window + binding <= slots - 1:
            return True  # even the fullest channel, last in line, would fit
        step = 1 if placed is not None else 0
        last_slots: list[int] = []
        # A channel with one item and no wait can take any slot: it never binds.
        for channel in self.crowded | self.cooldown.keys() | ({placed} if placed else set()):
            count = len(self.queues[channel]) - (channel == placed)
            if count > 0:
                if channel == placed:
                    wait = self.window - 1
                else:
                    wait = max(0, self.cooldown.get(channel, 0) - step)
                last_slots.append(wait + (count - 1) * self.window)
        last_slots.sort(reverse=True)
        return all(slot <= slots - 1 - k for k, slot in enumerate(last_slots))
