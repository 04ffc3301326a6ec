"""suggest_prompts: OpenAI when configured, the most-asked questions otherwise or when
the AI answer is unusable, at most once per stream per interval."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from liveclips.adapters.openai_api import InvalidPromptsResponse, PromptsUnavailable
from liveclips.services.host_prompts import HostPrompter, Source
from liveclips.services.moderation import ChatLine

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
T0 = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
CHAT = [
    ChatLine(f"MSG{i:09d}", user, ROOM, text, T0 + timedelta(seconds=i))
    for i, (user, text) in enumerate(
        [("a", "what game is this?"), ("b", "what game is this"), ("c", "lol"),
         ("d", "how old are you?")]
    )
]  # fmt: skip


class FakeAI:
    def __init__(self, answer: list[str] | Exception) -> None:
        self.answer = answer
        self.seen: list[list[str]] = []

    def __call__(self, lines: Sequence[str], count: int) -> list[str]:
        self.seen.append(list(lines))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def prompter(ai: FakeAI, configured: bool = True) -> HostPrompter:
    return HostPrompter(interval=timedelta(seconds=60), ai=ai, ai_configured=lambda: configured)


def test_with_a_key_the_prompts_come_from_openai_given_the_chat_in_order():
    ai = FakeAI(["Which boss is next?", "Favourite build?"])
    suggestion = prompter(ai).suggest("stream-1", list(reversed(CHAT)), T0)
    assert suggestion.source is Source.OPENAI
    assert suggestion.prompts == ("Which boss is next?", "Favourite build?")
    assert ai.seen == [[m.text for m in CHAT]]


def test_without_a_key_the_most_asked_questions_are_suggested_without_calling_openai():
    ai = FakeAI(["never"])
    suggestion = prompter(ai, configured=False).suggest("stream-1", CHAT, T0)
    assert suggestion.source is Source.CHAT
    assert suggestion.prompts == ("what game is this?", "how old are you?")
    assert suggestion.note == "no OpenAI key configured"
    assert ai.seen == []


def test_an_unusable_ai_answer_falls_back_and_says_why():
    for failure in (
        InvalidPromptsResponse("the model refused: no"),
        PromptsUnavailable("no answer within 2 s", retryable=True),
    ):
        suggestion = prompter(FakeAI(failure)).suggest("stream-1", CHAT, T0)
        assert suggestion.source is Source.CHAT
        assert suggestion.prompts[0] == "what game is this?"
        assert suggestion.note == f"{type(failure).__name__}: {failure}"


def test_one_suggestion_per_stream_per_interval_whatever_its_source():
    ai = FakeAI(PromptsUnavailable("down", retryable=True))
    p = prompter(ai)
    assert p.suggest("stream-1", CHAT, T0).source is Source.CHAT
    limited = p.suggest("stream-1", CHAT, T0 + timedelta(seconds=30))
    assert (limited.source, limited.prompts) == (Source.RATE_LIMITED, ())
    assert limited.note == "next suggestion from 20:01:00"
    assert p.suggest("stream-2", CHAT, T0 + timedelta(seconds=30)).source is Source.CHAT
    assert p.suggest("stream-1", CHAT, T0 + timedelta(seconds=60)).source is Source.CHAT
    assert len(ai.seen) == 3
