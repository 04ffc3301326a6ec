"""From the decision to a playable clip: instant and rendered, against a naive render.

    .venv/bin/python -m bench.clip_latency [--clips N]

Starts the local cloud (emulators + functions + clip worker + API, as `liveclips local up`),
records a quiet synthetic show through the whole pipeline (studio at high speed), then,
one highlight at a time, calls liveclips.services.highlights.submit() - the decision - and times
until the clip.published events arrive on a fresh pull subscription of the `clips`
topic: the instant clip (vertical), the rendered vertical clip, the rendered landscape
clip. The next highlight is submitted only when all three arrived: this measures latency,
not throughput. For the same clips, in the same run, it times the naive path: fetch the
recording segments that cover the clip from S3, one full ffmpeg re-encode (centre crop,
720x1280), upload the MP4. Ours and naive alternate which goes first.

Then (unless --no-burst) all N highlights (shifted 0.5 s, so they are new clips) are
submitted at once: a second figure, for a backlog. One warm-up highlight before the
sequential phase is reported apart. The cloud is stopped at the end, also on errors.
Results: a table on stdout and out/bench/clip_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google.cloud import pubsub_v1
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bench.background import Background
from bench.clip_render import loadavg, machine, naive_vertical_args, run_command, stats
from liveclips import resources
from liveclips.adapters import ivs_recordings, s3, spanner_clips
from liveclips.adapters.config import settings
from liveclips.contracts.events import ClipPublished, HighlightDetected
from liveclips.domain.highlight_engine.types import Detection
from liveclips.domain.hls import plan_clip
from liveclips.domain.ids import clip_id
from liveclips.services.highlights import RecordingRef, submit
from liveclips_dev.cli.broadcast import bridge_sink
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from liveclips_dev.studio.run import run_studio

OUT = Path("out/bench")
RESULTS = "clip_latency.json"
TARGET_INSTANT_S = 3.0  # DESIGN: instant clip <= 3 s after the decision
TARGET_RENDER_P95_S = 10.0  # DESIGN: rendered 30 s 720x1280 clip, p95 (render alone)
CHANNEL_ARN = "arn:aws:ivs:us-east-1:123456789012:channel/BenchLatency01"
WANTED = (("vertical", "instant"), ("vertical", "rendered"), ("landscape", "rendered"))
# Piped to a file or a log, rich would wrap the tables at 80 columns.
console = Console() if Console().is_terminal else Console(width=120)


# --- clip.published arrivals -------------------------------------------------------------


class Arrivals(Background):
    """Pulls a subscription of `clips` in the background; when each event arrived."""

    def __init__(self, subscription: str) -> None:
        self.subscription = subscription
        self.seen: dict[tuple[str, str, str], float] = {}  # (highlight, preset, rendition)
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        super().__init__()

    def run(self, stop: threading.Event) -> None:

        subscriber = pubsub_v1.SubscriberClient()
        try:
            while not stop.is_set():
                response = subscriber.pull(
                    subscription=self.subscription,
                    max_messages=100,
                    return_immediately=True,
                    timeout=5,
                )
                arrived = time.perf_counter()
                if not response.received_messages:
                    time.sleep(0.05)
                    continue
                subscriber.acknowledge(
                    subscription=self.subscription,
                    ack_ids=[m.ack_id for m in response.received_messages],
                )
                with self._changed:
                    for received in response.received_messages:
                        event = ClipPublished.model_validate_json(received.message.data)
                        key = (event.highlight_id, event.preset, event.rendition)
                        self.seen.setdefault(key, arrived)
                        self.events.append(
                            {
                                "highlight_id": event.highlight_id,
                                "preset": event.preset,
                                "rendition": event.rendition,
                                "arrived": arrived,
                                "duration_s": event.duration_s,
                                "size": [event.width, event.height],
                            }
                        )
                    self._changed.notify_all()
        finally:
            subscriber.close()

    def wait(self, highlight_ids: Sequence[str], timeout_s: float) -> bool:
        """Until every wanted event of these highlights arrived; False on timeout."""
        keys = [(h, p, r) for h in highlight_ids for p, r in WANTED]
        deadline = time.perf_counter() + timeout_s
        with self._changed:
            while not all(k in self.seen for k in keys):
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self._changed.wait(timeout=min(left, 1.0))
        return True

    def latencies(self, highlight_id: str, decided: float) -> dict[str, float | None]:
        with self._changed:
            got = {f"{p}_{r}": self.seen.get((highlight_id, p, r)) for p, r in WANTED}
        return {k: None if t is None else round(t - decided, 3) for k, t in got.items()}


# --- the show, the highlights, the naive path --------------------------------------------


def record_show(workdir: Path, duration_s: float, speed: float) -> RecordingRef:

    run = run_studio(
        "synthetic",
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn=CHANNEL_ARN,
        event_sink=bridge_sink(),
        workdir=workdir,
        duration_s=duration_s,
        speed=speed,
        moments=(),  # quiet: the detector submits nothing of its own to the render queue
        serve_live=False,
    )
    b = run.broadcast
    return RecordingRef(
        bucket=b.bucket,
        prefix=b.recording_prefix,
        recording_id=b.recording_prefix.rsplit("/", 1)[-1],
        channel_id=b.channel_arn.rsplit("/", 1)[-1],
        started_at=b.started_at,
        recorded_until_s=b.duration_s,
    )


def highlight(show: RecordingRef, start_s: float, end_s: float) -> HighlightDetected:
    """A manual pick of [start_s, end_s), named as the live path names every highlight."""
    return show.highlight(Detection(start_s, end_s, score=20.0, kind="manual"))


def naive_clip(show: RecordingRef, start_s: float, end_s: float, work: Path) -> dict[str, float]:
    """Whole covering segments from S3, one full re-encode, the MP4 uploaded."""

    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    rendition = ivs_recordings.best_rendition(show.bucket, show.prefix, 720)
    playlist = ivs_recordings.media_playlist(show.bucket, show.prefix, rendition)
    plan = plan_clip(playlist, start_s, end_s)
    source = work / "source.ts"
    with source.open("wb") as out:
        for segment in plan.segments:
            key = ivs_recordings.segment_key(show.bucket, show.prefix, rendition, segment.uri)
            out.write(s3.read_bytes(show.bucket, key))
    fetched = time.perf_counter()
    mp4 = work / "clip.mp4"
    run_command(naive_vertical_args(source, plan.seek_s, plan.seek_s + plan.duration_s, mp4))
    encoded = time.perf_counter()
    key = f"bench-naive/{show.recording_id}/{round(start_s * 1000)}/clip.mp4"
    s3.upload(mp4, settings().media_bucket, key, content_type="video/mp4")
    done = time.perf_counter()
    return {
        "total_s": round(done - began, 3),
        "fetch_s": round(fetched - began, 3),
        "encode_s": round(encoded - fetched, 3),
        "upload_s": round(done - encoded, 3),
        "segments": len(plan.segments),
        "source_bytes": source.stat().st_size,
    }


def ours(
    arrivals: Arrivals, show: RecordingRef, start_s: float, end_s: float, timeout_s: float
) -> dict[str, Any]:
    chosen = highlight(show, start_s, end_s)
    decided = time.perf_counter()
    status = submit(chosen)
    submitted = time.perf_counter() - decided
    complete = arrivals.wait([chosen.highlight_id], timeout_s)
    return {
        "highlight_id": chosen.highlight_id,
        "status": status,
        "submit_s": round(submitted, 3),
        "complete": complete,
        **arrivals.latencies(chosen.highlight_id, decided),
        **worker_render_s(chosen),
    }


def worker_render_s(chosen: HighlightDetected) -> dict[str, Any]:
    """render_clip()'s own time inside the worker (Spanner RenderSeconds), per preset: the
    rest of decision -> rendered is queueing, fetching, uploading and bookkeeping."""
    found: dict[str, Any] = {}
    for name in ("vertical", "landscape"):
        clip = clip_id(chosen.recording_id, chosen.clip_start_s, chosen.clip_end_s, name)
        row = spanner_clips.clip_row(chosen.recording_id, clip) or {}
        seconds = row.get("RenderSeconds")
        found[f"{name}_render_s"] = None if seconds is None else round(seconds, 3)
        found[f"{name}_cut_mode"] = row.get("CutMode")
    return found


# --- the run -----------------------------------------------------------------------------


def offsets(clips: int, clip_s: float, show_s: float) -> list[float]:
    """Clip starts spread over the show, off the 2 s keyframe grid by varying amounts."""
    last = show_s - clip_s - 1.0
    if clips == 1:
        return [1.3]
    step = (last - 1.3) / (clips - 1)
    return [round(1.3 + k * step, 2) for k in range(clips)]


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.clip_latency", description=__doc__)
    parser.add_argument("--clips", type=int, default=6, help="highlights measured (default 6)")
    parser.add_argument("--clip-s", type=float, default=30.0, help="clip length (default 30)")
    parser.add_argument("--show-s", type=float, default=70.0, help="show length (default 70)")
    parser.add_argument("--speed", type=float, default=20.0, help="playout speed (default 20)")
    parser.add_argument("--no-burst", action="store_true", help="skip the all-at-once phase")
    parser.add_argument("--no-warmup", action="store_true", help="skip the warm-up highlight")
    parser.add_argument("--timeout-s", type=float, default=300.0, help="per highlight")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (out/bench)")
    args = parser.parse_args(argv)
    if args.clips < 1 or args.clip_s + 3 > args.show_s:
        parser.error("--clips must be >= 1 and the show at least 3 s longer than a clip")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    cloud = LocalCloud(out / "latency-cloud")
    results: dict[str, Any] = {"bench": "clip_latency", "machine": machine()}
    try:
        with console.status("starting the local cloud (emulators, functions, worker, API)..."):
            began = time.perf_counter()
            env = cloud.up(services=True)
            results["cloud_up_s"] = round(time.perf_counter() - began, 1)
        os.environ.update(env.vars)
        settings.cache_clear()  # adapters read settings once: they must see the emulators
        console.print(f"local cloud up in {results['cloud_up_s']} s")
        results |= _measure(args, out)
    finally:
        with console.status("stopping the local cloud..."):
            stopped = cloud.down()
        console.print(f"stopped: {', '.join(stopped) or 'nothing'}")
    results["machine"]["loadavg_end"] = loadavg()
    path = out / RESULTS
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_results(results)
    console.print(f"results: [bold]{path}[/]")


def _measure(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    with console.status(f"recording a quiet {args.show_s:g} s show at {args.speed:g}x..."):
        began = time.perf_counter()
        show = record_show(out / "latency-show", args.show_s, args.speed)
        recorded_s = round(time.perf_counter() - began, 1)
    console.print(f"recorded {show.prefix} ({show.recorded_until_s:.1f} s) in {recorded_s} s")
    time.sleep(5.0)  # let the functions finish analysing the last segments
    starts = offsets(args.clips, args.clip_s, show.recorded_until_s)
    sequential: list[dict[str, Any]] = []
    burst: list[dict[str, Any]] = []
    warmup: dict[str, Any] | None = None
    steps = args.clips + (0 if args.no_warmup else 1) + (0 if args.no_burst else 1)
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        fresh_subscription(resources.CLIPS_TOPIC) as subscription,
        Arrivals(subscription) as arrivals,
        Progress(*columns, console=console) as progress,
    ):
        task = progress.add_task("latency", total=steps)
        if not args.no_warmup:
            progress.update(task, description="warm-up highlight")
            start = round(show.recorded_until_s - args.clip_s - 0.6, 2)
            warmup = ours(arrivals, show, start, start + args.clip_s, args.timeout_s)
            progress.advance(task)
        for k, start in enumerate(starts):
            end = start + args.clip_s
            progress.update(task, description=f"clip {k + 1}/{args.clips} at {start:.2f} s")
            row: dict[str, Any] = {"start_s": start, "end_s": end, "load": loadavg()}
            work = out / "latency-naive" / str(k)
            if k % 2 == 0:
                row["ours"] = ours(arrivals, show, start, end, args.timeout_s)
                row["naive"] = naive_clip(show, start, end, work)
            else:
                row["naive"] = naive_clip(show, start, end, work)
                row["ours"] = ours(arrivals, show, start, end, args.timeout_s)
            sequential.append(row)
            o, n = row["ours"], row["naive"]
            progress.console.print(
                f"  clip {k + 1} {start:5.2f}-{end:5.2f} s: instant {o['vertical_instant']} s,"
                f" vertical {o['vertical_rendered']} s (render {o['vertical_render_s']} s),"
                f" landscape {o['landscape_rendered']} s;"
                f" naive {n['total_s']} s (load {row['load'][0]:.2f})"
            )
            progress.advance(task)
        if not args.no_burst:
            progress.update(task, description=f"burst of {args.clips} highlights")
            burst = _burst(arrivals, show, [s + 0.5 for s in starts], args)
            progress.advance(task)
        events = list(arrivals.events)
    return {
        "command": f"python -m bench.clip_latency --clips {args.clips}",
        "show": {
            "prefix": show.prefix,
            "duration_s": show.recorded_until_s,
            "speed": args.speed,
            "recorded_in_s": recorded_s,
        },
        "clip_s": args.clip_s,
        "warmup": warmup,
        "sequential": sequential,
        "burst": burst,
        "summary": _summary(sequential, burst),
        "events_seen": len(events),
    }


def _burst(
    arrivals: Arrivals, show: RecordingRef, starts: list[float], args: argparse.Namespace
) -> list[dict[str, Any]]:

    decided: list[tuple[HighlightDetected, float, float]] = []
    for start in starts:
        chosen = highlight(show, start, start + args.clip_s)
        at = time.perf_counter()
        submit(chosen)
        decided.append((chosen, at, time.perf_counter() - at))
    arrivals.wait([c.highlight_id for c, _, _ in decided], args.timeout_s * len(starts))
    return [
        {
            "start_s": c.clip_start_s,
            "highlight_id": c.highlight_id,
            "submit_s": round(took, 3),
            **arrivals.latencies(c.highlight_id, at),
            **worker_render_s(c),
        }
        for c, at, took in decided
    ]


def _figure(rows: list[dict[str, Any]], field: str) -> dict[str, float] | None:
    values = [r[field] for r in rows if r.get(field) is not None]
    return stats(values) if values else None


def _summary(sequential: list[dict[str, Any]], burst: list[dict[str, Any]]) -> dict[str, Any]:
    ours_rows = [r["ours"] for r in sequential]
    naive_rows = [r["naive"] for r in sequential]
    summary: dict[str, Any] = {
        "sequential": {
            "decision_to_instant_s": _figure(ours_rows, "vertical_instant"),
            "decision_to_rendered_vertical_s": _figure(ours_rows, "vertical_rendered"),
            "decision_to_rendered_landscape_s": _figure(ours_rows, "landscape_rendered"),
            "worker_render_vertical_s": _figure(ours_rows, "vertical_render_s"),
            "worker_render_landscape_s": _figure(ours_rows, "landscape_render_s"),
            "submit_call_s": _figure(ours_rows, "submit_s"),
            "naive_fetch_encode_upload_s": _figure(naive_rows, "total_s"),
            "naive_fetch_s": _figure(naive_rows, "fetch_s"),
            "naive_encode_s": _figure(naive_rows, "encode_s"),
            "naive_upload_s": _figure(naive_rows, "upload_s"),
        },
    }
    if burst:
        summary["burst"] = {
            "decision_to_instant_s": _figure(burst, "vertical_instant"),
            "decision_to_rendered_vertical_s": _figure(burst, "vertical_rendered"),
            "decision_to_rendered_landscape_s": _figure(burst, "landscape_rendered"),
        }
    instant = summary["sequential"]["decision_to_instant_s"]
    rendered = summary["sequential"]["decision_to_rendered_vertical_s"]
    summary["targets"] = {
        "instant_le_s": TARGET_INSTANT_S,
        "instant_max_s": instant and instant["max"],
        "instant_met": bool(instant and instant["max"] <= TARGET_INSTANT_S),
        "rendered_vertical_p95_le_s": TARGET_RENDER_P95_S,
        "rendered_vertical_p95_s": rendered and rendered["p95"],
        "rendered_vertical_met": bool(rendered and rendered["p95"] <= TARGET_RENDER_P95_S),
    }
    return summary


_LABELS = {
    "decision_to_instant_s": "decision -> instant clip.published",
    "decision_to_rendered_vertical_s": "decision -> rendered vertical clip.published",
    "decision_to_rendered_landscape_s": "decision -> rendered landscape clip.published",
    "submit_call_s": "submit() call itself",
    "worker_render_vertical_s": "  render_clip() in the worker, vertical",
    "worker_render_landscape_s": "  render_clip() in the worker, landscape",
    "naive_fetch_encode_upload_s": "naive: fetch + re-encode + upload",
    "naive_fetch_s": "  naive fetch (whole segments)",
    "naive_encode_s": "  naive ffmpeg full re-encode",
    "naive_upload_s": "  naive upload",
}


def print_results(results: dict[str, Any]) -> None:
    summary = results.get("summary")
    if not summary:
        return
    for phase in ("sequential", "burst"):
        if phase not in summary:
            continue
        n = len(results[phase])
        table = Table(title=f"{results['clip_s']:g} s clips, {phase} ({n} highlights)")
        for column in ("measure", "p50 s", "p95 s", "max s"):
            table.add_column(column, justify="left" if column == "measure" else "right")
        for field, figure in summary[phase].items():
            if figure is not None:
                table.add_row(_LABELS[field], *(f"{figure[k]:.2f}" for k in ("p50", "p95", "max")))
        console.print(table)
    if results.get("warmup"):
        w = results["warmup"]
        console.print(
            f"warm-up (not counted): instant {w['vertical_instant']} s, rendered vertical"
            f" {w['vertical_rendered']} s, landscape {w['landscape_rendered']} s"
        )
    t = summary["targets"]
    console.print(
        f"targets: instant ≤ {t['instant_le_s']:g} s: max {t['instant_max_s']} s ->"
        f" {'met' if t['instant_met'] else 'missed'}; rendered vertical p95 ≤"
        f" {t['rendered_vertical_p95_le_s']:g} s: {t['rendered_vertical_p95_s']} s ->"
        f" {'met' if t['rendered_vertical_met'] else 'missed'}"
        f" (load average at start {results['machine']['loadavg']},"
        f" at end {results['machine'].get('loadavg_end')})"
    )


if __name__ == "__main__":
    main()
