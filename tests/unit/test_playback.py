from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.playback import (
    MAX_REPORT_GAP_S,
    SLACK_S,
    Report,
    Session,
    Step,
    advance,
    in_progress,
    play_threshold_s,
    resume_position,
    should_write_durably,
)

T0 = 1_800_000_000.0


def play(reports: list[tuple[float, float]], kind="vod", duration_s=3600.0) -> list[Step]:
    """Feed (seconds after T0, position) reports through one session."""
    session: Session | None = None
    steps = []
    for at, position in reports:
        step = advance(session, Report(kind, position, duration_s, T0 + at))
        session = step.session
        steps.append(step)
    return steps


def heartbeats(until_s: float, every_s: float = 10.0) -> list[tuple[float, float]]:
    return [(t * every_s, t * every_s) for t in range(int(until_s / every_s) + 1)]


def test_a_vod_play_counts_once_when_30_s_have_been_watched():
    steps = play(heartbeats(120.0))

    counted_at = [i for i, step in enumerate(steps) if step.play_counted]
    assert counted_at == [3]  # the report at 30 s, and never again
    assert steps[3].session.watched_s == 30.0
    assert steps[-1].session.counted is True


def test_a_clip_counts_after_3_s():
    steps = play([(0.0, 0.0), (2.0, 2.0), (3.0, 3.0), (4.0, 4.0)], kind="clip", duration_s=20.0)
    assert [step.play_counted for step in steps] == [False, False, True, False]


def test_the_first_report_only_anchors_the_session():
    # GIVEN a player whose first report comes 40 s into the title
    steps = play([(0.0, 40.0)])
    # THEN nothing is credited: where it started is unknown
    assert (steps[0].credited_s, steps[0].play_counted) == (0.0, False)


def test_seeking_forward_credits_nothing():
    # GIVEN a viewer who scrubs to the end within seconds
    steps = play([(0.0, 0.0), (1.0, 600.0), (2.0, 1800.0), (3.0, 3590.0)])
    # THEN no time is credited and no play is counted
    assert [step.credited_s for step in steps] == [0.0, 0.0, 0.0, 0.0]
    assert not any(step.play_counted for step in steps)


def test_seeking_back_credits_nothing_then_watching_again_does():
    steps = play([(0.0, 0.0), (10.0, 10.0), (12.0, 0.0), (22.0, 10.0)])
    assert [step.credited_s for step in steps] == [0.0, 10.0, 0.0, 10.0]


def test_looping_a_clip_counts_one_play_per_session():
    clip = [(0.0, 0.0), (4.0, 4.0), (5.0, 0.0), (9.0, 4.0), (10.0, 0.0), (14.0, 4.0)]
    steps = play(clip, kind="clip", duration_s=5.0)
    assert sum(step.play_counted for step in steps) == 1


def test_double_speed_playback_is_credited_with_the_wall_time_watched():
    steps = play([(t, 2 * t) for t in (0.0, 10.0, 20.0, 30.0)])
    assert steps[-1].session.watched_s == 30.0 + SLACK_S
    assert steps[-1].play_counted is True


def test_a_redelivered_report_credits_nothing_twice():
    steps = play([(0.0, 0.0), (10.0, 10.0), (10.5, 10.0), (20.0, 20.0)])
    assert [step.credited_s for step in steps] == [0.0, 10.0, 0.0, 10.0]


def test_tiny_reports_cannot_mint_seconds_beyond_the_slack():
    # GIVEN a client sending a report every 10 ms, each 1.5 s further on
    steps = play([(i * 0.01, i * 1.5) for i in range(50)], kind="clip", duration_s=200.0)
    # THEN at most the half second of wall time plus the slack is credited: no play
    assert steps[-1].session.watched_s <= 0.5 + SLACK_S
    assert not any(step.play_counted for step in steps)


def test_a_pause_does_not_turn_a_forward_seek_into_watched_time():
    # GIVEN 10 s watched, an hour paused, then a jump of 50 s on resume
    steps = play([(0.0, 0.0), (10.0, 10.0), (3610.0, 60.0)])
    # THEN the silence is credited as one report gap at most
    assert steps[-1].session.watched_s <= 10.0 + MAX_REPORT_GAP_S + SLACK_S
    assert steps[-1].session.active_s == 10.0 + MAX_REPORT_GAP_S


@pytest.mark.parametrize(
    ("kind", "duration_s", "threshold_s"),
    [("vod", 3600.0, 30.0), ("vod", 20.0, 18.0), ("clip", 60.0, 3.0), ("clip", 2.0, 1.8)],
)
def test_a_title_shorter_than_its_threshold_counts_at_90_percent(kind, duration_s, threshold_s):
    assert play_threshold_s(kind, duration_s) == pytest.approx(threshold_s)


def test_a_two_second_clip_counts_once_it_is_nearly_watched():
    steps = play([(0.0, 0.0), (1.0, 1.0), (1.9, 1.9)], kind="clip", duration_s=2.0)
    assert [step.play_counted for step in steps] == [False, False, True]


def test_positions_past_the_end_are_clamped_to_the_duration():
    steps = play([(0.0, 0.0), (3.0, 9.0)], kind="clip", duration_s=3.0)
    assert steps[-1].session.position_s == 3.0


def report_at(at_s: float, *, final: bool = False) -> Report:
    return Report("vod", 100.0, 3600.0, T0 + at_s, final)


@pytest.mark.parametrize(
    ("last_written_s", "at_s", "final", "write"),
    [
        (None, 0.0, False, True),  # first report of this (user, title)
        (0.0, 2.0, False, False),  # coalesced
        (0.0, 9.9, False, True),  # a heartbeat arriving a little early still writes
        (0.0, 2.0, True, True),  # pause/stop/end: always written
        (0.0, 30.0, False, True),
    ],
)
def test_durable_writes_are_coalesced_unless_final(last_written_s, at_s, final, write):
    last = None if last_written_s is None else T0 + last_written_s
    assert should_write_durably(last, report_at(at_s, final=final)) is write


@pytest.mark.parametrize(
    ("position_s", "listed", "resume_at"),
    [
        (0.0, False, 0.0),
        (5.0, False, 0.0),
        (5.1, True, 5.1),
        (94.9, True, 94.9),
        (95.0, False, 0.0),
    ],
)
def test_a_title_is_in_progress_between_5_s_and_95_percent(position_s, listed, resume_at):
    assert in_progress(position_s, 100.0) is listed
    assert resume_position(position_s, 100.0) == resume_at


def test_a_session_survives_its_round_trip_through_storage():
    session = play(heartbeats(40.0))[-1].session
    assert Session.from_dict(session.to_dict()) == session


reports = st.lists(
    st.tuples(
        st.floats(min_value=0.0, max_value=120.0),  # seconds since the previous report
        st.floats(min_value=0.0, max_value=7200.0),  # position
        st.floats(min_value=0.1, max_value=7200.0),  # duration
    ),
    min_size=1,
    max_size=60,
)


@given(reports, st.sampled_from(["vod", "clip"]))
def test_credited_time_is_never_negative_nor_beyond_the_wall_time(reports, kind):
    session: Session | None = None
    at, counted = T0, 0
    for gap, position, duration in reports:
        at += gap
        step = advance(session, Report(kind, position, duration, at))
        session = step.session
        counted += step.play_counted
        assert step.credited_s >= 0.0
        assert session.watched_s <= (at - T0) + SLACK_S + 1e-9
    assert counted <= 1
