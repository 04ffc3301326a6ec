"""Events per second per core of the engagement batch pipeline, beside Beam's leader_board.

    .venv/bin/python -m bench.engagement [--events 50000] [--runs 2]

Both pipelines run in this process on the BundleBasedDirectRunner, in batch, on the same
number of synthetic events over the same 2 h, reading a file and writing JSONL files:

- ours: `pipelines.engagement.pipeline.build` on `synthetic.events(N)` (JSONL, ~0.5 % bad
  rows, ~1 % resends): parse + validate (pydantic), dedupe by event_id, seven aggregates
  in 1 min / 1 h / 1 day windows, dead letters; `--sink jsonl` instead of Spanner so the
  emulator's commit latency is not what is measured.
- leader_board: `apache_beam.examples.complete.game.leader_board`'s own transforms
  (ParseGameEventFn, CalculateTeamScores: 1 h windows with early/late AfterCount firings,
  CalculateUserScores: global window firing every 10 events) on N game events in its CSV
  format; ReadFromPubSub and WriteToBigQuery replaced by text files, nothing else changed.

Runs are interleaved (ours, leader_board, ours, ...). Reported: wall time (Pipeline.run to
done, Beam's startup included), process CPU time (all threads), events per wall second,
and events per CPU second, which is the per-core figure: the DirectRunner executes Python
under one GIL, so it never keeps more than about one core busy, whatever
`os.sched_getaffinity` offers. Results: a table on stdout and out/bench/engagement.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.examples.complete.game import leader_board
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.transforms import window
from rich.console import Console
from rich.table import Table

from pipelines.engagement import direct_metrics, io, synthetic
from pipelines.engagement.pipeline import Options, build

OUT = Path("out/bench")
console = Console()


def _options() -> PipelineOptions:
    return PipelineOptions([], runner="BundleBasedDirectRunner")


def ours(events: Path, out: Path) -> None:
    p = beam.Pipeline(options=_options())
    build(p, io.read_files(str(events)), Options(mode="batch", sink="jsonl", out=str(out)))
    p.run().wait_until_finish()


def game_events(n: int, seed: int = 7) -> list[str]:
    """leader_board's input format: user,team,score,timestamp_ms,readable_time."""
    rng = random.Random(seed)  # noqa: S311  (seeded test data, not secrets)
    start_ms = int(synthetic.START.timestamp() * 1000)
    teams = [f"Team{t}" for t in range(20)]
    lines = []
    for _ in range(n):
        team = rng.choice(teams)
        at = start_ms + rng.randrange(2 * 3600 * 1000)
        readable = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(at / 1000))
        lines.append(f"user{rng.randrange(500)}_{team},{team},{rng.randint(1, 20)},{at},{readable}")
    return lines


def leader(events: Path, out: Path) -> None:
    with beam.Pipeline(options=_options()) as p:
        parsed = (
            p
            | "Read" >> beam.io.ReadFromText(str(events))
            | "ParseGameEventFn" >> beam.ParDo(leader_board.ParseGameEventFn())
            | "AddEventTimestamps"
            >> beam.Map(lambda elem: window.TimestampedValue(elem, elem["timestamp"]))
        )
        _ = (
            parsed
            | "CalculateTeamScores" >> leader_board.CalculateTeamScores(60, 120)
            | "TeamScoresDict" >> beam.ParDo(leader_board.TeamScoresDict())
            | "TeamJson" >> beam.Map(json.dumps)
            | "TeamGlobal" >> beam.WindowInto(window.GlobalWindows())
            | "WriteTeams" >> beam.io.WriteToText(str(out / "teams"), num_shards=1)
        )
        _ = (
            parsed
            | "CalculateUserScores" >> leader_board.CalculateUserScores(120)
            | "FormatUserScoreSums"
            >> beam.Map(lambda us: json.dumps({"user": us[0], "total_score": us[1]}))
            | "UserGlobal" >> beam.WindowInto(window.GlobalWindows())
            | "WriteUsers" >> beam.io.WriteToText(str(out / "users"), num_shards=1)
        )


def _measure(fn: Callable[[Path, Path], None], events: Path, workdir: Path) -> dict[str, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn(events, workdir)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.engagement", description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    direct_metrics.apply()  # as `liveclips analytics backfill` runs it
    cores = len(os.sched_getaffinity(0))
    samples: dict[str, list[dict[str, float]]] = {"engagement (ours)": [], "leader_board": []}
    with tempfile.TemporaryDirectory(prefix="bench-engagement-") as tmp:
        root = Path(tmp)
        ours_in, game_in = root / "events.jsonl", root / "game.csv"
        ours_in.write_text("\n".join(synthetic.events(args.events)) + "\n")
        game_in.write_text("\n".join(game_events(args.events)) + "\n")
        cases: list[tuple[str, Callable[[Path, Path], None], Path]] = [
            ("engagement (ours)", ours, ours_in),
            ("leader_board", leader, game_in),
        ]
        for run in range(args.runs):
            for name, fn, events in cases:
                workdir = root / f"{name.split()[0]}-{run}"
                workdir.mkdir()
                with console.status(f"run {run + 1}/{args.runs}: {name}"):
                    samples[name].append(_measure(fn, events, workdir))
    table = Table(
        "pipeline",
        "events",
        "wall s (best)",
        "CPU s (best)",
        "events/s wall",
        "events/s per core (CPU)",
        title=f"{cores} cores in affinity",
    )
    summary: dict[str, Any] = {}
    for name, runs in samples.items():
        best_wall = min(r["wall_s"] for r in runs)
        best_cpu = min(r["cpu_s"] for r in runs)
        summary[name] = {
            "runs": runs,
            "events_per_s_wall": args.events / best_wall,
            "events_per_cpu_s": args.events / best_cpu,
        }
        table.add_row(
            name,
            str(args.events),
            f"{best_wall:.2f}",
            f"{best_cpu:.2f}",
            f"{args.events / best_wall:,.0f}",
            f"{args.events / best_cpu:,.0f}",
        )
    console.print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "events": args.events,
        "runs": args.runs,
        "cores_in_affinity": cores,
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "beam": beam.__version__,
        "runner": "BundleBasedDirectRunner (batch)",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_before": load_before,
        "results": summary,
    }
    (OUT / "engagement.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
