"""Topic, subscription and queue names are written once, in liveclips/resources.py;
everything else names them by constant."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from liveclips import resources

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("liveclips", "functions", "clip_workers", "pipelines", "bench", "liveclips_dev")
NAMES = frozenset(
    {*resources.TOPICS, *resources.TASK_QUEUES}
    | {s.name for s in resources.PUSH_SUBSCRIPTIONS}
    | {s.name for s in resources.PULL_SUBSCRIPTIONS}
)
# Calls whose first argument is a topic or subscription.
NAMED_BY_FIRST_ARGUMENT = {
    "publish", "publish_many", "publish_nowait", "topic_path", "subscription_path",
    "fresh_subscription", "queue_path",
}  # fmt: skip
SUFFIXES = ("_TOPIC", "_SUBSCRIPTION", "_QUEUE", "SUBSCRIPTION")


def modules() -> Iterator[Path]:
    for root in RUNTIME:
        for path in sorted((ROOT / root).rglob("*.py")):
            if path != ROOT / "liveclips" / "resources.py":
                yield path


def literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = any(isinstance(t, ast.Name) and t.id.endswith(SUFFIXES) for t in targets)
            if named and isinstance(node.value, ast.Constant) and node.value.value in NAMES:
                yield node.lineno, node.value.value
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in NAMED_BY_FIRST_ARGUMENT
                and isinstance(first, ast.Constant)
                and first.value in NAMES
            ):
                yield node.lineno, str(first.value)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "-" in node.value
            and node.value in NAMES
        ):
            yield node.lineno, node.value


def test_names_are_written_only_in_the_resource_list() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} {value!r}"
        for path in modules()
        for line, value in literals(path)
    ]
    assert found == []


def test_the_modules_constants_are_the_resource_list_s() -> None:
    from functions.aws.chat_review import CHAT_TOPIC  # noqa: PLC0415
    from liveclips.adapters.config import Settings  # noqa: PLC0415
    from liveclips.moderation_worker.app import SUBSCRIPTION  # noqa: PLC0415
    from liveclips.services.clips import CLIPS_TOPIC  # noqa: PLC0415

    assert CHAT_TOPIC == resources.CHAT_MESSAGES_TOPIC
    assert CLIPS_TOPIC == resources.CLIPS_TOPIC
    assert SUBSCRIPTION == resources.MODERATE_CHAT_SUBSCRIPTION
    assert Settings.model_fields["render_queue"].default == resources.RENDER_QUEUE
