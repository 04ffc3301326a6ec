"""`liveclips highlights`: run the detector on labelled shows, as if live, and score it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evaluation.metrics import IOU_THRESHOLD, ShowScore, total
from evaluation.runner import ShowResult, detect, evaluate_show, p95
from evaluation.show import ShowFormatError, find_shows, load_show
from evaluation.timeline import draw_timeline
from media.ffmpeg import MediaError

highlights_app = typer.Typer(
    help="Highlight detection on labelled shows: detect, and evaluate against labels.",
    no_args_is_help=True,
)
console = Console()
DEFAULT_OUT = Path("out/eval")


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@highlights_app.command("detect")
def detect_command(
    show_dir: Annotated[Path, typer.Argument(help="A labelled show directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Detect highlights in one show, second by second as the live path would."""
    try:
        detections = detect(load_show(show_dir))
    except (ShowFormatError, MediaError) as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from exc
    rows = [
        {"start": round(d.start_s, 2), "end": round(d.end_s, 2), "score": round(d.score, 3)}
        for d in detections
    ]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    table = Table("start", "end", "score", "kind", "decided at", title=str(show_dir))
    for d in detections:
        kind = f"{d.kind} (marquee)" if d.marquee else d.kind
        table.add_row(
            _fmt(d.start_s, 1), _fmt(d.end_s, 1), _fmt(d.score, 3), kind, _fmt(d.decided_at_s, 1)
        )
    console.print(table)


def _score_cells(score: ShowScore) -> list[str]:
    return [
        str(score.labels),
        str(score.detections),
        str(score.hits),
        _fmt(score.precision),
        _fmt(score.recall),
        _fmt(score.f1),
        _fmt(score.mean_boundary_error_s, 1),
    ]


# One letter per signal source keeps the table inside an 80-column terminal.
_SIGNAL_CODES = {"video": "v", "chat": "c", "viewers": "w", "markers": "m", "picks": "p"}


def _table(results: list[ShowResult], totals: ShowScore) -> Table:
    legend = ", ".join(f"{code}={name}" for name, code in _SIGNAL_CODES.items())
    table = Table(title=f"highlights at IoU >= {IOU_THRESHOLD}", caption=f"signals: {legend}")
    table.add_column("show", no_wrap=True)
    table.add_column("sig", no_wrap=True)
    for name in ("labels", "found", "hits", "P", "R", "F1", "err s"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in results:
        codes = "".join(_SIGNAL_CODES.get(name, "?") for name in r.show.signals())
        table.add_row(r.show.id, codes, *_score_cells(r.score))
    table.add_section()
    table.add_row(f"total ({len(results)})", "", *_score_cells(totals), style="bold")
    return table


@highlights_app.command("eval")
def eval_command(
    shows_dir: Annotated[Path, typer.Argument(help="A directory of labelled show directories.")],
    out: Annotated[Path, typer.Option(help="Where the timeline PNGs go.")] = DEFAULT_OUT,
) -> None:
    """Score the detector on every labelled show: precision, recall, F1, boundary error."""
    show_dirs = find_shows(shows_dir)
    if not show_dirs:
        console.print(f"[red]error:[/] no show directories (with show.json) in {shows_dir}")
        raise typer.Exit(code=2)
    results: list[ShowResult] = []
    failed: list[str] = []
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task("evaluating", total=len(show_dirs))
        for show_dir in show_dirs:
            progress.update(task, description=f"evaluating {show_dir.name}")
            try:
                result = evaluate_show(show_dir)
                draw_timeline(result, out / f"{result.show.id}.png")
                results.append(result)
            except (ShowFormatError, MediaError) as exc:
                failed.append(show_dir.name)
                progress.console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
            progress.advance(task)
    totals = total(r.score for r in results)
    delays = [d for r in results for d in r.delays_s]
    console.print(_table(results, totals))
    console.print(
        f"precision {totals.precision:.3f}  recall {totals.recall:.3f}  F1 {totals.f1:.3f}  "
        f"mean boundary error {_fmt(totals.mean_boundary_error_s)} s  "
        f"(start {_fmt(totals.mean_start_error_s)} s, end {_fmt(totals.mean_end_error_s)} s)  "
        f"decision delay after moment end p95 {_fmt(p95(delays), 1)} s",
        soft_wrap=True,
    )
    console.print(f"timelines in {out}/")
    if failed:
        console.print(f"[red]{len(failed)} show(s) could not be evaluated:[/] {', '.join(failed)}")
        raise typer.Exit(code=1)
