"""bench/shows.py's results: the table, out/bench/shows.json and the picture."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from bench.show_accounting import Clip, ShowAccount, max_overlap, summarize

TARGET_RENDERED_P95_S = 10.0  # DESIGN: rendered clip p95 <= 10 s


def moment_rows(account: ShowAccount) -> list[dict[str, Any]]:
    return [
        {
            "start_s": m.moment.start_s,
            "end_s": m.moment.end_s,
            "highlights": list(m.highlight_ids),
            "feed_clips": list(m.clip_ids),
            "lost": m.lost,
            "detected_s": m.detected_s,
            "instant_s": m.instant_s,
            "rendered_s": m.rendered_s,
        }
        for m in account.moments
    ]


def clip_rows(clips: list[Clip], t0: float) -> list[dict[str, Any]]:
    """Each clip row, its times in seconds from the show's start (wall clock)."""

    def since(at: float | None) -> float | None:
        return None if at is None else round(at - t0, 2)

    return [
        {
            "highlight_id": c.highlight_id,
            "preset": c.preset,
            "state": c.state,
            "start_s": c.start_s,
            "end_s": c.end_s,
            "published_at_s": since(c.published_at),
            "rendered_at_s": since(c.rendered_at),
            "render_s": None if c.render_s is None else round(c.render_s, 2),
        }
        for c in sorted(clips, key=lambda c: c.rendered_at or c.published_at or 0.0)
    ]


def render_figures(clips: Sequence[Clip], presets: Sequence[str]) -> dict[str, Any]:
    """render_clip()'s own seconds per preset, and how many renders ever ran at once."""
    spans = [
        (c.rendered_at - c.render_s, c.rendered_at)
        for c in clips
        if c.rendered_at is not None and c.render_s is not None
    ]
    return {
        "max_concurrent_renders": max_overlap(spans),
        "worker_render_s": {
            p: summarize(c.render_s for c in clips if c.preset == p) for p in presets
        },
    }


def _fig(figure: dict[str, float] | None) -> list[str]:
    if figure is None:
        return ["-", "-", "-"]
    return [f"{figure['p50']:.1f}", f"[bold]{figure['p95']:.1f}[/]", f"{figure['max']:.1f}"]


def _events(r: dict[str, Any]) -> str:
    """clip.published seen / expected (absent in results older than the field)."""
    if "clip_published_events" not in r:
        return "-"
    return f"{r['clip_published_events']}/{r['clip_published_expected']}"


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right")
    return table


def print_results(results: dict[str, Any], console: Console) -> None:
    counts = _table(
        "N concurrent live shows: what became of the planted moments",
        ("N", "failed shows", "moments", "lost", "presets missing", "dup clips",
         "dup highlights", "false alarms", "dup events (seen/expected)", "dead letters",
         "approved", "renders at once", "settled"),
    )  # fmt: skip
    latency = _table(
        "moment end -> clip, seconds (p50 / p95 / max)",
        ("N", "detected p50", "p95", "max", "instant p50", "p95", "max", "rendered p50",
         "p95", "max", "decision -> instant max", "decision -> rendered p95", "studio lag",
         "load 1m start -> end"),
    )  # fmt: skip
    for r in results["rounds"]:
        t = r["totals"]
        lag = max((s.get("studio_lag_max_s", 0.0) for s in r["shows"]), default=0.0)
        counts.add_row(
            *(str(v) for v in (r["n"], r["failed_shows"], t["moments"], t["lost"])),
            *(str(t[k]) for k in ("presets_missing", "duplicate_clips", "duplicate_highlights")),
            str(t["extra_highlights"]),
            f"{len(r['clip_published_repeats'])} ({_events(r)})",
            str(len(r["dead_letters"])),
            str(r["approved_marquee"]),
            str(r.get("max_concurrent_renders", "-")),
            "yes" if r["settle"]["settled"] else "[red]timed out[/]",
        )
        latency.add_row(
            str(r["n"]),
            *_fig(t["detected_s"]),
            *_fig(t["instant_s"]),
            *_fig(t["rendered_s"]),
            _fig(t.get("decision_to_instant_s"))[2],
            _fig(t.get("decision_to_rendered_s"))[1],
            f"{lag:.1f}",
            f"{r['load_start'][0]:.2f} -> {r['load_end'][0]:.2f}",
        )
    console.print(counts)
    console.print(latency)


def save(results: dict[str, Any], json_path: Path, picture: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if results["rounds"]:
        picture.parent.mkdir(parents=True, exist_ok=True)
        draw(results, picture)


def draw(results: dict[str, Any], path: Path) -> None:
    """p95 (and p50) moment -> clip latency against N, and lost / duplicated against N."""
    rounds = results["rounds"]
    ns = [r["n"] for r in rounds]
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    FigureCanvasAgg(figure)
    latency, errors = figure.subplots(1, 2, width_ratios=(3, 2))
    for key, label, colour in (
        ("rendered_s", "rendered (RenderedAt)", "#2f6fd6"),
        ("instant_s", "instant (PublishedAt)", "#2e9b4f"),
        ("detected_s", "highlight stored", "#9a9a9a"),
    ):
        figures = [r["totals"][key] for r in rounds]
        xs = [n for n, f in zip(ns, figures, strict=True) if f]
        latency.plot(xs, [f["p95"] for f in figures if f], "o-", color=colour, label=f"{label} p95")
        latency.plot(xs, [f["p50"] for f in figures if f], "o:", color=colour, alpha=0.6)
    latency.axhline(TARGET_RENDERED_P95_S, color="#d64541", lw=1, ls="--", label="10 s target")
    latency.set(xlabel="concurrent shows N", ylabel="moment end → clip (s)", xticks=ns)
    latency.set_ylim(bottom=0)
    latency.set_title("moment → clip latency (solid p95, dotted p50)", fontsize=10)
    latency.legend(fontsize=8)
    width = 0.2
    for k, (key, label) in enumerate(
        (
            ("lost", "lost moments"),
            ("presets_missing", "presets missing"),
            ("duplicate_clips", "duplicate clips"),
            ("duplicate_highlights", "duplicate highlights"),
        )
    ):
        xs = [n + (k - 1.5) * width for n in ns]
        errors.bar(xs, [r["totals"][key] for r in rounds], width, label=label)
    errors.set(xlabel="concurrent shows N", ylabel="count", xticks=ns)
    moments = ", ".join(str(r["totals"]["moments"]) for r in rounds)
    errors.set_title(f"lost / duplicated (moments planted: {moments})", fontsize=10)
    errors.set_ylim(bottom=0, top=max(1, *(r["totals"]["moments"] for r in rounds)))
    errors.legend(fontsize=8)
    keys = ("lost", "presets_missing", "duplicate_clips", "duplicate_highlights")
    if not any(r["totals"][k] for r in rounds for k in keys):
        errors.text(0.5, 0.4, "none in any round", transform=errors.transAxes, ha="center")
    figure.savefig(path, dpi=110)
