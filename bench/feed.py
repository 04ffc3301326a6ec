"""The feed API under load: cached pages against the uncached path, with wrk.

    .venv/bin/python -m bench.feed [--rate 500] [--connections 50] [--duration 30]
                                   [--workers 1,2,3,4] [--clips 400] [--channels 80]

Needs `wrk` on PATH and installs nothing (Debian/Ubuntu: `sudo apt-get install wrk`;
macOS: `brew install wrk`). Starts the local emulators (`LocalCloud.up(services=False)`:
Spanner, Redis, the dev token issuer, ...), seeds `--clips` visible feed clips over the
last 24 h on `--channels` channels with some engagement, signs 50 viewer tokens, then
runs the API with uvicorn (`--workers` processes, each count in turn) and drives it with
wrk and bench/feed.lua: `--connections` connections rotating through the tokens (50
users: the per-user limit of 20/s is not what is measured) and through the first page
and two cursor pages, each connection pacing its requests with wrk's delay() so the
total is about `--rate` per second. delay() starts after each answer, so a 5 s
calibration run measures the mean latency and the measured run's delay is the target
period less it. Each connection's first request (sent by wrk at once, unpaced) is
/healthz, so the opening burst is not counted as the feed's tail. The per-address
limit is raised for the server (LIVECLIPS_RATE_IP_PER_S): every request comes from
127.0.0.1.

Side by side, the uncached path: the same load against a server started with
LIVECLIPS_FEED_CACHE=false, where every first page re-ranks from Spanner and Redis
and renders (signs) its page. Target (issue 8): p99 <= 50 ms at 500 rps on 2 vCPU.
Results: a table on stdout and out/bench/feed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from liveclips.adapters import clip_stats, redis_store, spanner, spanner_clips, spanner_highlights
from liveclips.adapters.config import settings
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.domain.ids import clip_id, highlight_id
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.dev_issuer import request_token

OUT = Path("out/bench")
LUA = Path(__file__).with_name("feed.lua")
TARGET_P99_MS = 50.0
_THREADS = 2  # wrk threads: plenty for 500 req/s, and every one takes CPU from the API
console = Console()


def seed(clips: int, channels: int) -> None:
    """Visible instant clips through the pipeline's own adapters, with some engagement."""
    now = datetime.now(UTC)
    pipe = redis_store.client().pipeline(transaction=False)
    for n in range(clips):
        channel = f"BenchChannel{n % channels:03d}"
        recording = f"benchrec{n:05d}"
        made = HighlightDetected(
            event_id=f"bench-{recording}", occurred_at=now,
            highlight_id=highlight_id(recording, 5.0),
            clip_id=clip_id(recording, 5.0, 20.0, FEED_PRESET),
            bucket=settings().recordings_bucket,
            recording_prefix=f"ivs/v1/123456789012/{channel}/2026/11/23/0/0/{recording}",
            recording_id=recording, channel_id=channel, moment_start_s=5.0, moment_end_s=20.0,
            moment_ended_at=now, clip_start_s=5.0, clip_end_s=20.0, score=3.0, reason="bench",
            evidence={"chat_hype": 0.5, "loudness": 0.4},
        )  # fmt: skip
        spanner_highlights.record(made, "APPROVED")
        key = f"clips/{channel}/{recording}/{made.clip_id}/instant.m3u8"
        if spanner_clips.publish_instant(made, FEED_PRESET, settings().media_bucket, key):
            published = now - timedelta(seconds=(n * 86_400) // clips)
            with spanner.database().batch() as batch:
                batch.update("Clips", columns=("RecordingId", "ClipId", "PublishedAt"),
                             values=[(recording, made.clip_id, published)])  # fmt: skip
        viewers = [f"v{v}" for v in range((n * 37) % 60)]
        clip_stats.stage(pipe, [(made.clip_id, "plays", v) for v in viewers])
        clip_stats.stage(pipe, [(made.clip_id, "shares", v) for v in viewers[: len(viewers) // 10]])
    pipe.execute()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(
    env: dict[str, str], workers: int, *, cache: bool, log: Path, pythonpath: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server_env = {
        **os.environ,
        **env,
        "LIVECLIPS_RATE_IP_PER_S": "1000000",
        "LIVECLIPS_RATE_IP_BURST": "1000000",
        "LIVECLIPS_FEED_CACHE": "true" if cache else "false",
        **({"PYTHONPATH": pythonpath} if pythonpath else {}),
    }
    argv = [sys.executable, "-m", "uvicorn", "liveclips.api.app:app", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--log-level", "warning",
            "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(  # our own interpreter and module
        argv, env=server_env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"the API did not start; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """The server's own process group (uvicorn's workers are its children)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def feed_paths(url: str, token: str, limit: int) -> list[str]:
    """The first page, and the next two by cursor (each is one cached page when warm)."""
    headers = {"Authorization": f"Bearer {token}"}
    paths, cursor = [f"/v1/feed?limit={limit}"], None
    for _ in range(2):
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{url}/v1/feed", params=params, headers=headers, timeout=30)
        page.raise_for_status()
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
        paths.append(f"/v1/feed?limit={limit}&cursor={cursor}")
    return paths


def run_wrk(
    url: str, paths: list[str], tokens: list[str], args: argparse.Namespace, *, seconds: int,
    delay_ms: float,
) -> dict[str, Any]:  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        token_file, path_file = Path(scratch, "tokens"), Path(scratch, "paths")
        token_file.write_text("\n".join(tokens) + "\n")
        path_file.write_text("\n".join(paths) + "\n")
        env = {**os.environ, "FEED_TOKENS": str(token_file), "FEED_PATHS": str(path_file),
               "FEED_INTERVAL_MS": f"{delay_ms:.3f}",
               "FEED_OPENING": str(-(-args.connections // _THREADS))}  # fmt: skip
        argv = ["wrk", "-t", str(_THREADS), "-c", str(args.connections), "-d", f"{seconds}s",
                "--timeout", "10s", "-s", str(LUA), url]  # fmt: skip
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["delay_ms"] = delay_ms
    return result


def paced(
    url: str, paths: list[str], tokens: list[str], args: argparse.Namespace
) -> dict[str, Any]:
    """wrk's delay() starts after each answer, so a connection's period is the delay plus
    the latency: a 5 s calibration run at the target rate measures the mean latency, and
    the measured run's delay is the target period less it."""
    period_ms = args.connections * 1000 / args.rate
    trial = run_wrk(url, paths, tokens, args, seconds=5, delay_ms=period_ms)
    latency_ms = trial["mean_us"] / 1000
    return run_wrk(url, paths, tokens, args, seconds=args.duration,
                   delay_ms=max(1.0, period_ms - latency_ms))  # fmt: skip


def scenario(
    env: dict[str, str], tokens: list[str], args: argparse.Namespace, workers: int, *, cache: bool
) -> dict[str, Any]:
    name = f"{'cached' if cache else 'uncached'}, {workers} worker{'s' * (workers > 1)}"
    if args.server_pythonpath:
        name += " +pythonpath"
    console.log(f"{name}: starting the API")
    log = OUT / f"feed-api-{workers}-{cache}.log"
    process, url = serve(env, workers, cache=cache, log=log, pythonpath=args.server_pythonpath)
    try:
        paths = feed_paths(url, tokens[0], args.limit)
        headers = {"Authorization": f"Bearer {tokens[1]}"}
        for path in paths * 3:  # warm: pages rendered and cached
            httpx.get(f"{url}{path}", headers=headers, timeout=30)
        load = loadavg()
        result = paced(url, paths, tokens, args)
    finally:
        stop(process)
    result.update(
        scenario=name, workers=workers, cache=cache, load_before=load, load_after=loadavg()
    )
    console.log(f"{name}: {result['rps']:.0f} req/s, p99 {result['p99_us'] / 1000:.1f} ms")
    return result


def loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def table(results: list[dict[str, Any]]) -> Table:
    out = Table(title="GET /v1/feed under paced load (wrk, ms)")
    for column in ("scenario", "req/s", "p50", "p90", "p99", "max", "non-2xx", "errors"):
        out.add_column(column, justify="left" if column == "scenario" else "right")
    for r in results:
        ms = [f"{r[k] / 1000:.1f}" for k in ("p50_us", "p90_us", "p99_us", "max_us")]
        out.add_row(
            r["scenario"], f"{r['rps']:.0f}", *ms, str(r["non_2xx"]), str(r["socket_errors"])
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--workers", default="1,2,3,4", help="uvicorn worker counts to try")
    parser.add_argument("--uncached-workers", type=int, default=4)
    parser.add_argument("--clips", type=int, default=400)
    parser.add_argument("--channels", type=int, default=80)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument(
        "--server-pythonpath",
        help="PYTHONPATH for the API server, e.g. a --target dir with uvloop and httptools "
        "(uvicorn uses them when importable) to measure them before adding them to the lock",
    )
    parser.add_argument("--skip-uncached", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        console.print(
            "wrk is needed: `sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`"
        )
        return 2
    OUT.mkdir(parents=True, exist_ok=True)

    cloud = LocalCloud(OUT / "feed-cloud")
    try:
        env = cloud.up(services=False).vars
        os.environ.update(env)
        settings.cache_clear()
        console.log(f"seeding {args.clips} clips on {args.channels} channels")
        seed(args.clips, args.channels)
        tokens = [
            request_token(settings().jwt_issuer, f"bench-viewer-{i}", "viewer") for i in range(50)
        ]
        results = [scenario(env, tokens, args, int(w), cache=True) for w in args.workers.split(",")]
        if not args.skip_uncached:
            results.append(scenario(env, tokens, args, args.uncached_workers, cache=False))
    finally:
        cloud.down()
    console.print(table(results))
    report = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": len(os.sched_getaffinity(0)), "python": platform.python_version()},
        "args": vars(args),
        "target_p99_ms": TARGET_P99_MS,
        "results": results,
    }
    (OUT / "feed.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
