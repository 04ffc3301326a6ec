from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from liveclips.contracts.player import PlayerEvent

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def make(**fields):
    return PlayerEvent(event_id="e1", session_id="s1", occurred_at=NOW, **fields)


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"kind": "clip_play"}, "clip_play events need clip_id"),
        ({"kind": "live_join"}, "live_join events need stream_id"),
        ({"kind": "play_start", "title_id": "t"}, "play_start events need ttff_ms"),
        ({"kind": "stall", "stream_id": "s"}, "stall events need stall_ms"),
        ({"kind": "heartbeat"}, "about a stream_id, a title_id or a clip_id"),
        ({"kind": "heartbeat", "title_id": "a b"}, "title_id"),
        ({"kind": "heartbeat", "title_id": "t", "position_s": -1}, "position_s"),
        ({"kind": "rewind", "title_id": "t"}, "kind"),
        ({"kind": "heartbeat", "title_id": "t", "user_id": "u"}, "user_id"),
    ],
)
def test_an_event_that_does_not_say_enough_is_refused_with_the_reason(fields, complaint):
    with pytest.raises(ValidationError, match=complaint):
        make(**fields)


def test_complete_events_pass():
    assert make(kind="play_start", title_id="t", ttff_ms=300).ttff_ms == 300
    assert make(kind="share", clip_id="c").clip_id == "c"
    with pytest.raises(ValidationError, match="timezone"):
        PlayerEvent(event_id="e", session_id="s", occurred_at=datetime(2026, 1, 1), kind="stop",
                    title_id="t")  # fmt: skip
