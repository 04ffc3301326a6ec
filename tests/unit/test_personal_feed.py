"""The personalised re-ranker: a new viewer keeps the global order, followed and liked
channels rise, skipped ones sink, and no channel comes twice in a row."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.personal_feed import (
    Affinity,
    Candidate,
    PersonalWeights,
    is_skip,
    learn,
    rerank,
    taste,
)


def _feed(channels: list[str], tags: list[tuple[str, ...]] | None = None) -> list[Candidate]:
    tags = tags or [() for _ in channels]
    return [
        Candidate(f"clip{i}", ch, t) for i, (ch, t) in enumerate(zip(channels, tags, strict=True))
    ]


def _channels(ranked: list[Candidate]) -> list[str]:
    return [c.channel_id for c in ranked]


def test_a_new_viewer_gets_the_global_order() -> None:
    feed = _feed(["a", "b", "a", "c", "b", "a"])
    assert rerank(feed, Affinity()) == feed


def test_a_followed_creator_is_boosted() -> None:
    feed = _feed([f"ch{i}" for i in range(30)])
    ranked = rerank(feed, Affinity(followed=frozenset({"ch25"})))
    # From 26th to 2nd: only the global top clip, worth far more to everyone, stays ahead.
    assert _channels(ranked).index("ch25") == 1
    # The rest keeps its global order.
    assert [c for c in _channels(ranked) if c != "ch25"] == [f"ch{i}" for i in range(30) if i != 25]


def test_a_top_clip_is_not_buried_by_a_small_taste_match() -> None:
    feed = _feed([f"ch{i}" for i in range(200)])
    ranked = rerank(feed, Affinity(channels={"ch199": 0.1}))
    assert ranked[0].channel_id == "ch0"


def test_skipped_channels_sink_and_liked_tags_rise() -> None:
    feed = _feed(["a", "b", "c", "d"], [("x",), ("y",), ("z",), ("speedrun",)])
    affinity = Affinity(channels={"a": -5.0}, tags={"speedrun": 6.0})
    ranked = _channels(rerank(feed, affinity))
    assert ranked[0] == "d"
    assert ranked.index("a") > 0


def test_no_creator_twice_in_a_row_even_when_one_is_followed() -> None:
    feed = _feed(["fav"] * 5 + [f"ch{i}" for i in range(10)])
    ranked = _channels(rerank(feed, Affinity(followed=frozenset({"fav"})), diversity_window=2))
    assert ranked[0] == "fav"
    assert all(x != y for x, y in itertools.pairwise(ranked))
    assert sorted(ranked) == sorted(_channels(feed))


@given(
    st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=40),
    st.dictionaries(st.sampled_from("abcdefgh"), st.floats(-10, 10), max_size=8),
    st.frozensets(st.sampled_from("abcdefgh"), max_size=3),
)
def test_the_rerank_is_a_permutation_keeping_diversity_when_possible(
    channels: list[str], liked: dict[str, float], followed: frozenset[str]
) -> None:
    feed = _feed(channels)
    affinity = Affinity(channels=liked, followed=followed)
    ranked = rerank(feed, affinity, diversity_window=2)
    assert sorted(c.clip_id for c in ranked) == sorted(c.clip_id for c in feed)
    most = max(channels.count(ch) for ch in set(channels))
    # A viewer with signals gets a diversified order whenever one exists (without any,
    # the global order is returned as it is: the global ranking diversified it already).
    if not affinity.empty and most <= (len(channels) + 1) // 2:
        names = _channels(ranked)
        assert all(x != y for x, y in itertools.pairwise(names))


def test_signals_learn_channel_and_tags() -> None:
    step = learn("share", "ch", ["Speedrun", "speedrun", "hype"])
    assert step.channel == ("ch", 2.0)
    assert step.tags == (("speedrun", 1.0), ("hype", 1.0))
    assert learn("skip", "ch", []).channel == ("ch", -1.0)
    assert learn("follow", "ch", ["x"]).channel is None


def test_a_skip_is_an_early_stop() -> None:
    assert is_skip("stop", 1.0, 20.0)
    assert not is_skip("stop", 10.0, 20.0)
    assert not is_skip("heartbeat", 1.0, 20.0)
    assert not is_skip("stop", 1.0, None)


def test_taste_is_bounded() -> None:
    clip = Candidate("c", "ch", ("t",))
    huge = Affinity(channels={"ch": 1e9}, tags={"t": 1e9}, followed=frozenset({"ch"}))
    weights = PersonalWeights()
    assert taste(clip, huge, weights) <= weights.follow + weights.channel + weights.tag
