"""What a moderator or a message's author may do to a verdict, and what it becomes.

A flagged verdict waits OPEN until a moderator UPHOLDs or OVERTURNs it. Its author may
appeal once, from OPEN or UPHELD: an appeal puts it back in front of a moderator
(APPEALED), whose decision then is final. A verdict that flagged nothing is not in the
queue (NONE) and cannot be appealed: nothing was done to the message.
"""

from __future__ import annotations

from typing import Literal

from liveclips.errors import PermanentError

ReviewState = Literal["NONE", "OPEN", "UPHELD", "OVERTURNED", "APPEALED"]
Outcome = Literal["uphold", "overturn"]
QUEUED: tuple[ReviewState, ...] = ("OPEN", "APPEALED")


class NotAllowed(PermanentError, ValueError):
    """The step does not apply to the verdict as it stands; the message says why.
    `by_whom` is True when it would apply, but not for this caller."""

    def __init__(self, message: str, *, by_whom: bool = False) -> None:
        super().__init__(message)
        self.by_whom = by_whom


def decide(state: ReviewState, outcome: Outcome) -> ReviewState:
    if state not in QUEUED:
        raise NotAllowed(f"a {state} verdict is not waiting for a decision")
    return "UPHELD" if outcome == "uphold" else "OVERTURNED"


def appeal(state: ReviewState, *, by_author: bool, appealed_before: bool) -> ReviewState:
    if not by_author:
        raise NotAllowed("only the message's author can appeal its verdict", by_whom=True)
    if state == "NONE":
        raise NotAllowed("nothing was done to this message")
    if appealed_before or state == "APPEALED":
        raise NotAllowed("a verdict can be appealed once")
    if state == "OVERTURNED":
        raise NotAllowed("the verdict was already overturned")
    return "APPEALED"
