"""How fast one clip renders: ours (liveclips.media.render) against a naive full re-encode.

    .venv/bin/python -m bench.clip_render [--runs N] [--clip-s 30]

The source is made once per invocation by the studio's own synthetic show encoder (the
show the demo broadcasts: testsrc2 picture, room noise, a planted loud moment), encoded
into the IVS layout (720p30 and 160p30 H.264, 2 s closed GOPs, AAC, 10 s MPEG-TS
segments) and each rendition's segments joined, as the clip worker's fetch joins them.
Every case renders the same clip of that file; the runs are interleaved (each run rotates
the order of the cases) so that load from anything else on the machine hits ours and the
naive command alike.

Cases: ours vertical as the worker renders it on 2 vCPU (one encode, subject tracked in
the 160p rendition), the same tracking in the 720p, the same in parallel 10 s chunks, the
naive vertical `ffmpeg -ss S -to E -i SRC -vf crop,scale ... full re-encode`, ours
landscape (smart cut; all outputs and MP4 only) and the naive landscape re-encode.
Results: a table on stdout and out/bench/clip_render.json. A last, untimed-for-the-table
run of each of ours records when every stage starts and ends (--no-stages skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
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

from liveclips.domain.clip_presets import preset
from liveclips.media import artwork, loudness, packaging
from liveclips.media import render as render_module
from liveclips.media.ffmpeg import probe, timeouts
from liveclips.media.render import RenderedClip, RenderOptions, TrackingCopy, render_clip
from liveclips_dev.studio.layout import DEFAULT_RENDITIONS
from liveclips_dev.studio.run import prepare_show

OUT = Path("out/bench")
RESULTS = "clip_render.json"
TARGET_RENDER_P95_S = 10.0  # DESIGN: a rendered 30 s 720x1280 clip, p95, on 2 vCPU
# Piped to a file or a log, rich would wrap the tables at 80 columns.
console = Console() if Console().is_terminal else Console(width=120)


# --- shared with bench.clip_latency ---------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was when asked."""
    model = "unknown"
    with Path("/proc/cpuinfo").open() as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    version = subprocess.run(
        ["ffmpeg", "-version"], capture_output=True, text=True, check=False, timeout=30
    )
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "ffmpeg": version.stdout.splitlines()[0] if version.stdout else "unknown",
        "python": platform.python_version(),
        "kernel": platform.release(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadavg": loadavg(),
    }


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def stats(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95 by linear interpolation between the sorted samples (numpy's default)."""
    values = np.asarray(samples, dtype=float)
    return {
        "n": len(values),
        "min": round(float(values.min()), 3),
        "p50": round(float(np.percentile(values, 50)), 3),
        "p95": round(float(np.percentile(values, 95)), 3),
        "max": round(float(values.max()), 3),
        "mean": round(float(values.mean()), 3),
    }


def naive_vertical_args(source: Path, start_s: float, end_s: float, out: Path) -> list[str]:
    """The naive vertical clip: centre crop, one full re-encode, no loudness, no outputs."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-ss", f"{start_s:.3f}", "-to", f"{end_s:.3f}", "-i", str(source),
        "-vf", "crop=ih*9/16:ih,scale=720:1280",
        "-c:v", "libx264", "-preset", "superfast", "-crf", "21",
        "-c:a", "aac", "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def naive_landscape_args(source: Path, start_s: float, end_s: float, out: Path) -> list[str]:
    """The naive landscape clip: the source size, one full re-encode."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-ss", f"{start_s:.3f}", "-to", f"{end_s:.3f}", "-i", str(source),
        "-c:v", "libx264", "-preset", "superfast", "-crf", "21",
        "-c:a", "aac", "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def run_command(args: list[str]) -> float:
    """Run a command; its wall-clock seconds. Raises with stderr if it fails."""
    began = time.perf_counter()
    done = subprocess.run(
        args, capture_output=True, text=True, check=False, timeout=timeouts().ffmpeg_timeout_s
    )
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(args)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def ivs_like_source(workdir: Path, show_s: float) -> tuple[Path, Path, dict[str, Any]]:
    """The studio's synthetic show in the IVS layout: each rendition's segments joined (the
    720p the clip is cut from, the 160p its subject is tracked in)."""
    began = time.perf_counter()
    show, planted = prepare_show(
        "synthetic", workdir, duration_s=show_s, renditions=DEFAULT_RENDITIONS
    )
    joined = []
    for rendition in show.renditions:
        path = workdir / f"{rendition.path}.ts"
        with path.open("wb") as out:
            for segment in show.segments(rendition):
                out.write(segment.file.read_bytes())
        joined.append((rendition.height, path))
    (_, small), (_, top_path) = min(joined), max(joined)
    top = max(show.renditions, key=lambda r: r.height)
    info = probe(top_path)
    return (
        top_path,
        small,
        {
            "path": str(top_path),
            "tracking_rendition": str(small),
            "made_by": (
                "liveclips_dev.studio.run.prepare_show('synthetic')"
                " -> liveclips_dev.studio.encode.encode_ivs_layout"
            ),
            "rendition": f"{top.path} {top.width}x{top.height} {top.bitrate // 1000} kb/s",
            "duration_s": round(info.duration_s, 3),
            "size_bytes": info.size_bytes,
            "segments": len(show.segments(top)),
            "planted_moments": [[m.start_s, m.end_s] for m in planted],
            "prepare_s": round(time.perf_counter() - began, 1),
        },
    )


# --- the cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    kind: Literal["ours", "naive"]
    preset: str
    options: RenderOptions | None = None  # ours only
    baseline: str | None = None  # the naive case ours is compared with
    track_small: bool = True  # track the subject in the 160p rendition, as the worker does


# The worker's own settings on 2 vCPU: one encode (no chunks), tracking in 160p.
CASES: tuple[Case, ...] = (
    Case("ours-vertical", "ours vertical, all outputs (as the worker on 2 vCPU)", "ours",
         "vertical", RenderOptions(chunk_s=None), "naive-vertical"),
    Case("ours-vertical-track720", "ours vertical, all outputs, tracking in the 720p", "ours",
         "vertical", RenderOptions(chunk_s=None), "naive-vertical", track_small=False),
    Case("ours-vertical-chunks", "ours vertical, all outputs, parallel 10 s chunks", "ours",
         "vertical", RenderOptions(chunk_s=10.0, workers=2), "naive-vertical"),
    Case("naive-vertical", "naive vertical (centre crop, full re-encode)", "naive", "vertical"),
    Case("ours-landscape", "ours landscape smart cut, all outputs", "ours", "landscape",
         RenderOptions(outputs=True), "naive-landscape"),
    Case("ours-landscape-mp4", "ours landscape smart cut, MP4 only", "ours", "landscape",
         RenderOptions(outputs=False), "naive-landscape"),
    Case("naive-landscape", "naive landscape (full re-encode)", "naive", "landscape"),
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    top: Path
    small: Path


def measure(case: Case, source: Source, start_s: float, end_s: float, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    if case.kind == "naive":
        mp4 = out / "naive.mp4"
        builder = naive_vertical_args if case.preset == "vertical" else naive_landscape_args
        seconds = run_command(builder(source.top, start_s, end_s, mp4))
        info = probe(mp4)
        return {
            "seconds": round(seconds, 3),
            "output": [info.width, info.height, round(info.duration_s, 3), info.size_bytes],
        }
    assert case.options is not None
    began = time.perf_counter()
    # The renditions are joined from the same segments: the clip starts at the same time.
    rendered = render_clip(
        source.top,
        start_s=start_s,
        end_s=end_s,
        chosen=preset(case.preset),
        out_dir=out,
        options=case.options,
        tracking=TrackingCopy(source.small, start_s) if case.track_small else None,
    )
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 3), **_describe(rendered)}


def _describe(rendered: RenderedClip) -> dict[str, Any]:
    info = rendered.info
    return {
        "render_s": round(rendered.render_s, 3),
        "cut_mode": rendered.cut.mode,
        "pieces": len(rendered.cut.pieces),
        "copied_s": round(rendered.cut.copied_s, 3),
        "encoded_s": round(rendered.cut.encoded_s, 3),
        "loudness_mode": rendered.loudness_mode,
        "output": [info.width, info.height, round(info.duration_s, 3), info.size_bytes],
    }


# --- stage timeline ----------------------------------------------------------------------

# (module, attribute, stage name): what render_clip calls, patched to record when it ran.
_STAGES: tuple[tuple[Any, str, str], ...] = (
    (render_module, "_indexed", "remux source to MP4 (_indexed)"),
    (render_module, "inspect_source", "probe keyframes (inspect_source)"),
    (render_module, "_track_subject", "subject tracking (remux + subject_samples)"),
    (loudness, "measure", "loudnorm pass 1 (loudness.measure)"),
    (render_module, "_audio", "audio total (pass 1 + pass 2 encode)"),
    (render_module, "_video_piece", "video piece"),
    (render_module, "_mux", "mux pieces + audio"),
    (render_module, "probe", "probe output"),
    (loudness, "measure_output", "ebur128 output check (measure_output)"),
    (packaging, "package_hls", "HLS package"),
    (artwork, "poster", "poster"),
    (artwork, "sprite_sheet", "sprite sheet"),
)


@contextmanager
def stage_timeline() -> Iterator[list[dict[str, Any]]]:
    """While active, every stage call of render_clip is recorded as (name, start, end)."""
    spans: list[dict[str, Any]] = []
    lock = threading.Lock()
    originals = [(module, name, getattr(module, name)) for module, name, _ in _STAGES]

    def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with lock:
                    spans.append({"stage": label, "start": began, "end": time.perf_counter()})

        return wrapper

    try:
        for (module, name, label), (_, _, fn) in zip(_STAGES, originals, strict=True):
            setattr(module, name, timed(label, fn))
        yield spans
    finally:
        for module, name, fn in originals:
            setattr(module, name, fn)


def stages_of(
    case: Case, source: Source, start_s: float, end_s: float, out: Path
) -> dict[str, Any]:
    with stage_timeline() as spans:
        began = time.perf_counter()
        result = measure(case, source, start_s, end_s, out)
    timeline = [
        {
            "stage": s["stage"],
            "from_s": round(s["start"] - began, 2),
            "to_s": round(s["end"] - began, 2),
            "seconds": round(s["end"] - s["start"], 2),
        }
        for s in sorted(spans, key=lambda s: s["start"])
    ]
    return {"total_s": result["seconds"], "timeline": timeline}


# --- the run -----------------------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.clip_render", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="measurements per case (default 5)")
    parser.add_argument("--clip-s", type=float, default=30.0, help="clip length (default 30)")
    parser.add_argument(
        "--start-s",
        type=float,
        default=15.3,
        help="clip start in the source (default 15.3: not on a keyframe, so a smart cut has"
        " both edges to encode; a 30 s clip then covers the planted loud moment)",
    )
    parser.add_argument("--show-s", type=float, default=70.0, help="source length (default 70)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (out/bench)")
    parser.add_argument("--no-stages", action="store_true", help="skip the stage timelines")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.clip_s <= 0 or args.start_s < 0:
        parser.error("--runs must be >= 1, --clip-s > 0, --start-s >= 0")
    if args.start_s + args.clip_s > args.show_s - 1:
        parser.error("the clip must end at least 1 s before the end of the show (--show-s)")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    start_s, end_s = args.start_s, args.start_s + args.clip_s
    with console.status("encoding the synthetic IVS-like source (studio encoder)..."):
        top, small, source_info = ivs_like_source(out / "render-show", args.show_s)
    source = Source(top, small)
    console.print(
        f"source: {top} ({source_info['duration_s']:.1f} s, {source_info['rendition']},"
        f" made in {source_info['prepare_s']} s); clip {start_s:.2f}-{end_s:.2f} s"
    )
    samples: dict[str, list[dict[str, Any]]] = {c.key: [] for c in CASES}
    loads: list[list[float]] = []
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("rendering", total=args.runs * len(CASES))
        for run in range(args.runs):
            shift = run % len(CASES)
            order = CASES[shift:] + CASES[:shift]
            loads.append(loadavg())
            for case in order:
                progress.update(task, description=f"run {run + 1}/{args.runs}: {case.key}")
                result = measure(case, source, start_s, end_s, out / "render" / case.key)
                result["run"] = run
                samples[case.key].append(result)
                progress.console.print(
                    f"  run {run + 1} {case.key:<22} {result['seconds']:6.2f} s"
                    f"  (load {loadavg()[0]:.2f})"
                )
                progress.advance(task)
        loads.append(loadavg())

    stages: dict[str, Any] = {}
    if not args.no_stages:
        with console.status("one more run of each of ours with the stage timeline..."):
            for key in ("ours-vertical", "ours-landscape"):
                case = next(c for c in CASES if c.key == key)
                stages[key] = stages_of(case, source, start_s, end_s, out / "render" / key)

    results = _results(args, source_info, samples, loads, stages)
    path = out / RESULTS
    path.write_text(json.dumps(results, indent=2) + "\n")
    print_results(results)
    console.print(f"results: [bold]{path}[/]")


def _results(
    args: argparse.Namespace,
    source_info: dict[str, Any],
    samples: dict[str, list[dict[str, Any]]],
    loads: list[list[float]],
    stages: dict[str, Any],
) -> dict[str, Any]:
    start_s, end_s = args.start_s, args.start_s + args.clip_s
    cases: dict[str, Any] = {}
    for case in CASES:
        runs = samples[case.key]
        figures = stats([r["seconds"] for r in runs])
        entry: dict[str, Any] = {
            "label": case.label,
            "kind": case.kind,
            "preset": case.preset,
            "stats_s": figures,
            "x_realtime_p50": round(args.clip_s / figures["p50"], 2),
            "runs": runs,
        }
        if case.kind == "naive":
            builder = naive_vertical_args if case.preset == "vertical" else naive_landscape_args
            entry["command"] = shlex.join(builder(Path("SRC"), start_s, end_s, Path("out.mp4")))
        else:
            assert case.options is not None
            entry["options"] = {
                "chunk_s": case.options.chunk_s,
                "workers": case.options.workers,
                "outputs": case.options.outputs,
                "tracking": "160p rendition" if case.track_small else "the 720p source",
            }
            for field in ("cut_mode", "pieces", "copied_s", "encoded_s", "loudness_mode"):
                entry[field] = runs[0][field]
        cases[case.key] = entry
    for case in CASES:
        if case.baseline:
            naive = cases[case.baseline]["stats_s"]["p50"]
            ours = cases[case.key]["stats_s"]["p50"]
            cases[case.key]["naive_over_ours_p50"] = round(naive / ours, 2)
    vertical_p95 = cases["ours-vertical"]["stats_s"]["p95"]
    return {
        "bench": "clip_render",
        "command": f"python -m bench.clip_render --runs {args.runs} --clip-s {args.clip_s:g}",
        "machine": machine(),
        "load_per_run": loads,
        "source": source_info,
        "clip": {"start_s": start_s, "end_s": end_s, "duration_s": args.clip_s},
        "cases": cases,
        "target": {
            "rendered_vertical_p95_s": TARGET_RENDER_P95_S,
            "measured_p95_s": vertical_p95,
            "met": vertical_p95 <= TARGET_RENDER_P95_S,
        },
        "stages": stages,
    }


def print_results(results: dict[str, Any]) -> None:
    clip_s = results["clip"]["duration_s"]
    table = Table(
        title=f"{clip_s:g} s clip render, {results['cases']['ours-vertical']['stats_s']['n']} runs"
        f" each, {results['machine']['nproc']} vCPU ({results['machine']['cpu_model']})"
    )
    columns = ("case", "p50 s", "p95 s", "max s", "x RT", "naive/ours", "cut copy/enc s")
    for column in columns:
        table.add_column(column, justify="left" if column[0] in "cs" else "right")
    for key, entry in results["cases"].items():
        figures = entry["stats_s"]
        cut = "-"
        if entry["kind"] == "ours":
            cut = (
                f"{entry['cut_mode']} {entry['pieces']}p"
                f" {entry['copied_s']:.1f}/{entry['encoded_s']:.1f}"
            )
        ratio = entry.get("naive_over_ours_p50")
        table.add_row(
            key,
            f"{figures['p50']:.2f}",
            f"{figures['p95']:.2f}",
            f"{figures['max']:.2f}",
            f"{entry['x_realtime_p50']:.2f}x",
            "-" if ratio is None else f"{ratio:.2f}",
            cut,
        )
    console.print(table)
    for key, entry in results["cases"].items():
        console.print(f"  {key}: {entry['label']}")
    console.print(
        "  x RT = clip seconds / p50 seconds; naive/ours = naive p50 / ours p50 (>1: ours faster)"
    )
    target = results["target"]
    verdict = "[green]met[/]" if target["met"] else "[red]missed[/]"
    console.print(
        f"target: rendered {clip_s:g} s 720x1280 p95 ≤ {target['rendered_vertical_p95_s']:g} s"
        f" -> p95 {target['measured_p95_s']:.2f} s: {verdict}"
        f"; load average per run: {results['load_per_run']}"
    )
    for key, stage in results["stages"].items():
        timeline = Table(title=f"stage timeline of one {key} render ({stage['total_s']:.2f} s)")
        for column in ("stage", "from s", "to s", "seconds"):
            timeline.add_column(column, justify="left" if column == "stage" else "right")
        for span in stage["timeline"]:
            times = (span["from_s"], span["to_s"], span["seconds"])
            timeline.add_row(span["stage"], *(f"{t:.2f}" for t in times))
        console.print(timeline)


if __name__ == "__main__":
    main()
