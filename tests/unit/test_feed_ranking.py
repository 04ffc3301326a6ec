"""Feed ranking: score, visibility and creator diversity (liveclips/domain/feed_ranking.py)."""

from __future__ import annotations

import functools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from liveclips.domain.feed_ranking import (
    Engagement,
    FeedCandidate,
    RankingWeights,
    diversify,
    engagement_metric,
    is_visible,
    rank,
    score,
)

NOW = 1_800_000_000.0
HOUR = 3600.0


def clip(
    clip_id: str,
    channel: str = "ch",
    age_h: float = 0.0,
    status: str | None = "APPROVED",
    hidden: bool = False,
    **engagement: int,
) -> FeedCandidate:
    return FeedCandidate(
        clip_id=clip_id,
        channel_id=channel,
        published_at_s=NOW - age_h * HOUR,
        engagement=Engagement(**engagement),
        highlight_status=status,
        hidden=hidden,
    )


candidates = st.lists(
    st.builds(
        clip,
        clip_id=st.uuids().map(str),
        channel=st.sampled_from(["a", "b", "c", "d", "e"]),
        age_h=st.floats(0, 200),
        status=st.sampled_from(["APPROVED", "APPROVED", "PENDING_APPROVAL", "REJECTED", None]),
        hidden=st.booleans(),
        plays=st.integers(0, 1000),
        completions=st.integers(0, 500),
        shares=st.integers(0, 50),
        impressions=st.integers(0, 5000),
    ),
    max_size=40,
    unique_by=lambda c: c.clip_id,
)


def repeats(channels: list[str], window: int) -> int:
    """Items whose channel already appeared among the window - 1 before them."""
    return sum(channels[i] in channels[max(0, i - window + 1) : i] for i in range(len(channels)))


@functools.cache
def satisfiable(counts: tuple[int, ...], window: int, waits: tuple[int, ...] = ()) -> bool:
    """Exhaustive search: can these channel counts be ordered with no repeat in a window?"""
    waits = waits or (0,) * len(counts)
    if not any(counts):
        return True
    for i, count in enumerate(counts):
        if count and waits[i] == 0:
            rest = tuple(c - (j == i) for j, c in enumerate(counts))
            later = tuple(window - 1 if j == i else max(0, w - 1) for j, w in enumerate(waits))
            if satisfiable(rest, window, later):
                return True
    return False


@given(candidates, st.integers(1, 5))
def test_the_ranking_is_a_permutation_of_the_visible_input(clips, window):
    ranked = rank(clips, NOW, diversity_window=window)
    assert sorted(c.clip_id for c in ranked) == sorted(c.clip_id for c in clips if is_visible(c))


def test_unapproved_hidden_and_orphan_clips_are_left_out():
    clips = [
        clip("ok"),
        clip("pending", status="PENDING_APPROVAL"),
        clip("rejected", status="REJECTED"),
        clip("orphan", status=None),
        clip("down", hidden=True),
    ]
    assert [c.clip_id for c in rank(clips, NOW)] == ["ok"]


@given(st.lists(st.sampled_from("abcd"), max_size=9), st.integers(1, 4))
@settings(max_examples=400)
def test_no_channel_repeats_in_a_window_whenever_some_order_allows_it(channels, window):
    order = diversify(channels, window)
    placed = [channels[i] for i in order]
    assert sorted(order) == list(range(len(channels)))
    if satisfiable(tuple(Counter(channels).values()), window):
        assert repeats(placed, window) == 0, placed


@given(st.lists(st.sampled_from("abcdefgh"), max_size=60), st.integers(1, 6))
def test_a_repeat_happens_only_when_every_channel_left_is_in_the_window(channels, window):
    order = diversify(channels, window)
    placed = [channels[i] for i in order]
    for i, channel in enumerate(placed):
        recent = set(placed[max(0, i - window + 1) : i])
        if channel in recent:
            assert set(placed[i:]) <= recent


@given(st.lists(st.sampled_from("abcdef"), max_size=60), st.integers(1, 6))
def test_each_channel_keeps_its_own_order(channels, window):
    order = diversify(channels, window)
    for channel in set(channels):
        mine = [i for i in order if channels[i] == channel]
        assert mine == sorted(mine)


def test_diversity_moves_as_little_as_it_must():
    # score order a a b c: the second a waits for one other channel (window 2)
    assert diversify(["a", "a", "b", "c"], 2) == [0, 2, 1, 3]
    # a plentiful channel goes first when that is the only order that keeps the rule
    assert [["b", "c", "a", "a", "a"][i] for i in diversify(["b", "c", "a", "a", "a"], 2)] == [
        "a", "b", "a", "c", "a",
    ]  # fmt: skip
    assert diversify(["a", "a", "a"], 3) == [0, 1, 2]  # nothing else is left


engagements = st.builds(
    dict, plays=st.integers(0, 10_000), completions=st.integers(0, 1000), shares=st.integers(0, 100)
)


@given(st.floats(0, 500), st.floats(0.01, 100), engagements, st.booleans())
def test_a_newer_clip_with_equal_engagement_ranks_above_an_older_one(
    age_h, older_by_h, counts, same_channel
):
    newer = clip("newer", "a", age_h, **counts)
    older = clip("older", "a" if same_channel else "b", age_h + older_by_h, **counts)
    assert score(newer, NOW, RankingWeights()) > score(older, NOW, RankingWeights())
    for window in (1, 4):
        assert [c.clip_id for c in rank([older, newer], NOW, diversity_window=window)] == [
            "newer",
            "older",
        ]


@given(candidates)
def test_without_diversity_the_order_is_the_score_order(clips):
    weights = RankingWeights()
    scores = [score(c, NOW, weights) for c in rank(clips, NOW, diversity_window=1)]
    assert scores == sorted(scores, reverse=True)


def test_engagement_outweighs_a_few_hours_but_not_a_day():
    fresh = clip("fresh", "a", age_h=0.0)
    shared = clip("shared", "b", age_h=3.0, plays=20, completions=5, shares=2)
    stale = clip("stale", "c", age_h=48.0, plays=20, completions=5, shares=2)
    assert [c.clip_id for c in rank([fresh, shared, stale], NOW)] == ["shared", "fresh", "stale"]


def test_impressions_do_not_rank():
    seen = clip("seen", age_h=1.0, impressions=10_000)
    unseen = clip("unseen", age_h=1.0)
    assert score(seen, NOW, RankingWeights()) == score(unseen, NOW, RankingWeights())


def test_a_clock_ahead_of_ours_does_not_make_a_clip_newer_than_new():
    future = clip("future", age_h=-5.0)
    assert score(future, NOW, RankingWeights()) == score(clip("now"), NOW, RankingWeights())


def test_player_events_map_to_clip_engagement():
    assert engagement_metric("clip_impression", "c", None, None) == "impressions"
    assert engagement_metric("clip_play", "c", None, None) == "plays"
    assert engagement_metric("share", "c", None, None) == "shares"
    assert engagement_metric("share", None, None, None) is None  # a VOD title's share
    assert engagement_metric("heartbeat", "c", 19.0, 20.0) == "completions"
    assert engagement_metric("stop", "c", 9.0, 20.0) is None
    assert engagement_metric("stall", "c", 19.5, 20.0) is None
