"""The host's prompt suggestions, through the running API, from chat kept in Redis."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from liveclips.adapters import signal_store, spanner
from tests.support import bearer

pytestmark = pytest.mark.integration
HOST = "host-prompts-creator"
QUESTIONS = ["what keyboard is that?", "What keyboard is that??", "where are you from?",
             "what keyboard do you use", "gg", "how long have you been streaming?"]  # fmt: skip


def live_stream_with_chat(lines: list[str]) -> str:
    """A live stream on HOST's channel (made through the API: channels have owners)."""
    made = httpx.post(
        f"{os.environ['LIVECLIPS_API_URL']}/v1/channels",
        json={"name": f"prompts-{uuid.uuid4().hex[:8]}"},
        headers=bearer(HOST, "creator"),
        timeout=10,
    )
    made.raise_for_status()
    stream_id, channel_id = f"st-{uuid.uuid4().hex[:12]}", made.json()["channel"]["id"]
    spanner.apply_stream_change(
        stream_id=stream_id, channel_id=channel_id, change="started", at=datetime.now(UTC)
    )
    now = time.time()
    for i, text in enumerate(lines):
        signal_store.record("chat", channel_id, now - 30 + i, uuid.uuid4().hex,
                            {"user": f"viewer-{i}", "text": text})  # fmt: skip
    return stream_id


def prompts(stream_id: str) -> httpx.Response:
    return httpx.get(
        f"{os.environ['LIVECLIPS_API_URL']}/v1/streams/{stream_id}/prompts",
        headers=bearer(HOST, "creator"),
        timeout=10,
    )


def openai_faults(*faults: dict) -> None:
    url = os.environ["LIVECLIPS_OPENAI_BASE_URL"].removesuffix("/v1") + "/_control"
    httpx.post(url, json={"faults": list(faults)}).raise_for_status()


def test_the_host_gets_ai_questions_then_waits_for_the_next(cloud):
    stream_id = live_stream_with_chat(QUESTIONS)

    first, again = prompts(stream_id).json(), prompts(stream_id).json()

    assert first["source"] == "openai" and 1 <= len(first["prompts"]) <= 3
    assert all(p.strip() for p in first["prompts"])
    assert again["source"] == "rate_limited"


def test_a_broken_ai_answer_falls_back_to_the_most_asked_questions(cloud):
    stream_id = live_stream_with_chat(QUESTIONS)
    openai_faults({"kind": "malformed", "body": "prose", "endpoint": "chat/completions"})

    answer = prompts(stream_id).json()

    assert answer["source"] == "chat"
    assert answer["prompts"][0].lower().startswith("what keyboard")  # asked by three viewers
    assert answer["note"]


def test_an_unknown_stream_is_a_404_with_a_code(cloud):
    answer = prompts("st-nope")
    assert answer.status_code == 404 and answer.json()["detail"]["code"] == "stream_not_found"
