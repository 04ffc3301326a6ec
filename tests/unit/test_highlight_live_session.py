"""LiveSession: the engine fed the way the pipeline feeds it, segment by segment."""

from __future__ import annotations

import json

import pytest

from liveclips.domain.highlight_engine.features import ChatMessage
from liveclips.domain.highlight_engine.live import (
    LiveSession,
    OutOfOrderSegment,
    SegmentSignals,
    SegmentsStillInFlight,
)

SEGMENT_S = 10.267  # IVS recording segments are ~10 s and not whole seconds
QUIET, LOUD = -38.0, -10.0
MOMENT = (62.0, 68.0)
REGULARS = [f"viewer{i}" for i in range(40)]


def show_chat(duration_s: float) -> list[ChatMessage]:
    messages = [
        ChatMessage(t + 0.3, REGULARS[int(t) % len(REGULARS)], "nice stream")
        for t in range(int(duration_s))
        if t % 2 == 0
    ]
    # The room (its regulars, not a raid of strangers) reacts a few seconds later.
    for i in range(60):
        t = MOMENT[0] + 3 + i * 0.12
        user = REGULARS[i % len(REGULARS)]
        messages.append(ChatMessage(t, user, "OMG LMAO CLIP IT 😂" if i % 2 else f"KEKW {i}"))
    return sorted(messages, key=lambda m: m.t)


def segments(duration_s: float = 150.0) -> list[SegmentSignals]:
    chat = show_chat(duration_s)
    out, index, start = [], 0, 0.0
    while start < duration_s - 1:
        length = min(SEGMENT_S, duration_s - start)
        media = []
        for i in range(round(length)):
            t = start + i
            loud = MOMENT[0] <= t < MOMENT[1]
            media.append(
                {"loudness": LOUD if loud else QUIET, "scene": 0.9 if loud else 0.02, "motion": 0.1}
            )
        lufs = [
            LOUD if MOMENT[0] <= start + k / 10 < MOMENT[1] else QUIET
            for k in range(int(length * 10))
        ]
        # The pipeline supplies every raw event up to the segment's end (history included).
        out.append(
            SegmentSignals(
                index=index,
                start_s=start,
                duration_s=length,
                media_seconds=media,
                momentary_lufs=lufs,
                loudness_step_s=0.1,
                chat=[m for m in chat if m.t < start + length],
                viewers=[(0.0, 100), (start, 100 + index)],
            )
        )
        index, start = index + 1, start + length
    return out


def run(session: LiveSession, feed: list[SegmentSignals]):
    found = []
    for segment in feed:
        found.extend(session.feed(segment))
    return found + session.finish(feed[-1].end_s)


def test_a_moment_the_room_reacts_to_is_detected_live_around_it():
    detections = run(LiveSession(), segments())

    assert len(detections) == 1
    clip = detections[0]
    assert clip.start_s <= MOMENT[0] + 1 and clip.end_s >= MOMENT[1] - 1
    assert clip.end_s - clip.start_s < 40


def test_a_session_saved_and_restored_between_segments_decides_the_same():
    feed = segments()
    uninterrupted = run(LiveSession(), feed)

    session, found = LiveSession(), []
    for segment in feed:
        found.extend(session.feed(segment))
        session = LiveSession.from_dict(json.loads(json.dumps(session.to_dict())))
    assert found + session.finish(feed[-1].end_s) == uninterrupted


def test_a_redelivered_segment_is_ignored_and_a_future_one_refused():
    feed = segments()
    session = LiveSession()
    session.feed(feed[0])
    before = json.dumps(session.to_dict())

    assert session.feed(feed[0]) == []
    assert json.dumps(session.to_dict()) == before
    with pytest.raises(OutOfOrderSegment, match="segment 2 arrived before segment 1"):
        session.feed(feed[2])


def test_the_show_is_finished_only_once_every_segment_is_in():
    feed = segments()
    session = LiveSession()
    for segment in feed[:-2]:
        session.feed(segment)
    with pytest.raises(SegmentsStillInFlight, match="the detector has seen"):
        session.finish(feed[-1].end_s)


def test_every_show_second_is_given_to_the_detector_once_in_order():
    session = LiveSession()
    for segment in segments(95.0):
        session.feed(segment)
    assert session.next_t == 95
    assert session.window_start() == 95 - 30
