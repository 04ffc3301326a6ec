"""From a message's moderation scores to what happens to it: allow, delete, or delete and
disconnect the sender.

Decisions come from the category scores against our own per-category thresholds, not
from the API's `flagged`, so how strict chat is stays ours to tune. A sender is
disconnected at once for a severe category, or on their Nth violation within a window
(counted by message time, so a batch that is late or retried counts the same).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# OpenAI's documented categories for omni-moderation-latest.
CATEGORIES: tuple[str, ...] = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
SEVERE: frozenset[str] = frozenset(
    {"sexual/minors", "harassment/threatening", "hate/threatening", "self-harm/instructions"}
)


class Action(StrEnum):
    ALLOW = "allow"
    DELETE = "delete"
    DELETE_AND_DISCONNECT = "delete_and_disconnect"


def _default_thresholds() -> dict[str, float]:
    thresholds = dict.fromkeys(CATEGORIES, 0.5)
    # Lower where a miss costs more than a wrongly deleted message.
    thresholds["sexual/minors"] = 0.2
    thresholds["self-harm/instructions"] = 0.3
    return thresholds


@dataclass(frozen=True)
class Policy:
    thresholds: Mapping[str, float] = field(default_factory=_default_thresholds)
    severe: frozenset[str] = SEVERE
    disconnect_after: int = 3  # violations in `window`, this one included
    window: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Decision:
    action: Action
    categories: tuple[str, ...]  # over their threshold, highest score first
    reason: str  # for the audit trail: scores, thresholds, which rule


def over_threshold(scores: Mapping[str, float], policy: Policy) -> tuple[str, ...]:
    hits = [c for c, t in policy.thresholds.items() if scores.get(c, 0.0) >= t]
    return tuple(sorted(hits, key=lambda c: (-scores[c], c)))


def decide(scores: Mapping[str, float], prior_violations: int, policy: Policy) -> Decision:
    """`prior_violations`: the sender's violations within the window before this one."""
    hits = over_threshold(scores, policy)
    if not hits:
        return Decision(Action.ALLOW, (), "no category over its threshold")
    found = ", ".join(f"{c} {scores[c]:.2f} >= {policy.thresholds[c]:.2f}" for c in hits)
    severe = [c for c in hits if c in policy.severe]
    nth = prior_violations + 1
    if severe:
        return Decision(Action.DELETE_AND_DISCONNECT, hits, f"{found}; severe: {', '.join(severe)}")
    if nth >= policy.disconnect_after:
        minutes = policy.window.total_seconds() / 60
        repeat = f"violation {nth} within {minutes:g} min"
        return Decision(Action.DELETE_AND_DISCONNECT, hits, f"{found}; {repeat}")
    return Decision(Action.DELETE, hits, found)


def public_reason(categories: Sequence[str]) -> str:
    """What IVS Chat shows viewers and the sender: categories only, never scores."""
    return f"Removed by moderation: {', '.join(categories)}"


class RecentViolations:
    """Each user's violation times within the window, in this process's memory."""

    def __init__(self, window: timedelta) -> None:
        self._window = window
        self._times: dict[str, deque[datetime]] = defaultdict(deque)

    def count(self, user_id: str, at: datetime) -> int:
        """Violations in (at - window, at]: a batch may be judged out of message order."""
        since = at - self._window
        return sum(1 for t in self._times.get(user_id, ()) if since < t <= at)

    def add(self, user_id: str, at: datetime) -> None:
        times = self._times[user_id]
        times.append(at)
        # Only what a later message's window can still reach is kept.
        newest = max(times)
        while times and times[0] <= newest - self._window:
            times.popleft()
