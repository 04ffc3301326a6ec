"""Does the highlight engine keep up with a long, busy room? Target: >= 50x realtime per core.

    .venv/bin/python -m bench.highlight_engine [--hours 8] [--seed 3]

On a long chat-only show from the messy-room generator (liveclips_dev/evaluation/synth_room.py: an
8 h
show of ~70k messages), side by side in one run, CPU time (`time.process_time`, one core):
- offline: features for the whole show, then the detector second by second (evaluation);
- live: the path the detect function runs, one 10 s segment at a time, with the raw chat
  of the segment plus the builders' history window, the session's state through JSON
  between segments as it goes through Redis;
- naive: messages per 30 s window, top-k by count (the yardstick the field report used).
Prints show seconds per CPU second for each, and writes out/bench/highlight_engine.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from liveclips.domain.highlight_engine.features import ChatMessage, chat_features, merge_features
from liveclips.domain.highlight_engine.live import LiveSession, SegmentSignals
from liveclips.domain.highlight_engine.offline import detect_show
from liveclips.domain.highlight_engine.types import ShowInputs
from liveclips_dev.evaluation.synth_room import generate_room_show

SEGMENT_S = 10


def offline(messages: list[ChatMessage], duration_s: float) -> int:
    seconds = merge_features(duration_s, chat_features(messages, duration_s))
    return len(detect_show(ShowInputs(duration_s, seconds)))


def live(messages: list[ChatMessage], duration_s: float) -> int:
    state: dict[str, object] = LiveSession().to_dict()
    found, lo = 0, 0
    for index in range(int(duration_s // SEGMENT_S)):
        session = LiveSession.from_dict(state)
        start, end = index * SEGMENT_S, (index + 1) * SEGMENT_S
        origin = session.window_start()
        while lo < len(messages) and messages[lo].t < origin:
            lo += 1
        window = [m for m in messages[lo:] if m.t < end] if lo < len(messages) else []
        segment = SegmentSignals(
            index, float(start), float(SEGMENT_S), [{}] * SEGMENT_S, (), 0.1, chat=window
        )
        found += len(session.feed(segment))
        state = json.loads(json.dumps(session.to_dict()))
    return found


def naive(messages: list[ChatMessage], duration_s: float, k: int = 40) -> int:
    counts = Counter(int(m.t // 30) for m in messages)
    return len(counts.most_common(k))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=1)  # 71k messages: the field report's size
    args = parser.parse_args()
    show = generate_room_show(args.seed, args.hours, "clips", "en")
    messages = [ChatMessage(c.t, c.user, c.text, c.kind) for c in show.chat]
    rows = []
    for name, run in (("offline", offline), ("live", live), ("naive top-k", naive)):
        began = time.process_time()
        found = run(messages, show.duration_s)
        cpu = time.process_time() - began
        rows.append({"path": name, "cpu_s": round(cpu, 2), "found": found,
                     "realtime_x": round(show.duration_s / cpu, 1)})  # fmt: skip
    table = Table("path", "CPU s", "detections", "x realtime (one core)",
                  title=f"{args.hours:g} h show, {len(messages):,} messages")  # fmt: skip
    for r in rows:
        table.add_row(r["path"], f"{r['cpu_s']:.2f}", str(r["found"]), f"{r['realtime_x']:.0f}")
    Console().print(table)
    out = Path("out/bench")
    out.mkdir(parents=True, exist_ok=True)
    (out / "highlight_engine.json").write_text(json.dumps({
        "hours": args.hours, "messages": len(messages), "machine": platform.machine(),
        "python": platform.python_version(), "rows": rows}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
