"""Exponential backoff with full jitter for calls that may be retried.

Full jitter (a uniformly random wait below the exponential ceiling) rather than a fixed
schedule: when OpenAI rate-limits every moderation worker at once, fixed delays would
bring them all back at the same instant and be rate-limited again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    attempts: int = 3  # calls in all, the first included
    base_s: float = 0.25
    cap_s: float = 4.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_s < 0 or self.cap_s < 0:
            raise ValueError(f"invalid backoff {self}")

    def ceiling_s(self, retry: int) -> float:
        """The longest wait before retry number `retry` (0 = the first retry)."""
        # min() before the power would overflow for large retry numbers.
        return min(self.cap_s, self.base_s * 2.0 ** min(retry, 64))

    def delay_s(self, retry: int, rand: Callable[[], float]) -> float:
        """A wait in [0, ceiling_s(retry)]; `rand` returns a float in [0, 1)."""
        return self.ceiling_s(retry) * min(max(rand(), 0.0), 1.0)
