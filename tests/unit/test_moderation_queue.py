from __future__ import annotations

import pytest

from liveclips.domain.moderation_queue import NotAllowed, appeal, decide


@pytest.mark.parametrize(("state", "outcome", "after"), [
    ("OPEN", "uphold", "UPHELD"), ("OPEN", "overturn", "OVERTURNED"),
    ("APPEALED", "uphold", "UPHELD"), ("APPEALED", "overturn", "OVERTURNED"),
])  # fmt: skip
def test_a_queued_verdict_takes_the_moderators_decision(state, outcome, after):
    assert decide(state, outcome) == after


@pytest.mark.parametrize("state", ["NONE", "UPHELD", "OVERTURNED"])
def test_a_verdict_out_of_the_queue_takes_no_decision(state):
    with pytest.raises(NotAllowed, match="not waiting for a decision"):
        decide(state, "uphold")


def test_the_author_appeals_once_from_open_or_upheld():
    assert appeal("OPEN", by_author=True, appealed_before=False) == "APPEALED"
    assert appeal("UPHELD", by_author=True, appealed_before=False) == "APPEALED"
    with pytest.raises(NotAllowed, match="once"):
        appeal("UPHELD", by_author=True, appealed_before=True)


@pytest.mark.parametrize(("state", "by_author", "why"), [
    ("OPEN", False, "only the message's author"),
    ("NONE", True, "nothing was done"),
    ("OVERTURNED", True, "already overturned"),
    ("APPEALED", True, "once"),
])  # fmt: skip
def test_appeals_that_make_no_sense_are_refused_with_the_reason(state, by_author, why):
    with pytest.raises(NotAllowed, match=why):
        appeal(state, by_author=by_author, appealed_before=False)
