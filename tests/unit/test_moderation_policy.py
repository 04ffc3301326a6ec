"""Scores -> allow / delete / delete and disconnect, with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.moderation_policy import (
    CATEGORIES,
    Action,
    Policy,
    RecentViolations,
    decide,
    public_reason,
)

POLICY = Policy()
CLEAN = dict.fromkeys(CATEGORIES, 0.001)
T0 = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
SEVERITY = {Action.ALLOW: 0, Action.DELETE: 1, Action.DELETE_AND_DISCONNECT: 2}


def scores(hits: dict[str, float]) -> dict[str, float]:
    return {**CLEAN, **hits}


def test_clean_scores_are_allowed():
    decision = decide(CLEAN, prior_violations=5, policy=POLICY)
    assert decision.action is Action.ALLOW
    assert decision.categories == ()


def test_a_score_at_its_threshold_deletes_and_just_below_allows():
    assert decide(scores({"harassment": 0.5}), 0, POLICY).action is Action.DELETE
    assert decide(scores({"harassment": 0.4999}), 0, POLICY).action is Action.ALLOW


def test_the_reason_names_each_category_its_score_and_threshold_highest_first():
    decision = decide(scores({"harassment": 0.62, "violence": 0.91}), 0, POLICY)
    assert decision.categories == ("violence", "harassment")
    assert decision.reason == "violence 0.91 >= 0.50, harassment 0.62 >= 0.50"


def test_a_severe_category_disconnects_at_once_even_below_the_usual_threshold():
    # sexual/minors has a lower threshold than the rest: a miss costs more there.
    decision = decide(scores({"sexual/minors": 0.25}), 0, POLICY)
    assert decision.action is Action.DELETE_AND_DISCONNECT
    assert decision.reason.endswith("severe: sexual/minors")


def test_threatening_categories_are_severe():
    for category in ("harassment/threatening", "hate/threatening"):
        decision = decide(scores({category: 0.8}), 0, POLICY)
        assert decision.action is Action.DELETE_AND_DISCONNECT, category


def test_the_nth_violation_in_the_window_disconnects():
    assert decide(scores({"harassment": 0.9}), 1, POLICY).action is Action.DELETE
    third = decide(scores({"harassment": 0.9}), 2, POLICY)
    assert third.action is Action.DELETE_AND_DISCONNECT
    assert third.reason.endswith("violation 3 within 10 min")


def test_what_viewers_are_told_carries_no_scores():
    decision = decide(scores({"harassment": 0.91}), 0, POLICY)
    assert public_reason(decision.categories) == "Removed by moderation: harassment"


def test_violations_are_counted_by_message_time_within_the_window():
    seen = RecentViolations(timedelta(minutes=10))
    seen.add("u1", T0)
    seen.add("u1", T0 + timedelta(minutes=4))
    seen.add("u2", T0)
    assert seen.count("u1", T0 + timedelta(minutes=5)) == 2
    assert seen.count("u1", T0 + timedelta(minutes=10)) == 1  # the first fell out
    assert seen.count("u1", T0 + timedelta(minutes=2)) == 1  # a late message: not its future
    assert seen.count("u3", T0) == 0


def test_old_violations_are_forgotten_not_kept_forever():
    seen = RecentViolations(timedelta(minutes=10))
    for minute in range(0, 120, 5):
        seen.add("u1", T0 + timedelta(minutes=minute))
    assert len(seen._times["u1"]) == 2


SCORES = st.fixed_dictionaries({c: st.floats(0, 1) for c in CATEGORIES})


@given(SCORES, st.sampled_from(CATEGORIES), st.floats(0, 1), st.integers(0, 5))
def test_a_higher_score_or_more_violations_never_makes_the_action_milder(s, c, bump, prior):
    before = decide(s, prior, POLICY).action
    higher = decide({**s, c: max(s[c], bump)}, prior, POLICY).action
    repeat = decide(s, prior + 1, POLICY).action
    assert SEVERITY[higher] >= SEVERITY[before]
    assert SEVERITY[repeat] >= SEVERITY[before]
