"""How long the chat review handler takes, in-process, Redis included.

    .venv/bin/python -m bench.chat_review [--messages 5000]

Starts the local emulators (Redis, Pub/Sub: `LocalCloud.up(services=False)`), sets a
room's rules in Redis, then calls `functions.aws.chat_review.lambda_handler` for every
message of the adversarial corpus (datasets/chat-review) in turn, from 200 viewers, and
times each call (`time.perf_counter`, the whole handler: parsing, the Redis round trip,
the rules, the non-blocking publish). Side by side, interleaved in blocks of 500, the same
handler with the Redis work done the naive way: one command per round trip (GET rules,
INCR + PEXPIRE per counter, SET NX) instead of one Lua script. Target (DESIGN): p99 <= 5 ms.
Results: a table on stdout and out/bench/chat_review.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from functions.aws import chat_review
from liveclips.adapters import chat_limits
from liveclips.adapters.chat_limits import (
    DUPLICATE_WINDOW_MS,
    ROOM_WINDOW_MS,
    USER_WINDOW_MS,
    Counted,
)
from liveclips.contracts.chat import RoomRules
from liveclips.domain.chat_rules import Traffic
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext

OUT = Path("out/bench")
CORPUS = Path("datasets/chat-review/corpus.jsonl")
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/BenchRoom0001"
BLOCK = 500
TARGET_P99_MS = 5.0
console = Console()


def naive_count(room_arn: str, user_id: str, text: str, now_ms: int) -> Counted:
    """The same effects as chat_limits.count, one Redis command per round trip."""
    client = chat_limits.client()
    user_key = f"chat:u:{room_arn}:{user_id}:{now_ms // USER_WINDOW_MS}"
    room_key = f"chat:r:{room_arn}:{now_ms // ROOM_WINDOW_MS}"
    rules = client.get(chat_limits.rules_key(room_arn)) or ""
    user = int(client.incr(user_key))
    if user == 1:
        client.pexpire(user_key, USER_WINDOW_MS)
    room = int(client.incr(room_key))
    if room == 1:
        client.pexpire(room_key, ROOM_WINDOW_MS)
    dup_key = f"chat:dup:{room_arn}:{user_id}:{hash(text.strip().lower())}"
    fresh = client.set(dup_key, "1", nx=True, px=DUPLICATE_WINDOW_MS)
    return Counted(Traffic(user, room, duplicate=not fresh), str(rules))


@contextmanager
def counting_with(count: Callable[..., Counted]) -> Iterator[None]:
    original = chat_limits.count
    chat_limits.count = count
    try:
        yield
    finally:
        chat_limits.count = original


def messages(n: int) -> list[dict[str, Any]]:
    texts = [json.loads(line)["text"] for line in CORPUS.read_text().splitlines() if line]
    return [
        {
            "Content": texts[i % len(texts)],
            "MessageId": uuid.uuid4().hex,
            "RoomArn": ROOM,
            "Attributes": {},
            "Sender": {"UserId": f"viewer-{i % 200}", "Ip": "192.0.2.1", "Attributes": {}},
        }
        for i in range(n)
    ]


def time_calls(batch: Sequence[dict[str, Any]]) -> list[float]:
    context = LocalLambdaContext("chat-review", timeout_s=0.2)
    samples = []
    for event in batch:
        started = time.perf_counter()
        chat_review.lambda_handler(event, context)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def stats(values: Sequence[float]) -> dict[str, float]:
    return {
        q: round(float(np.percentile(values, p)), 3)
        for q, p in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))
    }


def measure(n: int) -> dict[str, Any]:
    # Limits high enough that every message takes the whole path (rate denials are
    # cheaper: they skip the text rules).
    rules = RoomRules(channel_id="BenchChannel01", denied=["rosebud"], user_limit=10**6,
                      room_limit=10**6)  # fmt: skip
    chat_limits.set_rules(ROOM, rules)
    chat_review.logger.setLevel("WARNING")  # a log line per denial would be timed too
    time_calls(messages(200))  # warm-up: connections, script load, caches
    ours: list[float] = []
    naive: list[float] = []
    with Progress(console=console) as progress:
        task = progress.add_task("reviewing", total=2 * n)
        for start in range(0, n, BLOCK):
            batch = messages(min(BLOCK, n - start))
            ours += time_calls(batch)
            with counting_with(naive_count):
                naive += time_calls(messages(len(batch)))
            progress.advance(task, 2 * len(batch))
    return {"ours": stats(ours), "naive": stats(naive), "messages": n}


def report(result: dict[str, Any]) -> None:
    table = Table(title=f"chat review handler, {result['messages']} messages each, ms")
    for column in ("case", "p50", "p95", "p99", "max"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for case, label in (("ours", "ours: one Lua round trip"), ("naive", "naive: 6 round trips")):
        row = result[case]
        table.add_row(label, *(f"{row[k]:.3f}" for k in ("p50", "p95", "p99", "max")))
    console.print(table)
    ratio = result["naive"]["p99"] / result["ours"]["p99"]
    met = "met" if result["ours"]["p99"] <= TARGET_P99_MS else "MISSED"
    console.print(
        f"target p99 <= {TARGET_P99_MS} ms: {result['ours']['p99']:.3f} ms -> {met};"
        f" naive/ours p99 = {ratio:.2f}; load {os.getloadavg()}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.chat_review", description=__doc__)
    parser.add_argument("--messages", type=int, default=5000, help="per case (default 5000)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cloud = LocalCloud(args.out / "chat-cloud")
    with console.status("starting Redis and the Pub/Sub emulator..."):
        env = cloud.up(services=False)
    try:
        os.environ.update(env.vars)
        result = measure(args.messages)
    finally:
        cloud.down()
    result["machine"] = {"cpus": os.cpu_count(), "processor": platform.processor()}
    (args.out / "chat_review.json").write_text(json.dumps(result, indent=2) + "\n")
    report(result)


if __name__ == "__main__":
    main()
