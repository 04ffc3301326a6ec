"""Viewers' clips -> labelled moments: the clip lists of three APIs, and the grouping."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from liveclips_dev.evaluation.importers.clips import NO_OFFSET, read_clips
from liveclips_dev.evaluation.importers.grouping import (
    Clip,
    Moment,
    find_moments,
    fit_to_show,
    group_clips,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chat_exports"


def clip(start: float, curator: str, duration: float = 30.0) -> Clip:
    return Clip(start, start + duration, curator)


def spans(moments: tuple[Moment, ...]) -> list[tuple[float, float]]:
    return [(m.start, m.end) for m in moments]


def test_clips_starting_within_the_window_chain_into_one_group() -> None:
    # GIVEN starts 15 s apart: each within 20 s of the one before, 45 s end to end
    groups = group_clips([clip(45, "d"), clip(0, "a"), clip(30, "c"), clip(15, "b")], 20)
    assert [[c.start for c in g.clips] for g in groups] == [[0, 15, 30, 45]]
    # exactly the window joins, just past it does not
    assert len(group_clips([clip(0, "a"), clip(20, "b")], 20)) == 1
    assert len(group_clips([clip(0, "a"), clip(20.5, "b")], 20)) == 2


def test_a_moment_needs_distinct_curators_and_spans_the_medians() -> None:
    found = find_moments(
        [
            *(clip(100, "a"), clip(104, "b"), clip(110, "c", duration=26)),  # kept
            *(clip(500, "d"), clip(505, "d"), clip(506, "d"), clip(510, "e")),  # 2 people
        ],
        within_s=20,
        min_curators=3,
    )
    assert spans(found.kept) == [(104, 134)]  # median start 104, median end of 130/134/136
    assert (found.kept[0].clips, found.kept[0].curators) == (3, 3)
    assert [len(g.clips) for g in found.dropped] == [4]


def test_an_even_group_takes_the_mean_of_the_middle_two() -> None:
    found = find_moments(
        [clip(0, "a"), clip(2, "b"), clip(4, "c"), clip(10, "d")], within_s=20, min_curators=3
    )
    assert spans(found.kept) == [(3, 33)]


def test_moments_are_clipped_to_the_show_and_overlaps_merged() -> None:
    moments = [
        Moment(-10, 5, 3, 3),  # starts before the show
        Moment(50, 80, 3, 3),
        Moment(70, 90, 3, 3),  # overlaps the one before
        Moment(95, 130, 3, 3),  # runs past the end
        Moment(120, 140, 3, 3),  # entirely after the end
    ]
    labels = fit_to_show(moments, 100)
    assert labels.spans == ((0, 5), (50, 90), (95, 100))
    assert (labels.merged, labels.outside) == (1, 1)


def test_kraken_clip_list() -> None:
    found = read_clips(FIXTURES / "clips_kraken.json", video_id="1987654321")
    assert found.total == 15
    assert len(found.clips) == 12
    assert found.skipped == {NO_OFFSET: 1, "from another VOD than the chat's (1987654321)": 1}
    assert [(r.where, r.reason) for r in found.rejected] == [
        ("clips_kraken.json: record 15", "duration: Input should be a valid number")
    ]
    assert found.clips[0] == Clip(100, 130, "alice", "AlphaClip1", "1987654321")
    # without a known VOD, the other VOD's clip is used too
    assert len(read_clips(FIXTURES / "clips_kraken.json").clips) == 13


def test_helix_clip_list_one_curator_twice() -> None:
    found = read_clips(FIXTURES / "clips_helix.json")
    assert {c.curator for c in found.clips} == {"300001", "300002", "300003"}  # creator_id
    assert found.skipped == {NO_OFFSET: 1}
    assert [r.reason for r in found.rejected] == ["duration: Input should be a valid number"]
    moments = find_moments(found.clips, within_s=20, min_curators=3).kept
    assert [(m.start, m.end, m.clips, m.curators) for m in moments] == [(206, 236, 4, 3)]
    assert find_moments(found.clips, within_s=20, min_curators=4).kept == ()


def test_gql_clip_edges() -> None:
    found = read_clips(FIXTURES / "clips_gql.json")
    assert [(c.start, c.end, c.curator) for c in found.clips] == [
        (40, 68, "alice"),
        (42, 70, "bob"),
        (47, 75, "carol"),
        (300, 328, "dave"),
    ]
    assert [(r.where, r.reason) for r in found.rejected] == [
        ("clips_gql.json: record 5", "not a Kraken, Helix or GQL clip")
    ]
    assert spans(find_moments(found.clips, within_s=20, min_curators=3).kept) == [(42, 70)]


@given(
    clips=st.lists(
        st.tuples(
            st.floats(0, 600, allow_nan=False),
            st.floats(1, 60, allow_nan=False),
            st.sampled_from("abcdef"),
        ),
        max_size=40,
    ),
    within=st.floats(0, 60, allow_nan=False),
    min_curators=st.integers(1, 5),
)
def test_grouping_properties(
    clips: list[tuple[float, float, str]], within: float, min_curators: int
) -> None:
    given_clips = [Clip(start, start + length, who) for start, length, who in clips]
    groups = group_clips(given_clips, within)
    # the groups partition the clips, in start order, split only at gaps over the window
    assert Counter(c for g in groups for c in g.clips) == Counter(given_clips)
    for g in groups:
        starts = [c.start for c in g.clips]
        assert starts == sorted(starts)
        assert all(b - a <= within for a, b in pairwise(starts))
    for before, after in pairwise(groups):
        assert after.clips[0].start - before.clips[-1].start > within
    found = find_moments(given_clips, within_s=within, min_curators=min_curators)
    assert len(found.kept) + len(found.dropped) == len(groups)
    kept_groups = [g for g in groups if len(g.curators) >= min_curators]
    for moment, group in zip(found.kept, kept_groups, strict=True):
        # every kept moment has enough distinct curators, and lies inside its clips' union
        assert moment.curators >= min_curators
        assert min(c.start for c in group.clips) <= moment.start < moment.end
        assert moment.end <= max(c.end for c in group.clips)
    for group in found.dropped:
        assert len(group.curators) < min_curators
    labels = fit_to_show(found.kept, 300.0)
    for (s1, e1), (s2, e2) in pairwise(labels.spans):
        assert 0 <= s1 < e1 <= s2 < e2 <= 300.0
