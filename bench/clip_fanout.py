"""What fanning a clip's chunks out to other instances buys: Cloud Run scale-out, in small.

    .venv/bin/python -m bench.clip_fanout [--runs 3] [--clip-s 30]

This machine has 2 vCPU, and one x264 encode already uses both, so chunks in one process
measure no faster than one encode (bench.clip_render). Cloud Run adds CPUs by adding
instances. Here an instance is a process pinned to one CPU (sched_setaffinity; ffmpeg
inherits it and sizes its threads by it):

- **one instance**: the whole render (tracking, audio, one encode, outputs) on CPU 0;
- **owner + one piece instance**: the owner on CPU 0 does tracking, audio, joining and
  outputs, and sends the 10 s chunks to a clip worker process pinned to CPU 1
  (`POST /pieces/encode`, clip_workers/pieces.py), as it would to other instances;
- **owner + two piece instances**: chunks taken in turn by workers on CPU 1 and CPU 0
  (the second shares the owner's CPU: on two CPUs there is no third).

Same source (the studio's synthetic show in the IVS layout, 720p + 160p, from
bench.clip_render), same 30 s vertical clip, all outputs; runs interleaved. The local
emulators provide S3 for the owner's scratch upload. Results: a table on stdout and
out/bench/clip_fanout.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from rich.table import Table

from bench.clip_render import console, ivs_like_source, loadavg, machine, stats
from clip_workers.pieces import RemotePieces
from liveclips.adapters.config import settings
from liveclips.domain.clip_presets import preset
from liveclips.media.render import RenderOptions, TrackingCopy, render_clip
from liveclips_dev.localcloud import procs
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.emulators import REPO_ROOT, child_env, http_status

OUT = Path("out/bench")
CHUNK_S = 10.0


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    piece_cpus: tuple[int, ...]  # CPUs of the piece instances; () renders alone


CASES = (
    Case("alone", "one 1-vCPU instance renders it all", ()),
    Case("fanout-1", "owner + one piece instance (CPU 1)", (1,)),
    Case("fanout-2", "owner + two piece instances (CPU 1, CPU 0)", (1, 0)),
)


def _healthy(port: int) -> bool:
    return http_status(port, "/healthz") == 200


@contextmanager
def pinned(cpus: set[int]) -> Iterator[None]:
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


@contextmanager
def piece_instances(env: dict[str, str], logs: Path) -> Iterator[dict[int, str]]:
    """One clip worker process per CPU, pinned to it."""
    started, urls = [], {}
    try:
        for cpu in sorted(os.sched_getaffinity(0))[:2]:
            (port,) = procs.free_ports(1)
            argv = ["taskset", "-c", str(cpu), sys.executable, "-m", "clip_workers.app",
                    "--host", procs.LOCALHOST, "--port", str(port)]  # fmt: skip
            proc, _ = procs.spawn(f"worker-{cpu}", argv, logs / f"worker-{cpu}.log",
                                  env=child_env(env), cwd=REPO_ROOT)  # fmt: skip
            started.append(proc)
            procs.wait_ready({f"worker-{cpu}": (proc, partial(_healthy, port))}, 60)
            urls[cpu] = f"http://{procs.LOCALHOST}:{port}"
        yield urls
    finally:
        procs.stop(started)


def render_once(
    case: Case, urls: dict[int, str], top: Path, small: Path, span: tuple[float, float]
) -> float:
    start_s, end_s = span
    encoder = None
    if case.piece_cpus:
        encoder = RemotePieces(
            [urls[c] for c in case.piece_cpus],
            bucket=settings().media_bucket,
            scratch_prefix=f"scratch/bench-{case.key}-{time.time_ns()}/",
        )
    options = RenderOptions(chunk_s=CHUNK_S if encoder else None, workers=1, encoder=encoder)
    with tempfile.TemporaryDirectory(prefix="fanout-") as scratch, pinned({0}):
        began = time.perf_counter()
        render_clip(top, start_s=start_s, end_s=end_s, chosen=preset("vertical"),
                    out_dir=Path(scratch), options=options,
                    tracking=TrackingCopy(small, start_s))  # fmt: skip
        took = time.perf_counter() - began
    if encoder is not None:
        encoder.cleanup()
    return took


def measure(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    top, small, source = ivs_like_source(args.out / "fanout-show", args.show_s)
    start_s = 15.3
    span = (start_s, start_s + args.clip_s)
    samples: dict[str, list[float]] = {c.key: [] for c in CASES}
    with piece_instances(env, args.out / "fanout-logs") as urls:
        for c in CASES:  # warm-up: imports, connections, page cache
            render_once(c, urls, top, small, (start_s, start_s + 4))
        for run in range(args.runs):
            order = CASES[run % len(CASES) :] + CASES[: run % len(CASES)]
            for case in order:
                took = render_once(case, urls, top, small, span)
                samples[case.key].append(took)
                console.print(f"  run {run + 1} {case.key:9s} {took:6.2f} s  (load {loadavg()[0]})")
    return {"source": source, "clip": {"start_s": span[0], "end_s": span[1]},
            "cases": {c.key: {"label": c.label, **stats(samples[c.key]), "samples": samples[c.key]}
                      for c in CASES}}  # fmt: skip


def report(results: dict[str, Any]) -> None:
    cases = results["cases"]
    base = cases["alone"]["p50"]
    clip_s = results["clip"]["end_s"] - results["clip"]["start_s"]
    table = Table(
        title=f"{clip_s:.0f} s vertical clip, {results['runs']} runs each, instance = 1 vCPU"
    )
    for column in ("case", "p50 s", "max s", "speed-up (p50)"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for case in cases.values():
        table.add_row(case["label"], f"{case['p50']:.2f}", f"{case['max']:.2f}",
                      f"{base / case['p50']:.2f}x")  # fmt: skip
    console.print(table)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.clip_fanout", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clip-s", type=float, default=30.0)
    parser.add_argument("--show-s", type=float, default=70.0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cloud = LocalCloud(args.out / "fanout-cloud")
    with console.status("starting the emulators (S3 for the scratch upload)..."):
        env = cloud.up(services=False).vars
    try:
        os.environ.update(env)
        settings.cache_clear()
        results = {"machine": machine(), "runs": args.runs, **measure(args, env)}
    finally:
        cloud.down()
    (args.out / "clip_fanout.json").write_text(json.dumps(results, indent=2) + "\n")
    report(results)


if __name__ == "__main__":
    main()
