"""How fast one clip renders: ours (liveclips.media.render) against a naive full re-encode.

    .venv/bin/python -m bench.clip_render [--runs N] [--clip-s 30] [--landscape] [--extra]

Two sources, each rendered into the same clip by every case, runs interleaved (each run
rotates the order of all cases of all sources) so that load from anything else on the
machine hits ours and the naive command alike:

- high-entropy: made at run time with ffmpeg lavfi to look like a camera, not a test card
  (x264 finds testsrc2 easy): a detailed 2560x1440 canvas (a Mandelbrot zoom overlaid on
  random gradients, with fixed spatial noise like foliage or fabric) panned fast and
  unevenly by a moving crop, a dark figure walking across it, temporal grain on every
  frame, a burned-in clock and a scrolling ticker (drawtext, if a font is installed); the
  audio is speech-like bursts of band-limited noise at syllable rate with pauses and a slow
  level swing, about -38 LUFS integrated with an LRA about 16 LU (what a real IVS recording
  measured); the timed_id3 data stream of the real IVS recording fixture is muxed in, as
  IVS recordings carry one. Encoded in the IVS layout: 720p30 and 160p30 H.264 (main,
  veryfast, CBR-capped 2.5 Mb/s and 230 kb/s), 2 s closed GOPs, AAC, 10 s MPEG-TS
  segments, each rendition's segments joined as the worker's fetch joins them.
- ivs-160p: the real Amazon IVS recording's 160p30 rendition
  (../shared/fixtures/ivs-recording/media/hls/160p30, timed_id3 included), its segments
  joined; the clip is cut from it and tracked in it (no smaller rendition).

Cases per source: ours vertical as the worker renders it on 2 vCPU (one encode, subject
tracked in the 160p rendition, every output) and the naive vertical command of issue 22,
exactly: `ffmpeg -ss S -to E -i SRC -vf crop=ih*9/16:ih,scale=720:1280 -c:v libx264
-preset veryfast -c:a aac OUT`. --extra adds ours tracking in the 720p and ours in parallel
10 s chunks; --landscape adds ours landscape (smart cut, all outputs) and a naive landscape
re-encode. Results: a table on stdout and out/bench/clip_render.json. A last, untimed-for-
the-table run of ours vertical per source records when every stage starts and ends
(--no-stages skips it); --quality scores ours and naive (SSIM, PSNR) against the
source's own crop.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
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
from liveclips.media.ffmpeg import ffprobe_json, probe, timeouts
from liveclips.media.render import RenderedClip, RenderOptions, TrackingCopy, render_clip
from liveclips_dev.studio.layout import DEFAULT_RENDITIONS
from liveclips_dev.studio.run import prepare_show

OUT = Path("out/bench")
RESULTS = "clip_render.json"
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
    """Issue 22's naive vertical clip, exactly: centre crop, one full re-encode at x264's
    veryfast defaults (crf 23), no loudness, no outputs, not frame-accurate."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-ss", f"{start_s:.3f}", "-to", f"{end_s:.3f}", "-i", str(source),
        "-vf", "crop=ih*9/16:ih,scale=720:1280",
        "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out),
    ]  # fmt: skip


def naive_landscape_args(source: Path, start_s: float, end_s: float, out: Path) -> list[str]:
    """The naive landscape clip: the source size, one full re-encode, same x264 settings."""
    return [
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-ss", f"{start_s:.3f}", "-to", f"{end_s:.3f}", "-i", str(source),
        "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out),
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
    """bench.clip_fanout's source: the studio's synthetic show in the IVS layout, each
    rendition's segments joined (the 720p the clip is cut from, the 160p to track in)."""
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


FIXTURE_160P = (
    Path(__file__).resolve().parents[2] / "shared/fixtures/ivs-recording/media/hls/160p30"
)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
CANVAS = (2560, 1440)  # panned inside: a 1280x720 window moves over twice its size
# Speech-like: band-limited pink noise at ~4.5 syllables a second, in phrases with pauses,
# a slow 8 dB level swing and a room-noise floor; -7.5 dB puts it at about -38 LUFS with
# an LRA about 16 LU (measured into source.audio by the bench on every run).
SPEECH = (
    "anoisesrc=color=pink:sample_rate=48000:amplitude=0.5:seed=3,"
    r"aeval='val(0)*(0.01+gt(sin(2*PI*t/4.7)+0.6*sin(2*PI*t/1.9+1)+0.3\,0)"
    r"*pow(sin(PI*2.25*t)\,2)*pow(10\,-0.4*(1+sin(2*PI*t/29))))':c=mono,"
    "highpass=f=150,lowpass=f=4000,aformat=channel_layouts=stereo,volume=-7.5dB"
)


def _picture_graph(frames: int) -> str:
    """Camera-like picture: fast uneven pans over a detailed canvas, a figure walking,
    temporal grain, burned-in text."""
    pan = (
        "crop=1280:720"
        ":x='(iw-ow)/2*(1+0.85*sin(t*0.8)*cos(t*0.23)+0.15*sin(t*4.1))'"
        ":y='(ih-oh)/2*(1+0.8*sin(t*0.55+1)+0.2*sin(t*3.3))'"
    )
    # fps=30 declares the rate as well: the one-image canvas says 1 fps, and ffmpeg would
    # otherwise encode (and the naive command decimate to) 1 fps.
    chain = [
        f"loop=loop={frames}:size=1", "setpts=N/30/TB", "fps=30", pan,
        "drawbox=x='580+420*sin(t*0.4)':y=180:w=120:h=420:color=0x202830@0.85:t=fill",
        "noise=alls=14:allf=t+u",
    ]  # fmt: skip
    if FONT.is_file():
        chain += [
            f"drawtext=fontfile={FONT}:text='LIVE %{{pts\\:hms}}':x=24:y=24:fontsize=34"
            ":fontcolor=white:box=1:boxcolor=0xcc0000@0.8:boxborderw=8",
            f"drawtext=fontfile={FONT}:text='Chat is going wild right now - follow for more"
            " clips':x='w-mod(t*260\\,w+tw)':y=h-56:fontsize=30:fontcolor=white:box=1"
            ":boxcolor=black@0.6:boxborderw=10",
        ]
    return (
        f"[0:v]{','.join(chain)},split=2[a][b];[a]null[v720];"
        "[b]scale=284:160:flags=area,setsar=1[v160]"
    )


def _rendition_args(label: str, bitrate: str, folder: Path, show_s: float) -> list[str]:
    """One IVS-like rendition: 2 s closed GOPs, CBR-capped, 10 s MPEG-TS segments; the
    recording's timed_id3 stream rides along, as in IVS's own recordings."""
    rate = int(bitrate[:-1])
    return [
        "-map", f"[{label}]", "-map", "1:a", "-map", "2:d?",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main",
        "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", f"{2 * rate}k",
        "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-flags", "+cgop",
        "-c:a", "aac", "-ar", "48000", "-b:a", "128k", "-c:d", "copy", "-t", f"{show_s:.3f}",
        "-output_ts_offset", "10", "-f", "segment", "-segment_time", "10",
        "-segment_format", "mpegts", str(folder / "%d.ts"),
    ]  # fmt: skip


def _join(folder: Path, target: Path) -> int:
    segments = sorted(folder.glob("*.ts"), key=lambda p: int(p.stem))
    with target.open("wb") as out:
        for segment in segments:
            out.write(segment.read_bytes())
    return len(segments)


def _id3_source(workdir: Path) -> Path | None:
    """The real recording's 160p segments joined: where the timed_id3 stream comes from."""
    if not FIXTURE_160P.is_dir():
        return None
    joined = workdir / "fixture-160p.ts"
    if not joined.exists():
        _join(FIXTURE_160P, joined)
    return joined


def high_entropy_source(workdir: Path, show_s: float) -> tuple[Path, Path, dict[str, Any]]:
    """The high-entropy show in the IVS layout; (720p joined, 160p joined, description)."""
    began = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    canvas = workdir / "canvas.y4m"
    w, h = CANVAS
    run_command([
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i",
        f"mandelbrot=s={w}x{h}:rate=1:start_x=-0.7436438870371587"
        ":start_y=0.1318259042053119:start_scale=0.0008:end_scale=0.0008:maxiter=400"
        ":outer=normalized_iteration_count:inner=period",
        "-f", "lavfi", "-i", f"gradients=s={w}x{h}:n=6:speed=0.00001:seed=7",
        "-filter_complex",
        "[0:v]format=yuv420p[m];[1:v]format=yuv420p[g];"
        "[m][g]blend=all_mode=overlay,noise=alls=30:allf=u",
        "-frames:v", "1", "-pix_fmt", "yuv420p", str(canvas),
    ])  # fmt: skip
    folders = {name: workdir / name for name in ("720p30", "160p30")}
    for folder in folders.values():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    id3 = _id3_source(workdir)
    frames = round(show_s * 30)
    run_command([
        "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-i", str(canvas), "-f", "lavfi", "-i", SPEECH,
        *(["-i", str(id3)] if id3 else ["-f", "lavfi", "-i", "nullsrc=s=16x16"]),
        "-filter_complex", _picture_graph(frames),
        # Each output its own -t: an output option before the first output binds to it only.
        *_rendition_args("v720", "2500k", folders["720p30"], show_s),
        *_rendition_args("v160", "230k", folders["160p30"], show_s),
    ])  # fmt: skip
    top, small = workdir / "720p30.ts", workdir / "160p30.ts"
    segments = _join(folders["720p30"], top)
    _join(folders["160p30"], small)
    info = probe(top)
    return (
        top,
        small,
        {
            "name": "high-entropy",
            "path": str(top),
            "tracking_rendition": str(small),
            "made_by": "bench.clip_render.high_entropy_source (ffmpeg lavfi, see its docstring)",
            "rendition": "720p30 1280x720 2500 kb/s (veryfast, main, 2 s closed GOPs)",
            "duration_s": round(info.duration_s, 3),
            "size_bytes": info.size_bytes,
            "segments": segments,
            "streams": _streams(top),
            "timed_id3_from": str(id3) if id3 else None,
            "drawtext": FONT.is_file(),
            "prepare_s": round(time.perf_counter() - began, 1),
        },
    )


def fixture_source(workdir: Path) -> tuple[Path, Path, dict[str, Any]]:
    """The real IVS recording's 160p30 rendition, joined; it is also its own tracking copy."""
    workdir.mkdir(parents=True, exist_ok=True)
    top = workdir / "ivs-160p30.ts"
    segments = _join(FIXTURE_160P, top)
    info = probe(top)
    return (
        top,
        top,
        {
            "name": "ivs-160p",
            "path": str(top),
            "tracking_rendition": str(top),
            "made_by": f"the segments of {FIXTURE_160P} joined",
            "rendition": f"160p30 {info.width}x{info.height} (a real Amazon IVS recording)",
            "duration_s": round(info.duration_s, 3),
            "size_bytes": info.size_bytes,
            "segments": segments,
            "streams": _streams(top),
        },
    )


def _streams(path: Path) -> list[str]:
    data = ffprobe_json(path, ["-show_entries", "stream=codec_type,codec_name"])
    return [f"{s['codec_type']}:{s['codec_name']}" for s in data.get("streams", [])]


def audio_loudness(path: Path, start_s: float, end_s: float) -> dict[str, float]:
    """Integrated loudness and LRA of the clip's span of the source, as ebur128 reads them."""
    done = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-ss", f"{start_s:.3f}",
         "-t", f"{end_s - start_s:.3f}", "-i", str(path), "-map", "0:a:0",
         "-af", "ebur128=framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    found: dict[str, float] = {}
    for line in summary.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("I:", "LRA:"):
            found[parts[0].rstrip(":")] = float(parts[1])
    return {
        "integrated_lufs": found.get("I", float("nan")),
        "lra_lu": found.get("LRA", float("nan")),
    }


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
    # Module settings of liveclips.media.render swapped in for this case (earlier settings).
    settings: tuple[tuple[str, Any], ...] = ()


# The worker's own settings on 2 vCPU: one encode (no chunks), tracking in 160p.
VERTICAL: tuple[Case, ...] = (
    Case("ours-vertical", "ours vertical, all outputs (as the worker on 2 vCPU)", "ours",
         "vertical", RenderOptions(chunk_s=None), "naive-vertical"),
    Case("naive-vertical", "naive vertical (issue 22's command)", "naive", "vertical"),
)  # fmt: skip
EXTRA: tuple[Case, ...] = (
    Case("ours-vertical-track720", "ours vertical, all outputs, tracking in the 720p", "ours",
         "vertical", RenderOptions(chunk_s=None), "naive-vertical", track_small=False),
    Case("ours-vertical-chunks", "ours vertical, all outputs, parallel 10 s chunks", "ours",
         "vertical", RenderOptions(chunk_s=10.0, workers=2), "naive-vertical"),
)  # fmt: skip
# What the render used before issue 22: superfast crf 21, lanczos scaling.
PREVIOUS = Case("ours-vertical-previous", "ours vertical, before (superfast crf 21, lanczos)",
                "ours", "vertical", RenderOptions(chunk_s=None), "naive-vertical",
                settings=(("X264", ("-c:v", "libx264", "-preset", "superfast", "-crf", "21",
                                    "-pix_fmt", "yuv420p")),
                          ("SCALE_FLAGS", "lanczos")))  # fmt: skip
LANDSCAPE: tuple[Case, ...] = (
    Case("ours-landscape", "ours landscape smart cut, all outputs", "ours", "landscape",
         RenderOptions(outputs=True), "naive-landscape"),
    Case("naive-landscape", "naive landscape (full re-encode)", "naive", "landscape"),
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    top: Path
    small: Path


def cpu_seconds() -> float:
    """CPU time of this process (subject tracking runs in it) and of its finished children
    (every ffmpeg): unlike wall time, hardly moved by what else the machine runs."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(case: Case, source: Source, start_s: float, end_s: float, out: Path) -> dict[str, Any]:
    cpu_before = cpu_seconds()
    result = _measure(case, source, start_s, end_s, out)
    return {**result, "cpu_s": round(cpu_seconds() - cpu_before, 3)}


def _measure(case: Case, source: Source, start_s: float, end_s: float, out: Path) -> dict[str, Any]:
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
    saved = [(name, getattr(render_module, name)) for name, _ in case.settings]
    for name, value in case.settings:
        setattr(render_module, name, value)
    began = time.perf_counter()
    try:
        rendered = _render_ours(case, source, start_s, end_s, out)
    finally:
        for name, value in saved:
            setattr(render_module, name, value)
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 3), **_describe(rendered)}


def _render_ours(
    case: Case, source: Source, start_s: float, end_s: float, out: Path
) -> RenderedClip:
    assert case.options is not None
    # The renditions are joined from the same segments: the clip starts at the same time.
    return render_clip(
        source.top,
        start_s=start_s,
        end_s=end_s,
        chosen=preset(case.preset),
        out_dir=out,
        options=case.options,
        tracking=TrackingCopy(source.small, start_s) if case.track_small else None,
    )


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


# --- quality of the x264 settings ------------------------------------------------------

# (name, x264 arguments, scale flags): what the speed cases encode with.
QUALITY_SETTINGS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("ours now", render_module.X264[:-2], render_module.SCALE_FLAGS),
    ("ours before", ("-c:v", "libx264", "-preset", "superfast", "-crf", "21"), "lanczos"),
    ("naive", ("-c:v", "libx264", "-preset", "veryfast"), "bicubic"),
)


def quality(source: Path, start_s: float, duration_s: float, out: Path) -> dict[str, Any]:
    """SSIM and PSNR of each setting's encode of the same centre crop against that crop
    scaled without compression (lanczos, the best of the scalers): the same frames, the same
    reference for all, so only the encode settings (and scaler) differ."""
    out.mkdir(parents=True, exist_ok=True)
    crop = "crop=ih*9/16:ih"
    scores: dict[str, Any] = {}
    for name, x264, flags in QUALITY_SETTINGS:
        encoded = out / f"quality-{name.replace(' ', '-')}.mp4"
        run_command([
            "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-ss", f"{start_s:.3f}", "-t", f"{duration_s:.3f}", "-i", str(source),
            "-an", "-vf", f"{crop},scale=720:1280:flags={flags}", *x264,
            "-pix_fmt", "yuv420p", str(encoded),
        ])  # fmt: skip
        done = subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-i", str(encoded),
             "-ss", f"{start_s:.3f}", "-t", f"{duration_s:.3f}", "-i", str(source),
             "-lavfi", f"[1:v]{crop},scale=720:1280:flags=lanczos,format=yuv420p[ref];"
             "[0:v]format=yuv420p,split[a][b];[ref]split[r1][r2];"
             "[a][r1]ssim;[b][r2]psnr", "-f", "null", "-"],
            capture_output=True, text=True, check=True, timeout=600,
        )  # fmt: skip
        lines = done.stderr.splitlines()
        ssim = next(line for line in lines if "SSIM Y:" in line)
        psnr = next(line for line in lines if "PSNR y:" in line)
        scores[name] = {
            "x264": " ".join(x264),
            "scale": flags,
            "ssim_all": float(ssim.split("All:")[1].split()[0]),
            "psnr_avg_db": float(psnr.split("average:")[1].split()[0]),
            "kbit_s": round(encoded.stat().st_size * 8 / duration_s / 1000),
        }
    return scores


# --- the run -----------------------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.clip_render", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="measurements per case (default 5)")
    parser.add_argument("--clip-s", type=float, default=30.0, help="clip length (default 30)")
    parser.add_argument(
        "--start-s",
        type=float,
        default=15.3,
        help="clip start in each source (default 15.3: not on a keyframe)",
    )
    parser.add_argument("--show-s", type=float, default=50.0, help="made source length (50)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (out/bench)")
    parser.add_argument("--no-stages", action="store_true", help="skip the stage timelines")
    parser.add_argument("--no-fixture", action="store_true", help="skip the real 160p source")
    parser.add_argument("--extra", action="store_true", help="add tracking-in-720p and chunks")
    parser.add_argument("--previous", action="store_true", help="add the pre-issue-22 settings")
    parser.add_argument("--landscape", action="store_true", help="add the landscape cases")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.clip_s <= 0 or args.start_s < 0:
        parser.error("--runs must be >= 1, --clip-s > 0, --start-s >= 0")
    if args.start_s + args.clip_s > args.show_s - 1:
        parser.error("the clip must end at least 1 s before the end of the show (--show-s)")
    return args


@dataclass(frozen=True)
class Planned:
    source_name: str
    case: Case

    @property
    def key(self) -> str:
        return f"{self.source_name}/{self.case.key}"


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    start_s, end_s = args.start_s, args.start_s + args.clip_s
    uptime_before = _uptime()
    sources: dict[str, Source] = {}
    described: dict[str, dict[str, Any]] = {}
    with console.status("making the high-entropy IVS-like source (ffmpeg lavfi)..."):
        top, small, info = high_entropy_source(out / "render-show", args.show_s)
    sources[info["name"]], described[info["name"]] = Source(top, small), info
    if not args.no_fixture and FIXTURE_160P.is_dir():
        top, small, info = fixture_source(out / "render-fixture")
        sources[info["name"]], described[info["name"]] = Source(top, small), info
    for name, info in described.items():
        info["clip_audio"] = audio_loudness(sources[name].top, start_s, end_s)
        console.print(
            f"source {name}: {info['path']} ({info['duration_s']:.1f} s, {info['rendition']},"
            f" streams {', '.join(info['streams'])}; clip audio {info['clip_audio']})"
        )
    cases = (
        VERTICAL
        + ((PREVIOUS,) if args.previous else ())
        + (EXTRA if args.extra else ())
        + (LANDSCAPE if args.landscape else ())
    )
    plan = [Planned(name, case) for name in sources for case in cases]
    samples: dict[str, list[dict[str, Any]]] = {p.key: [] for p in plan}
    loads: list[list[float]] = []
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("rendering", total=args.runs * len(plan))
        for run in range(args.runs):
            shift = run % len(plan)
            order = plan[shift:] + plan[:shift]
            loads.append(loadavg())
            for item in order:
                progress.update(task, description=f"run {run + 1}/{args.runs}: {item.key}")
                result = measure(
                    item.case, sources[item.source_name], start_s, end_s,
                    out / "render" / item.source_name / item.case.key,
                )  # fmt: skip
                result["run"] = run
                result["load1"] = loadavg()[0]
                samples[item.key].append(result)
                progress.console.print(
                    f"  run {run + 1} {item.key:<34} {result['seconds']:6.2f} s"
                    f"  (load {result['load1']:.2f})"
                )
                progress.advance(task)
        loads.append(loadavg())

    stages: dict[str, Any] = {}
    if not args.no_stages:
        with console.status("one more run of ours vertical per source with the stage timeline"):
            for name, source in sources.items():
                stages[f"{name}/ours-vertical"] = stages_of(
                    VERTICAL[0], source, start_s, end_s, out / "render" / name / "ours-vertical"
                )
    uptime_after = _uptime()
    results = _results(args, described, plan, samples, loads, stages)
    results["uptime"] = {"before": uptime_before, "after": uptime_after}
    path = out / RESULTS
    path.write_text(json.dumps(results, indent=2) + "\n")
    print_results(results)
    console.print(f"uptime before: {uptime_before}\nuptime after:  {uptime_after}")
    console.print(f"results: [bold]{path}[/]")


def _uptime() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True, check=False, timeout=10)
    return done.stdout.strip()


def _results(  # noqa: PLR0917 - one call site, every argument a different table
    args: argparse.Namespace,
    described: dict[str, dict[str, Any]],
    plan: list[Planned],
    samples: dict[str, list[dict[str, Any]]],
    loads: list[list[float]],
    stages: dict[str, Any],
) -> dict[str, Any]:
    start_s, end_s = args.start_s, args.start_s + args.clip_s
    cases: dict[str, Any] = {}
    for item in plan:
        case, runs = item.case, samples[item.key]
        figures = stats([r["seconds"] for r in runs])
        entry: dict[str, Any] = {
            "source": item.source_name,
            "label": case.label,
            "kind": case.kind,
            "preset": case.preset,
            "stats_s": figures,
            "cpu_stats_s": stats([r["cpu_s"] for r in runs]),
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
                "tracking": "160p rendition" if case.track_small else "the source itself",
                "x264": " ".join(dict(case.settings).get("X264", render_module.X264)),
            }
            for field in ("cut_mode", "pieces", "copied_s", "encoded_s", "loudness_mode"):
                entry[field] = runs[0][field]
        cases[item.key] = entry
    for item in plan:
        if item.case.baseline:
            baseline = f"{item.source_name}/{item.case.baseline}"
            naive_runs = {r["run"]: r["seconds"] for r in samples[baseline]}
            ours_runs = {r["run"]: r["seconds"] for r in samples[item.key]}
            entry = cases[item.key]
            entry["naive_over_ours_p50"] = round(
                cases[baseline]["stats_s"]["p50"] / entry["stats_s"]["p50"], 2
            )
            entry["naive_over_ours_cpu_p50"] = round(
                cases[baseline]["cpu_stats_s"]["p50"] / entry["cpu_stats_s"]["p50"], 2
            )
            # The same run's naive over ours: both met the same load.
            entry["naive_over_ours_per_run"] = [
                round(naive_runs[run] / ours_runs[run], 2) for run in sorted(ours_runs)
            ]
    return {
        "bench": "clip_render",
        "command": f"python -m bench.clip_render --runs {args.runs} --clip-s {args.clip_s:g}"
        f" --show-s {args.show_s:g}",
        "machine": machine(),
        "load_per_run": loads,
        "sources": described,
        "clip": {"start_s": start_s, "end_s": end_s, "duration_s": args.clip_s},
        "cases": cases,
        "stages": stages,
    }


def print_results(results: dict[str, Any]) -> None:
    clip_s = results["clip"]["duration_s"]
    first = next(iter(results["cases"].values()))
    table = Table(
        title=f"{clip_s:g} s clip render, {first['stats_s']['n']} runs each,"
        f" {results['machine']['nproc']} vCPU ({results['machine']['cpu_model']})"
    )
    columns = (
        "case", "p50 s", "p95 s", "max s", "x RT", "naive/ours", "per run", "CPU s p50",
        "naive/ours CPU", "cut",
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column[0] in "cp" else "right")
    for key, entry in results["cases"].items():
        figures = entry["stats_s"]
        cut = "-"
        if entry["kind"] == "ours":
            cut = (
                f"{entry['cut_mode']} {entry['pieces']}p"
                f" {entry['copied_s']:.1f}/{entry['encoded_s']:.1f} {entry['loudness_mode']}"
            )
        ratio = entry.get("naive_over_ours_p50")
        per_run = entry.get("naive_over_ours_per_run")
        table.add_row(
            key,
            f"{figures['p50']:.2f}",
            f"{figures['p95']:.2f}",
            f"{figures['max']:.2f}",
            f"{entry['x_realtime_p50']:.2f}x",
            "-" if ratio is None else f"{ratio:.2f}",
            "-" if per_run is None else " ".join(f"{r:.2f}" for r in per_run),
            f"{entry['cpu_stats_s']['p50']:.2f}",
            f"{entry['naive_over_ours_cpu_p50']:.2f}" if ratio is not None else "-",
            cut,
        )
    console.print(table)
    console.print(
        "  x RT = clip seconds / p50 seconds; naive/ours = naive p50 / ours p50 (>= 1: ours no"
        f" slower); load average per run: {results['load_per_run']}"
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
