"""What the fuzz tests share: one budget and the strategies for hostile input.

The budget keeps the whole suite well under a minute in CI and makes it reproducible
(derandomize): a failure seen in CI is the one a developer sees locally. The deadline
is what catches a parser that goes quadratic or backtracks on some input.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=150,
    deadline=timedelta(milliseconds=500),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROOT = Path(__file__).resolve().parents[2]
AWS_FIXTURES = ROOT / "tests" / "fixtures" / "aws"
# The real IVS recording the unit tests already read (tests/unit/test_hls.py).
IVS_RECORDING = ROOT.parent / "shared" / "fixtures" / "ivs-recording"


def aws_fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((AWS_FIXTURES / name).read_text())
    return loaded


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)

# Text a parser was not written for: controls, combining marks, bidi overrides,
# zero-width joiners, surrogates-free astral characters, and long runs of one of them.
_NASTY = "\u0000\u200b\u200d\u202e\u2066\u0301\u0336\ufeff\r\n\t\\\"'#:@=,/%."
nasty_chars = st.one_of(st.characters(codec="utf-8"), st.sampled_from(_NASTY))
nasty_text = st.one_of(
    st.text(nasty_chars, max_size=200),
    st.builds(
        lambda c, n: c * n, st.text(nasty_chars, min_size=1, max_size=3), st.integers(1, 5000)
    ),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _mutate(document: Any, path: tuple[Any, ...], action: str, replacement: Any) -> Any:
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        copy: Any = dict(document)
    else:
        copy = list(document)
    if not rest and action == "drop":
        del copy[head]
    else:
        copy[head] = _mutate(copy[head], rest, action, replacement)
    return copy


@st.composite
def mutations(draw: st.DrawFn, document: Any, steps: int = 3) -> Any:
    """`document` with a few fields dropped or replaced by arbitrary JSON: near-valid
    input that gets past the first checks and into the interesting code."""
    for _ in range(draw(st.integers(1, steps))):
        path = draw(st.sampled_from(_paths(document)))
        action = draw(st.sampled_from(["drop", "replace"])) if path else "replace"
        replacement = draw(json_values)
        document = _mutate(document, path, action, replacement)
    return document


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """`text` with a few lines deleted, duplicated or spliced with hostile text."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "corrupt"]))
        if action == "delete" and at < len(lines):
            del lines[at]
        elif action == "duplicate" and at < len(lines):
            lines.insert(at, lines[at])
        elif action == "insert":
            lines.insert(at, draw(nasty_text))
        elif at < len(lines):
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(st.text(nasty_chars, max_size=12)) + line[cut + 1 :]
    return "\n".join(lines)


@st.composite
def hostile_strings(draw: st.DrawFn, document: Any, steps: int = 2) -> Any:
    """`document` with hostile text (long runs, controls, bidi overrides) spliced into a
    few of its string values: ids, names, ARNs and keys that keep their shape but carry
    what nobody planned for (`mutations` replaces values with short arbitrary ones)."""
    for _ in range(draw(st.integers(1, steps))):
        strings = [p for p in _paths(document) if p and isinstance(_at(document, p), str)]
        if not strings:
            break
        path = draw(st.sampled_from(strings))
        value: str = _at(document, path)
        cut = draw(st.integers(0, len(value)))
        spliced = value[:cut] + draw(nasty_text) + value[cut:]
        document = _mutate(document, path, "replace", spliced)
    return document


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document
