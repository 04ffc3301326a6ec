"""Reading OpenAI's answers: what the documented shapes allow, and a clear error for
everything else. Bodies come from the stand-in's own builders (correct, then broken)."""

from __future__ import annotations

import json

import pytest

from liveclips.adapters.openai_api import (
    PROMPTS_SCHEMA,
    InvalidModerationResponse,
    InvalidPromptsResponse,
    parse_moderation,
    parse_prompts,
)
from liveclips.domain.moderation_policy import CATEGORIES
from liveclips_dev.localcloud.openai_malformed import CHAT_BODIES, MODERATION_BODIES, malformed_body
from liveclips_dev.localcloud.openai_models import strict_schema_problems
from liveclips_dev.localcloud.openai_standin import complete, moderate

TEXTS = ["hello", "you are an idiot", "gg"]


def moderation_answer() -> dict:
    return moderate({"model": "omni-moderation-latest", "input": TEXTS})


def completion_answer(chat: str = "- what game is this?\n- how old are you?") -> dict:
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "host_prompts", "strict": True, "schema": PROMPTS_SCHEMA},
    }
    return complete(
        {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": chat}],
         "response_format": response_format}
    )  # fmt: skip


def test_a_documented_moderation_answer_reads_as_one_result_per_input():
    results = parse_moderation(json.dumps(moderation_answer()).encode(), len(TEXTS))
    assert [r.flagged for r in results] == [False, True, False]
    assert results[1].scores["harassment"] == 0.82
    assert set(results[0].scores) == set(CATEGORIES)
    assert results[0].model == "omni-moderation-latest"


def test_categories_openai_adds_later_are_accepted():
    answer = moderation_answer()
    for result in answer["results"]:
        result["category_scores"]["fraud"] = 0.2
        result["categories"]["fraud"] = False
    assert len(parse_moderation(json.dumps(answer).encode(), len(TEXTS))) == 3


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("missing_results", "results: Field required"),
        ("wrong_count", "has 2 results for 3 inputs"),
        ("score_out_of_range", "results.0.category_scores.violence: Input should be less than"),
        ("missing_category", "missing categories ['violence']"),
        ("not_json", "body starts b'<html>"),
    ],
)
def test_a_broken_moderation_answer_is_refused_saying_what_is_wrong(body, says):
    assert body in MODERATION_BODIES
    broken = malformed_body(body, "moderations", moderation_answer())
    with pytest.raises(InvalidModerationResponse, match="moderation response") as error:
        parse_moderation(broken, len(TEXTS))
    assert says in str(error.value)


def test_a_score_sent_as_a_string_is_refused_not_coerced():
    answer = moderation_answer()
    answer["results"][0]["category_scores"]["hate"] = "0.9"
    with pytest.raises(InvalidModerationResponse, match=r"category_scores\.hate"):
        parse_moderation(json.dumps(answer).encode(), len(TEXTS))


def test_structured_output_reads_as_the_questions():
    assert parse_prompts(json.dumps(completion_answer()).encode()) == [
        "what game is this?",
        "how old are you?",
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("prose", "structured output: body: Invalid JSON"),
        ("schema_mismatch", "questions: Field required"),
        ("refusal", "the model refused: I'm sorry"),
        ("missing_choices", "choices: Field required"),
        ("truncated", "finish_reason 'length'"),
        ("not_json", "chat completion: body: Invalid JSON"),
    ],
)
def test_a_broken_completion_is_refused_saying_what_is_wrong(body, says):
    assert body in CHAT_BODIES
    broken = malformed_body(body, "chat/completions", completion_answer())
    with pytest.raises(InvalidPromptsResponse) as error:
        parse_prompts(broken)
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ({"questions": []}, "at least 1 item"),
        ({"questions": [f"q{i}?" for i in range(6)]}, "at most 5 items"),
        ({"questions": ["   "]}, "1 to 200 characters"),
        ({"questions": ["why?"], "extra": 1}, "Extra inputs are not permitted"),
    ],
)
def test_questions_outside_the_schema_are_refused(content, says):
    answer = completion_answer()
    answer["choices"][0]["message"]["content"] = json.dumps(content)
    with pytest.raises(InvalidPromptsResponse, match="structured output") as error:
        parse_prompts(json.dumps(answer).encode())
    assert says in str(error.value)


def test_the_prompts_schema_is_one_strict_structured_output_accepts():
    assert strict_schema_problems(PROMPTS_SCHEMA) == []
    open_schema = {"type": "object", "properties": {"q": {"type": "string"}}}
    assert len(strict_schema_problems(open_schema)) == 2
