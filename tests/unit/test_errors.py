"""One error family (liveclips.errors) and the one validate -> dead-letter -> answer path
(liveclips.delivery) that every entry point takes."""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Mapping
from pathlib import Path

import pytest
from pydantic import BaseModel

from liveclips.delivery import DeadLettered, deliver, validate_json
from liveclips.errors import LiveclipsError, PermanentError, TransientError

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("liveclips", "functions", "clip_workers", "pipelines")
ENTRY_POINTS = (
    "functions/gcp/pubsub_entry.py",
    "clip_workers/app.py",
    "functions/aws/bridge.py",
    "functions/aws/chat_review.py",
    "liveclips/moderation_worker/batches.py",
)


class Letters:
    """Where dead letters go in these tests: a list, checked afterwards."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, str, str, Mapping[str, str] | None]] = []

    def __call__(
        self,
        original: bytes,
        *,
        reason: str,
        source: str,
        attributes: Mapping[str, str] | None = None,
    ) -> None:
        self.sent.append((original, reason, source, attributes))


def runtime_exception_classes() -> list[type[BaseException]]:
    found = []
    for root in RUNTIME:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text())
            if not any(isinstance(n, ast.ClassDef) for n in tree.body):
                continue
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, Exception):
                    found.append(cls)
    return found


def test_every_exception_of_ours_belongs_to_the_family() -> None:
    classes = runtime_exception_classes()
    assert len(classes) >= 29
    assert [c.__qualname__ for c in classes if not issubclass(c, LiveclipsError)] == []


def test_no_exception_is_both_permanent_and_transient() -> None:
    both = [
        c for c in runtime_exception_classes() if issubclass(c, PermanentError | TransientError)
        and issubclass(c, PermanentError) and issubclass(c, TransientError)
    ]  # fmt: skip
    assert both == []


def test_a_permanent_failure_is_dead_lettered_with_its_reason() -> None:
    letters = Letters()

    def handle(_: object) -> str:
        raise PermanentError("names an upload nobody made")

    outcome = deliver(
        b"{}", source="t", validate=lambda: 1, handle=handle, attributes={"type": "x"},
        dead_letter=letters,
    )  # fmt: skip
    assert isinstance(outcome, DeadLettered) and outcome.reason == "names an upload nobody made"
    assert letters.sent == [(b"{}", "names an upload nobody made", "t", {"type": "x"})]


def test_input_that_breaks_its_contract_is_permanent() -> None:
    class Task(BaseModel):
        clip_id: str

    letters = Letters()
    outcome = deliver(
        b'{"clip": 1}', source="t", validate=lambda: validate_json(Task, b'{"clip": 1}', "task"),
        handle=lambda task: task.clip_id, dead_letter=letters,
    )  # fmt: skip
    assert isinstance(outcome, DeadLettered) and outcome.reason.startswith("task: ")
    assert "clip_id" in outcome.reason and len(letters.sent) == 1


@pytest.mark.parametrize("error", [TransientError("not yet"), ValueError("a bug"), KeyError("k")])
def test_transient_failures_and_bugs_raise_and_are_never_dead_lettered(
    error: Exception,
) -> None:
    letters = Letters()

    def handle(_: object) -> str:
        raise error

    with pytest.raises(type(error)):
        deliver(b"{}", source="t", validate=lambda: 1, handle=handle, dead_letter=letters)
    assert letters.sent == []


def test_what_went_through_is_answered_as_handled() -> None:
    assert deliver(b"{}", source="t", validate=lambda: 2, handle=lambda n: n * 21) == 42


def _handlers(path: Path) -> list[ast.ExceptHandler]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ExceptHandler)]


def _names(node: ast.expr | None) -> set[str]:
    if node is None:
        return {"<bare>"}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def test_the_bridge_does_not_catch_bare_value_errors() -> None:
    caught = set().union(*(_names(h.type) for h in _handlers(ROOT / "functions/aws/bridge.py")))
    assert not caught & {"ValueError", "Exception", "BaseException", "<bare>"}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_takes_the_shared_path(entry: str) -> None:
    tree = ast.parse((ROOT / entry).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "liveclips.delivery"
        for alias in node.names
    }
    assert imported & {"deliver", "deliver_async"}
    # Nobody dead-letters by hand: the shared path does (chat review hands it a
    # non-blocking publish, which is the one direct call allowed).
    direct = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "dead_letter"
    ]
    assert direct == []
