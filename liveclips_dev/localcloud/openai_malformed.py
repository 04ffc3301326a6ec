"""Broken 200 answers the OpenAI stand-in can give on request: each one a way a real
response (or a proxy in front of it) has been seen to go wrong, for the client's
validation to catch."""

from __future__ import annotations

import copy
import json
from typing import Any

MODERATION_BODIES = frozenset(
    {"missing_results", "wrong_count", "score_out_of_range", "missing_category", "not_json"}
)
CHAT_BODIES = frozenset(
    {"prose", "schema_mismatch", "refusal", "missing_choices", "truncated", "not_json"}
)
NOT_JSON = b"<html><body>upstream connect error or disconnect/reset before headers</body></html>"


def malformed_body(name: str, endpoint: str, answer: dict[str, Any]) -> bytes:
    """`answer` (a correct response) broken the way `name` says; not JSON at all when
    `name` does not apply to the endpoint."""
    broken = copy.deepcopy(answer)
    if endpoint == "moderations" and name in MODERATION_BODIES - {"not_json"}:
        _break_moderation(name, broken)
    elif endpoint == "chat/completions" and name in CHAT_BODIES - {"not_json"}:
        _break_completion(name, broken)
    else:
        return NOT_JSON
    return json.dumps(broken).encode()


def _break_moderation(name: str, answer: dict[str, Any]) -> None:
    if name == "missing_results":
        del answer["results"]
    elif name == "wrong_count":
        answer["results"] = answer["results"][:-1]
    elif name == "score_out_of_range":
        answer["results"][0]["category_scores"]["violence"] = 1.7
    else:  # missing_category
        for key in ("categories", "category_scores", "category_applied_input_types"):
            del answer["results"][0][key]["violence"]


def _break_completion(name: str, answer: dict[str, Any]) -> None:
    if name == "missing_choices":
        del answer["choices"]
        return
    choice = answer["choices"][0]
    message = choice["message"]
    if name == "prose":
        message["content"] = "Sure! Here are some questions: what game is this? how old r u?"
    elif name == "schema_mismatch":
        message["content"] = json.dumps({"suggestions": "ask chat about the weather"})
    elif name == "refusal":
        message["content"] = None
        message["refusal"] = "I'm sorry, I can't help with that request."
    else:  # truncated: the model ran out of tokens mid-JSON
        message["content"] = message["content"][: len(message["content"]) // 2]
        choice["finish_reason"] = "length"
