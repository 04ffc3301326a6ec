"""Offline evaluation of the personalised feed on synthetic viewers with known tastes.

    python -m liveclips_dev.evaluation.feed_eval [--viewers 400] [--seed 7] [--grid]

A world of creators, each with a couple of topics (tags), publishes clips of varying
quality. The global ranking is production's (liveclips/domain/feed_ranking.rank over
engagement that follows quality, and age). Each synthetic viewer likes a few creators and
a few tags; their true relevance of a clip is

    rel = 2·[creator liked] + 1·[a tag liked] + 1·[clip in the top 10 % of quality]

so the global ranking is not worthless to them. Their history is simulated on a first pool
of clips shown in global order: they follow liked creators they meet (sometimes), watch
relevant clips through more often, skip irrelevant ones, share a few; the affinity is
learnt with production's own `learn`, exactly as POST /v1/events does. On a fresh pool the
head of the global snapshot (PERSONAL_DEPTH, as production) is re-ranked with production's
`rerank`, and NDCG@20 of both orders is computed against the ideal order of that pool.
Printed: the mean NDCG@20, personalised vs global, and for new viewers (no signals).
Recorded in docs/feed.md ("Personalisation").
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.progress import Progress

from liveclips.domain.feed_ranking import Engagement, FeedCandidate, rank
from liveclips.domain.personal_feed import (
    Affinity,
    Candidate,
    PersonalWeights,
    Signal,
    learn,
    rerank,
)
from liveclips.services.feed import PERSONAL_DEPTH

K = 20
CREATORS = 120
TAGS = [f"topic{i}" for i in range(30)]
POOL = 1000  # clips per pool: the production snapshot's size
HISTORY = 120  # clips a viewer scrolled through before the evaluated page
NOW_S = 1_800_000_000.0


@dataclass(frozen=True)
class Clip:
    clip_id: str
    creator: str
    tags: tuple[str, ...]
    quality: float


@dataclass(frozen=True)
class Viewer:
    creators: frozenset[str]
    tags: frozenset[str]


def make_world(rng: random.Random) -> dict[str, tuple[str, ...]]:
    return {f"creator{i}": tuple(rng.sample(TAGS, 2)) for i in range(CREATORS)}


def make_pool(rng: random.Random, world: dict[str, tuple[str, ...]], name: str) -> list[Clip]:
    creators = list(world)
    # Some creators publish much more than others (Zipf-like).
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(creators))]
    clips = []
    for i in range(POOL):
        creator = rng.choices(creators, weights)[0]
        tags = world[creator] + ((rng.choice(TAGS),) if rng.random() < 0.3 else ())
        clips.append(Clip(f"{name}{i}", creator, tags, rng.lognormvariate(0.0, 0.8)))
    return clips


def global_order(rng: random.Random, clips: Sequence[Clip]) -> list[Clip]:
    """Production's ranking over engagement that follows quality, ages over two days."""
    by_id = {c.clip_id: c for c in clips}
    candidates = []
    for c in clips:
        plays = _poisson(rng, 20 * c.quality)
        completions = _poisson(rng, 6 * c.quality)
        shares = _poisson(rng, 0.6 * c.quality)
        candidates.append(
            FeedCandidate(
                clip_id=c.clip_id,
                channel_id=c.creator,
                published_at_s=NOW_S - rng.uniform(0, 48 * 3600),
                engagement=Engagement(plays=plays, completions=completions, shares=shares),
                highlight_status="APPROVED",
                hidden=False,
            )
        )
    return [by_id[c.clip_id] for c in rank(candidates, NOW_S)]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for these small means.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def make_viewer(rng: random.Random, world: dict[str, tuple[str, ...]]) -> Viewer:
    return Viewer(frozenset(rng.sample(list(world), 4)), frozenset(rng.sample(TAGS, 2)))


def relevance(viewer: Viewer, clip: Clip, top_quality: float) -> int:
    return (
        2 * (clip.creator in viewer.creators)
        + (bool(viewer.tags.intersection(clip.tags)))
        + (clip.quality >= top_quality)
    )


def simulate_history(rng: random.Random, viewer: Viewer, shown: Sequence[Clip]) -> Affinity:
    """What a viewer's own player events and follows teach the affinity."""
    channels: dict[str, float] = {}
    tags: dict[str, float] = {}
    followed: set[str] = set()
    for clip in shown[:HISTORY]:
        taste = 2 * (clip.creator in viewer.creators) + bool(viewer.tags.intersection(clip.tags))
        signals: list[Signal] = []
        if rng.random() < 0.15 + 0.25 * taste:
            signals.append("completion")
        elif rng.random() < (0.6 if taste == 0 else 0.15):
            signals.append("skip")
        if rng.random() < 0.03 * taste:
            signals.append("share")
        if clip.creator in viewer.creators and rng.random() < 0.3:
            followed.add(clip.creator)
        for signal in signals:
            step = learn(signal, clip.creator, clip.tags)
            if step.channel is not None:
                channels[step.channel[0]] = channels.get(step.channel[0], 0.0) + step.channel[1]
            for tag, weight in step.tags:
                tags[tag] = tags.get(tag, 0.0) + weight
    return Affinity(channels=channels, tags=tags, followed=frozenset(followed))


def ndcg(gains: Sequence[int], ideal: Sequence[int], k: int = K) -> float:
    def dcg(values: Sequence[int]) -> float:
        return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(gains) / best if best > 0 else 0.0


@dataclass(frozen=True)
class Result:
    personal: float
    global_: float
    new_viewer: float


def evaluate(viewers: int, seed: int, weights: PersonalWeights, progress: bool = True) -> Result:
    rng = random.Random(seed)
    world = make_world(rng)
    history_pool = global_order(rng, make_pool(rng, world, "h"))
    test_pool = global_order(rng, make_pool(rng, world, "t"))
    top_quality = sorted((c.quality for c in test_pool), reverse=True)[POOL // 10]
    head = [Candidate(c.clip_id, c.creator, c.tags) for c in test_pool[:PERSONAL_DEPTH]]
    by_id = {c.clip_id: c for c in test_pool}
    personal_sum = global_sum = new_sum = 0.0
    with Progress(disable=not progress) as bar:
        task = bar.add_task("synthetic viewers", total=viewers)
        for _ in range(viewers):
            viewer = make_viewer(rng, world)
            affinity = simulate_history(rng, viewer, history_pool)
            ideal = [relevance(viewer, c, top_quality) for c in test_pool]
            global_gains = ideal[:K]
            ranked = rerank(head, affinity, weights=weights)
            personal_gains = [relevance(viewer, by_id[c.clip_id], top_quality) for c in ranked[:K]]
            fresh = rerank(head, Affinity(), weights=weights)
            new_gains = [relevance(viewer, by_id[c.clip_id], top_quality) for c in fresh[:K]]
            personal_sum += ndcg(personal_gains, ideal)
            global_sum += ndcg(global_gains, ideal)
            new_sum += ndcg(new_gains, ideal)
            bar.advance(task)
    return Result(personal_sum / viewers, global_sum / viewers, new_sum / viewers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--grid", action="store_true", help="also try other mix weights")
    args = parser.parse_args()
    console = Console(highlight=False)
    result = evaluate(args.viewers, args.seed, PersonalWeights())
    console.print(f"NDCG@{K} over {args.viewers} synthetic viewers (seed {args.seed}):")
    console.print(f"  personalised  {result.personal:.3f}")
    console.print(f"  global        {result.global_:.3f}")
    console.print(f"  new viewer    {result.new_viewer:.3f}  (no signals: the global order)")
    if args.grid:
        for mix in (0.25, 0.5, 1.0, 2.0):
            for tag in (0.3, 0.6, 1.0):
                weights = PersonalWeights(mix=mix, tag=tag)
                r = evaluate(args.viewers // 4, args.seed, weights, progress=False)
                console.print(f"  mix {mix:<4} tag {tag:<4} personalised {r.personal:.3f}"
                              f" global {r.global_:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
