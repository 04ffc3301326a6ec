"""The engagement job's dead letters carry attributes Pub/Sub accepts: it rejects a value
over 1024 bytes (not characters), which a reason in a non-Latin script reaches long before
1024 characters, and the whole publish (the bundle) would fail with it."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from pipelines.engagement.events import BadRow
from pipelines.engagement.io import DEAD_LETTER_SOURCE, PublishDeadLetters

PUBSUB_MAX_VALUE_BYTES = 1024


class RecordingPublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def publish(self, topic: str, data: bytes, **attributes: str) -> Future[str]:
        self.sent.append((topic, data, attributes))
        done: Future[str] = Future()
        done.set_result(str(len(self.sent)))
        return done


def dead_letters(*rows: BadRow) -> list[tuple[str, bytes, dict[str, str]]]:
    publisher = RecordingPublisher()
    dofn: Any = PublishDeadLetters("liveclips-local")
    dofn._publisher = publisher  # what setup() makes, without a Pub/Sub to talk to
    dofn.start_bundle()
    for row in rows:
        dofn.process(row)
    dofn.finish_bundle()
    return publisher.sent


def test_a_long_non_ascii_reason_is_cut_to_what_pubsub_accepts():
    # 633 characters, 1 298 bytes: within 1024 characters, not within 1024 bytes; and
    # the cut at 1000 bytes falls inside a 3-byte character.
    reason = "xxx" + "ошибка ключа 無効な値 " * 35
    assert len(reason) < PUBSUB_MAX_VALUE_BYTES < len(reason.encode())
    raw = '{"kind": "無効"}'.encode()

    [(topic, data, attributes)] = dead_letters(BadRow(raw, reason, 0.0))

    assert topic == "projects/liveclips-local/topics/dead-letter"
    assert data == raw  # the original bytes, untouched
    cut = attributes["dead_letter_reason"]
    assert len(cut.encode()) <= PUBSUB_MAX_VALUE_BYTES
    assert reason.startswith(cut) and len(cut) > 300  # a prefix, whole characters only
    assert attributes["dead_letter_source"] == DEAD_LETTER_SOURCE


def test_a_short_reason_is_sent_as_it_is():
    [(_, _, attributes)] = dead_letters(BadRow(b"{", "not json", 0.0))
    assert attributes["dead_letter_reason"] == "not json"
