"""A channel's schedule: programs are half-open intervals in the future, at most 12 h."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liveclips.domain.programs import MAX_DURATION_S, Program, overlaps, scheduling_problem

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("other", "collides"),
    [
        ((NOW, NOW + H), True),  # the same slot
        ((NOW + H / 2, NOW + 2 * H), True),  # starts inside
        ((NOW - H, NOW + H / 2), True),  # ends inside
        ((NOW - H, NOW + 2 * H), True),  # contains it
        ((NOW + H, NOW + 2 * H), False),  # starts as it ends
        ((NOW - H, NOW), False),  # ends as it starts
    ],
)
def test_programs_overlap_unless_one_ends_before_the_other_starts(other, collides):
    assert overlaps(NOW, NOW + H, *other) is collides


@pytest.mark.parametrize(
    ("starts_at", "duration_s", "problem"),
    [
        (NOW + H, 3600, None),
        (NOW + H, MAX_DURATION_S, None),
        (NOW, 3600, "future"),
        (NOW - H, 3600, "future"),
        (NOW + H, MAX_DURATION_S + 1, "12 h"),
        (NOW + H, 0, "12 h"),
    ],
)
def test_a_program_starts_in_the_future_and_lasts_at_most_12_h(starts_at, duration_s, problem):
    found = scheduling_problem(starts_at, duration_s, NOW)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_a_program_covers_its_start_but_not_its_end():
    program = Program("c", "p", "Show", (), NOW, NOW + H)
    assert program.covers(NOW) and program.covers(NOW + H / 2)
    assert not program.covers(NOW + H) and not program.covers(NOW - H / 2)
