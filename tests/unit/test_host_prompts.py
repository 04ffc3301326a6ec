"""The offline fallback for host prompts: most-asked questions, and the rate limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.host_prompts import may_suggest, most_asked, question_in

T0 = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Said:
    user_id: str
    text: str
    sent_at: datetime


def chat(*lines: tuple[str, str]) -> list[Said]:
    """(user, text) pairs, one second apart."""
    return [Said(u, t, T0 + timedelta(seconds=i)) for i, (u, t) in enumerate(lines)]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("what game is this", "what game is this"),
        ("nice play! how long have you been streaming?", "how long have you been streaming?"),
        ("@bob how old are you", "how old are you"),
        ("is this elden ring https://example.com/x", "is this elden ring"),
        ("you play every day?", "you play every day?"),  # no question word, but a "?"
    ],
)
def test_questions_are_found_in_chat_lines(text, question):
    assert question_in(text) == question


@pytest.mark.parametrize("text", ["lol", "??", "what?", "I love this.", "GG everyone!!", ""])
def test_chatter_is_not_a_question(text):
    assert question_in(text) is None


def test_spellings_of_one_question_are_grouped_and_counted_by_distinct_askers():
    asked = most_asked(
        chat(
            ("a", "whats ur setup??"),
            ("b", "What's your setup?"),
            ("c", "hey guys whats your setup"),
            ("d", "what game is this"),
            ("e", "WHAT GAME IS THIS"),
            ("f", "lol"),
        )
    )
    assert [(q.text, q.askers) for q in asked] == [
        ("What's your setup?", 3),  # the tidiest of equally common phrasings
        ("what game is this?", 2),
    ]


def test_one_viewer_repeating_a_question_is_not_demand():
    asked = most_asked(
        chat(
            ("spammer", "when is the giveaway?"),
            ("spammer", "when is the giveaway??"),
            ("spammer", "WHEN IS THE GIVEAWAY"),
            ("a", "where are you from?"),
            ("b", "where r u from"),
        )
    )
    assert [(q.text, q.askers) for q in asked] == [
        ("where are you from?", 2),
        ("when is the giveaway?", 1),
    ]


def test_ties_go_to_the_most_recently_asked():
    asked = most_asked(
        chat(("a", "how old are you?"), ("b", "what camera do you use?"), ("c", "is this live?"))
    )
    assert [q.text for q in asked] == [
        "is this live?",
        "what camera do you use?",
        "how old are you?",
    ]
    assert asked[0].last_asked_at == T0 + timedelta(seconds=2)


def test_different_questions_with_similar_shapes_stay_apart():
    asked = most_asked(chat(("a", "how old are you?"), ("b", "how tall are you?")), limit=5)
    assert len(asked) == 2


def test_at_most_limit_questions_though_near_duplicates_would_be_one():
    topics = ["game", "camera", "chair", "keyboard", "city", "dog", "song", "mic", "rank"]
    lines = [(f"u{i}", f"which {topic} is that?") for i, topic in enumerate(topics)]
    assert len(most_asked(chat(*lines), limit=3)) == 3
    numbered = [(f"u{i}", f"question number {i} is what?") for i in range(10)]
    assert [q.askers for q in most_asked(chat(*numbered))] == [10]


WORDS = st.sampled_from(["what", "game", "is", "this", "how", "old", "you", "lol", "?", "ur"])
LINES = st.lists(
    st.tuples(st.sampled_from("abcde"), st.lists(WORDS, max_size=6).map(" ".join)), max_size=30
)


@given(LINES)
def test_askers_never_exceed_the_people_who_asked_anything(lines):
    messages = chat(*lines)
    askers = {m.user_id for m in messages if question_in(m.text)}
    for question in most_asked(messages, limit=10):
        assert 1 <= question.askers <= len(askers)


def test_one_suggestion_per_interval_per_stream():
    minute = timedelta(minutes=1)
    assert may_suggest(None, T0, minute)
    assert not may_suggest(T0, T0, minute)
    assert not may_suggest(T0, T0 + timedelta(seconds=59), minute)
    assert may_suggest(T0, T0 + minute, minute)


def test_a_last_suggestion_from_the_future_does_not_block():
    assert may_suggest(T0 + timedelta(hours=1), T0, timedelta(minutes=1))
