"""Chat text from anyone on the internet: the inline review must answer every message,
inside IVS Chat's 200 ms, whatever the characters. The per-example deadline is what
catches a folding step or a rule's regular expression that backtracks catastrophically."""

from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from functions.aws.chat_review import lambda_handler
from liveclips.domain.chat_rules import MAX_LENGTH, RoomPolicy, Traffic, review
from liveclips.domain.chat_text import letters, skeleton, visible, words
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from tests.fuzz.inputs import FUZZ, json_values, mutations, nasty_chars, nasty_text

ROOM = RoomPolicy.build(denied=("rosebud", "bad phrase"), allowed_domains=("liveclips.app",))
CALM = Traffic(user_count=1, room_count=1, duplicate=False)
IVS_BUDGET_S = 0.2

# What defeats naive rules: look-alikes, leetspeak, separators between letters, long
# runs, links, mentions and emoji, in any order.
chat_pieces = st.sampled_from(
    [
        "f u c k", "F.u.C.k", "fuuuuuck", "sh1t", "\u0455hit", "@user", "http://x.y/z",
        "liveclips.app", "a" * 40, "\U0001f600", "\u200b", "\u0301" * 30, "\u202e",
        "-" * 60, ".", " ", "r o s e b u d", "b\u200bad phrase",
    ]
)  # fmt: skip
# Lone surrogates: valid as JSON escapes ("\ud800"), so IVS can pass them on.
surrogates = st.characters(categories=["Cs"])
chat_texts = st.one_of(
    nasty_text,
    st.text(st.one_of(nasty_chars, surrogates), max_size=40),
    st.lists(st.one_of(chat_pieces, st.text(nasty_chars, max_size=5)), max_size=80).map("".join),
)


@FUZZ
@given(chat_texts)
@example("a." * 20_000)  # separators between single letters: the run-of-letters path
@example("\u0301" * 50_000)  # only combining marks: everything folds away
@example("x" + "-x" * 20_000)  # one long hyphenated word
def test_folding_any_text_terminates_with_text(text):
    assert isinstance(visible(text), str)
    for word in words(text):
        assert 0 <= word.start <= word.end
    assert isinstance(skeleton(text[:500]), str)
    assert isinstance(letters(text[:500]), str)


@FUZZ
@given(
    chat_texts,
    st.none() | st.builds(Traffic, st.integers(0, 10**6), st.integers(0, 10**6), st.booleans()),
)
@example("@a " * 5000, None)
@example("\U0001f600" * MAX_LENGTH, CALM)
def test_every_message_gets_a_decision(text, traffic):
    decision = review(text, ROOM, traffic)
    assert decision.result in {"ALLOW", "DENY"}
    if decision.result == "DENY":
        assert decision.reasons
    elif decision.changed:
        assert "*" in decision.content


def review_request(text: str) -> dict[str, object]:
    return {
        "Content": text,
        "MessageId": uuid.uuid4().hex,
        "RoomArn": f"arn:aws:ivschat:us-east-1:123456789012:room/fuzz{uuid.uuid4().hex[:8]}",
        "Attributes": {"color": "blue"},
        "Sender": {"UserId": "fuzzer", "Ip": "192.0.2.1", "Attributes": {}},
    }


def assert_a_review_answer(answer: dict[str, object]) -> None:
    assert answer["ReviewResult"] in {"ALLOW", "DENY"}
    assert set(answer) <= {"ReviewResult", "Content", "Attributes"}
    if "Content" in answer:
        assert isinstance(answer["Content"], str)
    if "Attributes" in answer:
        assert isinstance(answer["Attributes"], dict)


@pytest.fixture(scope="module")
def warm_handler(emulators):
    # The first call connects to Redis and starts the publisher: not what IVS times.
    lambda_handler(review_request("hello"), LocalLambdaContext("chat-review", timeout_s=1))
    return lambda_handler


@pytest.mark.integration
@FUZZ
@given(
    st.one_of(
        json_values,
        st.builds(review_request, chat_texts).flatmap(mutations),
        st.builds(review_request, chat_texts),
    )
)
@example(None)
@example([])
@example("not an event")
@example(review_request("\ud800"))  # was a UnicodeEncodeError in the duplicate check
@example({**review_request("hi"), "Attributes": {"color": "\udfff"}})
def test_the_review_handler_always_answers_ivs_chat(warm_handler, event):
    started = time.perf_counter()
    answer = warm_handler(event, LocalLambdaContext("chat-review", timeout_s=IVS_BUDGET_S))
    assert time.perf_counter() - started < IVS_BUDGET_S
    assert_a_review_answer(answer)
