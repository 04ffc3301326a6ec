"""Full-jitter backoff: every wait within [0, min(cap, base * 2^retry)]."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.retry import Backoff


@given(
    retry=st.integers(min_value=0, max_value=10_000),
    r=st.floats(min_value=0, max_value=1, exclude_max=True),
    base=st.floats(min_value=0, max_value=10),
    cap=st.floats(min_value=0, max_value=60),
)
def test_every_delay_is_within_the_exponential_ceiling_and_the_cap(retry, r, base, cap):
    backoff = Backoff(attempts=3, base_s=base, cap_s=cap)
    delay = backoff.delay_s(retry, lambda: r)
    assert 0 <= delay <= min(cap, base * 2.0 ** min(retry, 64))
    assert delay <= cap


def test_the_ceiling_doubles_until_the_cap():
    backoff = Backoff(base_s=0.25, cap_s=1.5)
    assert [backoff.ceiling_s(n) for n in range(5)] == [0.25, 0.5, 1.0, 1.5, 1.5]


def test_full_jitter_spans_zero_to_the_ceiling():
    backoff = Backoff(base_s=1.0, cap_s=10.0)
    assert backoff.delay_s(2, lambda: 0.0) == 0.0
    assert backoff.delay_s(2, lambda: 0.5) == 2.0
    assert backoff.delay_s(2, lambda: 0.999) == pytest.approx(3.996)


def test_a_random_source_out_of_range_cannot_push_a_delay_past_the_ceiling():
    assert Backoff(base_s=1.0, cap_s=10.0).delay_s(0, lambda: 7.0) == 1.0


def test_no_attempts_is_not_a_backoff():
    with pytest.raises(ValueError, match="invalid backoff"):
        Backoff(attempts=0)
