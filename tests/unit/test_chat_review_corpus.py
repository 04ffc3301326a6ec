"""The adversarial corpus (datasets/chat-review): every line gets the answer it expects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liveclips.domain.chat_rules import RoomPolicy, Traffic, review

CORPUS = Path(__file__).resolve().parents[2] / "datasets" / "chat-review" / "corpus.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
ROOM = RoomPolicy.build(denied=("rosebud",), allowed_domains=("liveclips.app",))
CALM = Traffic(user_count=1, room_count=1, duplicate=False)


def answer(text: str) -> str:
    decision = review(text, ROOM, CALM)
    if decision.result == "DENY":
        return "DENY"
    return "REDACT" if decision.content != text else "ALLOW"


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['kind']}: {r['text'][:30]!r}" for r in ROWS])
def test_corpus_line(row):
    assert answer(row["text"]) == row["expect"], review(row["text"], ROOM, CALM)


def test_the_corpus_covers_every_kind_of_answer():
    assert {r["expect"] for r in ROWS} == {"ALLOW", "REDACT", "DENY"}
    assert sum(r["kind"] == "harmless" for r in ROWS) >= 40
