"""moderate_batch with a fake OpenAI and a fake IVS Chat: retries, breaker, pending
verdicts, policy, actions. The real adapters meet the stand-in in
tests/integration/test_openai_moderation.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from liveclips.adapters.openai_api import (
    InvalidModerationResponse,
    ModerationResult,
    ModerationUnavailable,
)
from liveclips.domain.circuit_breaker import BreakerState, CircuitBreaker
from liveclips.domain.moderation_policy import CATEGORIES, Action
from liveclips.domain.retry import Backoff
from liveclips.services.moderation import ChatLine, Moderator, Status, Verdict

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
T0 = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def line(n: int, text: str, user: str = "viewer-1") -> ChatLine:
    return ChatLine(f"MSG{n:09d}", user, ROOM, text, T0 + timedelta(seconds=n))


class FakeOpenAI:
    """Scores from the text: 'rude' is harassment 0.9, 'threat' harassment/threatening."""

    def __init__(self, failures: Sequence[Exception] = ()) -> None:
        self.failures = list(failures)
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> list[ModerationResult]:
        self.calls.append(list(texts))
        if self.failures:
            raise self.failures.pop(0)
        return [ModerationResult("omni-moderation-test", False, self._scores(t)) for t in texts]

    @staticmethod
    def _scores(text: str) -> dict[str, float]:
        scores = dict.fromkeys(CATEGORIES, 0.001)
        if "rude" in text:
            scores["harassment"] = 0.9
        if "threat" in text:
            scores["harassment/threatening"] = 0.95
        return scores


class Harness:
    def __init__(self, openai: FakeOpenAI, *, threshold: int = 5, attempts: int = 3) -> None:
        self.openai = openai
        self.clock = 0.0
        self.breaker = CircuitBreaker(
            failure_threshold=threshold, cooldown_s=30, clock=lambda: self.clock
        )
        self.stored: list[list[Verdict]] = []
        self.acted: list[Verdict] = []
        self.slept: list[float] = []
        self.act_error: Exception | None = None
        self.moderator = Moderator(
            store=self.stored.append,
            act=self._act,
            classify=openai,
            breaker=self.breaker,
            backoff=Backoff(attempts=attempts, base_s=0.5, cap_s=4),
            sleep=self.slept.append,
            rand=lambda: 0.5,
            now=lambda: T0,
        )

    def _act(self, verdict: Verdict) -> None:
        if self.act_error is not None:
            raise self.act_error
        self.acted.append(verdict)


def unavailable(retryable: bool = True) -> ModerationUnavailable:
    return ModerationUnavailable("HTTP 429 (rate_limit_exceeded): slow down", retryable=retryable)


def test_a_clean_batch_is_one_call_all_allowed_and_stored_nothing_acted():
    h = Harness(FakeOpenAI())
    verdicts = h.moderator.moderate_batch([line(1, "hi"), line(2, "gg")])
    assert len(h.openai.calls) == 1
    assert [(v.status, v.action) for v in verdicts] == [(Status.DECIDED, Action.ALLOW)] * 2
    assert h.stored == [verdicts]
    assert h.acted == []
    assert verdicts[0].model == "omni-moderation-test"


def test_a_violation_is_acted_on_and_its_verdict_says_why():
    h = Harness(FakeOpenAI())
    hi, rude = h.moderator.moderate_batch([line(1, "hi"), line(2, "so rude", user="viewer-2")])
    assert hi.action is Action.ALLOW
    assert (rude.action, rude.categories, rude.user_id) == (
        Action.DELETE,
        ("harassment",),
        "viewer-2",
    )
    assert rude.reason == "harassment 0.90 >= 0.50"
    assert next(iter(rude.top_scores.items())) == ("harassment", 0.9)
    assert rude.flagged and not hi.flagged
    assert h.acted == [rude]


def test_a_users_third_violation_in_the_window_disconnects_them_even_within_one_batch():
    h = Harness(FakeOpenAI())
    verdicts = h.moderator.moderate_batch([line(n, f"rude {n}") for n in (3, 1, 2)])
    by_time = sorted(verdicts, key=lambda v: v.message_id)
    assert [v.action for v in by_time] == [
        Action.DELETE,
        Action.DELETE,
        Action.DELETE_AND_DISCONNECT,
    ]
    assert [v.message_id for v in verdicts] == ["MSG000000003", "MSG000000001", "MSG000000002"]


def test_a_redelivered_message_is_judged_and_acted_on_once():
    h = Harness(FakeOpenAI())
    verdicts = h.moderator.moderate_batch([line(1, "rude"), line(1, "rude")])
    assert len(verdicts) == 1
    assert h.openai.calls == [["rude"]]
    assert len(h.acted) == 1


def test_a_failed_ivs_chat_action_is_recorded_not_raised():
    h = Harness(FakeOpenAI())
    h.act_error = ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "DeleteMessage"
    )
    (verdict,) = h.moderator.moderate_batch([line(1, "a threat")])
    assert verdict.status is Status.ACTION_FAILED
    assert verdict.action is Action.DELETE_AND_DISCONNECT
    assert "ThrottlingException" in verdict.reason
    assert h.stored == [[verdict]]


def test_a_retryable_failure_is_retried_after_a_jittered_backoff():
    h = Harness(FakeOpenAI(failures=[unavailable(), unavailable()]))
    (verdict,) = h.moderator.moderate_batch([line(1, "hi")])
    assert verdict.status is Status.DECIDED
    assert len(h.openai.calls) == 3
    assert h.slept == [0.25, 0.5]  # half of 0.5 s, then half of 1 s (rand = 0.5)
    assert h.breaker.state is BreakerState.CLOSED


def test_exhausted_retries_leave_the_batch_pending_and_unstored():
    h = Harness(FakeOpenAI(failures=[unavailable()] * 3))
    verdicts = h.moderator.moderate_batch([line(1, "hi"), line(2, "rude")])
    assert [v.status for v in verdicts] == [Status.PENDING] * 2
    assert all(v.action is None and v.model is None for v in verdicts)
    assert verdicts[0].reason == (
        "ModerationUnavailable: HTTP 429 (rate_limit_exceeded): slow down (after 3 attempts)"
    )
    assert verdicts[1].text == "rude"  # everything needed to try again later
    assert h.stored == [] and h.acted == []


def test_a_failure_that_waiting_will_not_fix_is_not_retried():
    h = Harness(FakeOpenAI(failures=[unavailable(retryable=False)]))
    (verdict,) = h.moderator.moderate_batch([line(1, "hi")])
    assert verdict.status is Status.PENDING
    assert len(h.openai.calls) == 1 and h.slept == []


def test_an_off_contract_answer_is_pending_at_once_and_counts_against_the_breaker():
    h = Harness(
        FakeOpenAI(failures=[InvalidModerationResponse("2 results for 3 inputs")]), threshold=1
    )
    (verdict,) = h.moderator.moderate_batch([line(1, "hi")])
    assert verdict.status is Status.PENDING
    assert verdict.reason == "InvalidModerationResponse: 2 results for 3 inputs"
    assert len(h.openai.calls) == 1
    assert h.breaker.state is BreakerState.OPEN


def test_an_open_breaker_keeps_batches_pending_without_calling_then_a_trial_closes_it():
    h = Harness(FakeOpenAI(failures=[unavailable()] * 3), threshold=3)
    h.moderator.moderate_batch([line(1, "hi")])
    assert h.breaker.state is BreakerState.OPEN
    (verdict,) = h.moderator.moderate_batch([line(2, "hi")])
    assert verdict.reason == "circuit open"
    assert len(h.openai.calls) == 3  # the open breaker spared OpenAI the call
    h.clock += 30
    (verdict,) = h.moderator.moderate_batch([line(3, "hi")])
    assert verdict.status is Status.DECIDED
    assert h.breaker.state is BreakerState.CLOSED


def test_once_the_breaker_opens_mid_retries_the_batch_stops_waiting():
    h = Harness(FakeOpenAI(failures=[unavailable()] * 3), threshold=2)
    (verdict,) = h.moderator.moderate_batch([line(1, "hi")])
    assert verdict.reason.startswith("circuit open (ModerationUnavailable")
    assert len(h.openai.calls) == 2 and len(h.slept) == 1


def test_an_unexpected_error_is_raised_and_never_leaves_a_half_open_trial_out():
    h = Harness(FakeOpenAI(failures=[unavailable()] * 3 + [RuntimeError("bug")]), threshold=3)
    h.moderator.moderate_batch([line(1, "hi")])
    h.clock += 30
    with pytest.raises(RuntimeError, match="bug"):
        h.moderator.moderate_batch([line(2, "hi")])
    h.clock += 30
    assert h.breaker.allow()  # the failed trial reopened the breaker; a new trial may go


def test_an_empty_batch_calls_nothing():
    h = Harness(FakeOpenAI())
    assert h.moderator.moderate_batch([]) == []
    assert h.openai.calls == [] and h.stored == []
