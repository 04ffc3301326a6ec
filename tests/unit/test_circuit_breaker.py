"""The breaker: closed -> open after N consecutive failures -> half-open after the
cool-down -> one trial decides. Time is a fake clock; nothing sleeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.circuit_breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, threshold: int = 3, cooldown_s: float = 10.0) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=threshold, cooldown_s=cooldown_s, clock=clock)


def test_opens_after_n_consecutive_failures_and_refuses_calls():
    clock = Clock()
    b = breaker(clock)
    for _ in range(2):
        assert b.allow()
        b.record_failure()
    assert b.state is BreakerState.CLOSED
    b.record_failure()
    assert b.state is BreakerState.OPEN
    assert not b.allow()


def test_a_success_resets_the_count_of_consecutive_failures():
    b = breaker(Clock())
    for _ in range(5):
        b.record_failure()
        b.record_failure()
        b.record_success()
    assert b.state is BreakerState.CLOSED


def test_after_the_cooldown_one_trial_goes_out_and_its_success_closes():
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 9.9
    assert not b.allow()
    clock.now += 0.1
    assert b.state is BreakerState.HALF_OPEN
    assert b.allow()  # the trial
    assert not b.allow()  # a second caller waits for the trial's outcome
    b.record_success()
    assert b.state is BreakerState.CLOSED
    assert b.allow() and b.allow()


def test_a_failed_trial_reopens_for_a_fresh_cooldown():
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 10
    assert b.allow()
    b.record_failure()  # one failure is enough while half-open
    assert b.state is BreakerState.OPEN
    clock.now += 5
    assert not b.allow()
    clock.now += 5
    assert b.allow()


def test_nonsense_settings_are_refused():
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(failure_threshold=0, clock=Clock())


TICK = st.tuples(st.just("tick"), st.floats(min_value=0, max_value=25))
OPS = st.lists(
    st.one_of(TICK, st.just(("allow", 0.0)), st.just(("ok", 0.0)), st.just(("fail", 0.0))),
    max_size=60,
)


@given(OPS)
def test_never_more_than_one_trial_while_half_open_and_no_call_while_open(ops):
    clock = Clock()
    b = breaker(clock, threshold=2)
    trials_out = 0
    for op, dt in ops:
        if op == "tick":
            clock.now += dt
        elif op == "allow":
            before = b.state
            granted = b.allow()
            if before is BreakerState.OPEN:
                assert not granted
            if before is BreakerState.HALF_OPEN and granted:
                trials_out += 1
            assert trials_out <= 1
        else:
            b.record_success() if op == "ok" else b.record_failure()
            trials_out = 0
