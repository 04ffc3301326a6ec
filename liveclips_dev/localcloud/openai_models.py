"""What the OpenAI stand-in answers: deterministic, so tests can rely on it.

Moderation: keyword rules over a folded form of the text (NFKC, invisible characters
dropped, leetspeak and separators inside words undone), plus an explicit marker
`#flag:<category>=<score>` that sets one score exactly, for tests that need a precise
score (e.g. just under a threshold). Chat completions with a json_schema response format:
a value built from the schema, its strings taken from the questions in the last user
message, in order. Not a model of what OpenAI would say: a contract-shaped answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from liveclips.domain.moderation_policy import CATEGORIES

BASELINE_SCORE = 1e-6
FLAG_AT = 0.5  # OpenAI's own `flagged` cut-off is not published; the stand-in uses this
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})  # fmt: skip
_INNER_SEPARATOR = re.compile(r"(?<=\w)[.\-_*](?=\w)")
_MARKER = re.compile(r"#flag:(?P<category>[a-z/-]+)=(?P<score>[01](?:\.\d+)?)")
_RULES: tuple[tuple[re.Pattern[str], dict[str, float]], ...] = tuple(
    (re.compile(pattern), scores)
    for pattern, scores in (
        (r"\b(kill|hurt|stab|shoot|find) (you|u)\b",
         {"harassment/threatening": 0.96, "harassment": 0.9, "violence": 0.88}),
        (r"\b(idiot|loser|moron|stupid)\b", {"harassment": 0.82}),
        (r"\bsubhuman\b", {"hate": 0.93, "harassment": 0.7}),
        (r"\b(exterminate|wipe out) (them|all of them)\b",
         {"hate/threatening": 0.94, "hate": 0.9, "violence": 0.85}),
        (r"\b(buy|sell|selling) (meth|cocaine|heroin)\b", {"illicit": 0.91}),
        (r"\b(make|build) a (pipe )?bomb\b",
         {"illicit/violent": 0.95, "illicit": 0.9, "violence": 0.7}),
        (r"\b(kill myself|want to die|end it all)\b", {"self-harm": 0.91, "self-harm/intent": 0.9}),
        (r"\bhow to (cut|hurt) (yourself|myself)\b",
         {"self-harm/instructions": 0.94, "self-harm": 0.9}),
        (r"\b(nudes|porn|explicit sex)\b", {"sexual": 0.9}),
        (r"\b(gore|blood everywhere|dismember\w*)\b", {"violence/graphic": 0.92, "violence": 0.8}),
    )
)  # fmt: skip


def folded(text: str) -> str:
    plain = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).lower()
    return _INNER_SEPARATOR.sub("", plain.translate(_LEET))


def scores_for(text: str) -> dict[str, float]:
    scores = dict.fromkeys(CATEGORIES, BASELINE_SCORE)
    for pattern, hits in _RULES:
        if pattern.search(folded(text)):
            for category, score in hits.items():
                scores[category] = max(scores[category], score)
    # Markers are read from the raw text: folding would turn their digits into letters.
    for marker in _MARKER.finditer(text):
        if marker["category"] in scores:
            scores[marker["category"]] = min(1.0, float(marker["score"]))
    return scores


def moderation_result(text: str) -> dict[str, Any]:
    scores = scores_for(text)
    categories = {c: s >= FLAG_AT for c, s in scores.items()}
    return {
        "flagged": any(categories.values()),
        "categories": categories,
        "category_scores": scores,
        "category_applied_input_types": {c: ["text"] for c in CATEGORIES},
    }


def strict_schema_problems(schema: Any, context: tuple[str, ...] = ()) -> list[str]:
    """What OpenAI refuses in a `strict` json_schema: every object closed
    (additionalProperties false) and every property required."""
    if not isinstance(schema, dict):
        return []
    found = []
    if schema.get("type") == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            found.append(
                f"In context={context}, 'additionalProperties' is required to be supplied "
                "and to be false."
            )
        if set(schema.get("required", [])) != set(properties):
            found.append(
                f"In context={context}, 'required' is required to be supplied and to be an "
                "array including every key in properties."
            )
        for name, sub in properties.items():
            found += strict_schema_problems(sub, (*context, "properties", name))
    for key in ("items", "$defs", "definitions"):
        sub = schema.get(key)
        if key == "items":
            found += strict_schema_problems(sub, (*context, "items"))
        elif isinstance(sub, dict):
            for name, item in sub.items():
                found += strict_schema_problems(item, (*context, key, name))
    for i, option in enumerate(schema.get("anyOf", [])):
        found += strict_schema_problems(option, (*context, "anyOf", str(i)))
    return found


def questions_in(prompt: str) -> list[str]:
    lines = (line.strip().lstrip("-*• ").strip() for line in prompt.splitlines())
    return list(dict.fromkeys(line for line in lines if line.endswith("?")))


def fill(schema: dict[str, Any], texts: list[str]) -> Any:
    """A value of `schema` (objects, arrays, enums, scalars, local $refs, anyOf); arrays
    as long as `texts` allows within their minItems/maxItems."""
    supply = iter(texts)
    counter = iter(range(1, 10_000))

    def text() -> str:
        return next(supply, None) or f"Stand-in suggestion {next(counter)}"

    return _fill(schema, schema, text, len(texts) or 3)


def _fill(node: dict[str, Any], root: dict[str, Any], text: Callable[[], str], items: int) -> Any:
    node = _resolve(node, root)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = node.get("properties", {})
        return {k: _fill(v, root, text, items) for k, v in properties.items()}
    if kind == "array":
        count = min(max(items, node.get("minItems", 0)), node.get("maxItems", items))
        return [_fill(node.get("items", {}), root, text, items) for _ in range(count)]
    scalars: dict[str, Any] = {
        "integer": node.get("minimum", 1),
        "number": node.get("minimum", 0.5),
        "boolean": True,
        "null": None,
    }
    return scalars[kind] if kind in scalars else text()


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """Follow local $refs and take an anyOf's first non-null option."""
    while "$ref" in node or "anyOf" in node:
        if "$ref" in node:
            *_, name = str(node["$ref"]).split("/")
            node = root.get("$defs", root.get("definitions", {}))[name]
        else:
            options = [o for o in node["anyOf"] if o.get("type") != "null"] or node["anyOf"]
            node = options[0]
    return node
