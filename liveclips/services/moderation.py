"""Asynchronous AI moderation of chat: a batch of messages IVS Chat already showed.

One moderation request per batch, retried with jittered backoff behind a circuit
breaker. When OpenAI is down, slow, or answers off-contract, the batch comes back as
`pending` verdicts: nothing is lost and nothing is guessed; the caller keeps them for a
later attempt. Decided verdicts go through the policy, violations are acted on in IVS
Chat (delete, and by policy disconnect), and every decided verdict is stored.

Storing and acting are injected (`store`, `act`), so the wiring decides where verdicts
go and tests decide what IVS Chat is.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache

from liveclips.adapters import ivschat, openai_api
from liveclips.adapters.openai_api import InvalidResponse, ModerationResult, Unavailable
from liveclips.domain.circuit_breaker import BreakerState, CircuitBreaker
from liveclips.domain.moderation_policy import (
    Action,
    Policy,
    RecentViolations,
    decide,
    public_reason,
)
from liveclips.domain.retry import Backoff

log = logging.getLogger("liveclips.moderation")
TOP_SCORES = 3


@dataclass(frozen=True)
class ChatLine:
    message_id: str  # IVS Chat's message id
    user_id: str
    room_arn: str
    text: str
    sent_at: datetime


class Status(StrEnum):
    DECIDED = "decided"
    PENDING = "pending"  # not judged yet: moderate the message again later
    ACTION_FAILED = "action_failed"  # judged, but IVS Chat refused or was unreachable


@dataclass(frozen=True)
class Verdict:
    message_id: str
    user_id: str
    room_arn: str
    text: str  # what was judged, for whoever reviews the verdict later
    sent_at: datetime
    status: Status
    action: Action | None  # None while pending
    categories: tuple[str, ...]  # over their threshold, highest first
    top_scores: Mapping[str, float]
    reason: str
    model: str | None
    decided_at: datetime

    @property
    def flagged(self) -> bool:
        return self.action in (Action.DELETE, Action.DELETE_AND_DISCONNECT)


Classify = Callable[[Sequence[str]], list[ModerationResult]]
Store = Callable[[list[Verdict]], None]
Act = Callable[[Verdict], None]


def act_in_ivs_chat(verdict: Verdict) -> None:
    if verdict.action in (None, Action.ALLOW):
        return
    reason = public_reason(verdict.categories)
    ivschat.delete_message(verdict.room_arn, verdict.message_id, reason)
    if verdict.action is Action.DELETE_AND_DISCONNECT:
        ivschat.disconnect_user(verdict.room_arn, verdict.user_id, reason)


class Moderator:
    def __init__(
        self,
        *,
        store: Store,
        act: Act = act_in_ivs_chat,
        classify: Classify = openai_api.moderate,
        policy: Policy | None = None,
        breaker: CircuitBreaker | None = None,
        violations: RecentViolations | None = None,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store, self._act, self._classify = store, act, classify
        self._policy = policy or Policy()
        self._breaker = breaker or CircuitBreaker(clock=time.monotonic)
        self._violations = violations or RecentViolations(self._policy.window)
        self._backoff = backoff or Backoff()
        self._sleep, self._rand, self._now = sleep, rand, now

    def moderate_batch(self, messages: Sequence[ChatLine]) -> list[Verdict]:
        """One verdict per distinct message id (a redelivered message is judged once)."""
        messages = list({m.message_id: m for m in messages}.values())
        if not messages:
            return []
        results = self._classify_with_retries([m.text for m in messages])
        if isinstance(results, str):
            log.warning("moderation of %d messages pending: %s", len(messages), results)
            return [self._pending(m, results) for m in messages]
        # In message order, so a user's repeated violations are counted as they happened.
        judged = {
            m.message_id: self._judge(m, r)
            for m, r in sorted(zip(messages, results, strict=True), key=lambda p: p[0].sent_at)
        }
        verdicts = [judged[m.message_id] for m in messages]
        self._store(verdicts)
        return verdicts

    def _classify_with_retries(self, texts: list[str]) -> list[ModerationResult] | str:
        """The results, or why there are none."""
        why = "not attempted"
        for attempt in range(self._backoff.attempts):
            if attempt:
                if self._breaker.state is BreakerState.OPEN:  # no point waiting to be refused
                    return f"circuit open ({why})"
                self._sleep(self._backoff.delay_s(attempt - 1, self._rand))
            if not self._breaker.allow():
                return f"circuit open ({why})" if attempt else "circuit open"
            try:
                results = self._classify(texts)
            except Unavailable as exc:
                self._breaker.record_failure()
                why = f"{type(exc).__name__}: {exc}"
                if not exc.retryable:
                    return why
                continue
            except InvalidResponse as exc:
                # Not retried: a broken contract is seldom fixed a second later, and the
                # batch is kept for later anyway.
                self._breaker.record_failure()
                return f"{type(exc).__name__}: {exc}"
            except Exception:
                self._breaker.record_failure()  # a half-open trial must never stay out
                raise
            self._breaker.record_success()
            return results
        return f"{why} (after {self._backoff.attempts} attempts)"

    def _judge(self, message: ChatLine, result: ModerationResult) -> Verdict:
        prior = self._violations.count(message.user_id, message.sent_at)
        decision = decide(result.scores, prior, self._policy)
        top = sorted(result.scores.items(), key=lambda kv: -kv[1])[:TOP_SCORES]
        verdict = Verdict(
            message_id=message.message_id,
            user_id=message.user_id,
            room_arn=message.room_arn,
            text=message.text,
            sent_at=message.sent_at,
            status=Status.DECIDED,
            action=decision.action,
            categories=decision.categories,
            top_scores=dict(top),
            reason=decision.reason,
            model=result.model,
            decided_at=self._now(),
        )
        if decision.action is Action.ALLOW:
            return verdict
        self._violations.add(message.user_id, message.sent_at)
        try:
            self._act(verdict)
        except ivschat.CHAT_ERRORS as exc:
            log.warning("IVS Chat action on %s failed: %s", message.message_id, exc)
            return replace(verdict, status=Status.ACTION_FAILED, reason=f"{verdict.reason}; {exc}")
        return verdict

    def _pending(self, message: ChatLine, why: str) -> Verdict:
        return Verdict(
            message_id=message.message_id,
            user_id=message.user_id,
            room_arn=message.room_arn,
            text=message.text,
            sent_at=message.sent_at,
            status=Status.PENDING,
            action=None,
            categories=(),
            top_scores={},
            reason=why,
            model=None,
            decided_at=self._now(),
        )


@lru_cache(maxsize=1)
def _process_state() -> tuple[CircuitBreaker, RecentViolations]:
    """One breaker and one violation memory per process, shared by every batch."""
    return CircuitBreaker(clock=time.monotonic), RecentViolations(Policy().window)


def moderate_batch(
    messages: Sequence[ChatLine], *, store: Store, act: Act = act_in_ivs_chat
) -> list[Verdict]:
    breaker, violations = _process_state()
    moderator = Moderator(store=store, act=act, breaker=breaker, violations=violations)
    return moderator.moderate_batch(messages)
