"""`liveclips highlights`: run the detector on labelled shows, as if live, and score it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from liveclips.media.ffmpeg import MediaError
from liveclips_dev.evaluation.importers import (
    ChatFormat,
    ImportFailed,
    ImportOptions,
    ImportReport,
    import_show,
)
from liveclips_dev.evaluation.importers.irc import parse_clock
from liveclips_dev.evaluation.importers.show_dir import REJECTED_FILE
from liveclips_dev.evaluation.metrics import IOU_THRESHOLD, ShowScore, total
from liveclips_dev.evaluation.runner import ShowResult, detect, evaluate_show, p95
from liveclips_dev.evaluation.show import ShowFormatError, find_shows, load_show
from liveclips_dev.evaluation.timeline import draw_timeline

highlights_app = typer.Typer(
    help="Highlight detection on labelled shows: detect, evaluate against labels, import.",
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


BIG_IMPORT = 20_000  # records; below this the import is over before a bar would draw


def _clock(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_clock(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--start") from exc


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {why}" for why, n in counts.items())


def _print_import(report: ImportReport, out: Path) -> None:
    span = (
        f"t {report.first_t:.1f}-{report.last_t:.1f} s of {report.duration_s:.1f} s "
        f"(duration from {report.duration_from})"
        if report.first_t is not None and report.last_t is not None and report.duration_s
        else "no time range"
    )
    console.print(
        f"{report.source} ({report.format}): {report.messages} messages, "
        f"{report.notices} notices, {report.users} users, {report.rejected} rejected; {span}",
        highlight=False,
        soft_wrap=True,
    )
    if report.before_start or report.after_end:
        console.print(
            f"not written: {report.before_start} before the VOD start, "
            f"{report.after_end} after its end",
            highlight=False,
        )
    if report.skipped:
        console.print(f"skipped: {_counts(report.skipped)}", highlight=False, soft_wrap=True)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if (clips := report.clips) is not None:
        console.print(
            f"clips: {clips.used} of {clips.clips} used, {clips.rejected} rejected"
            + (f", skipped {_counts(clips.skipped)}" if clips.skipped else "")
            + f"; {clips.groups} groups, {clips.kept} kept (>= {clips.min_curators} curators), "
            f"{clips.dropped} dropped; {clips.labels} labels"
            + (f" ({clips.merged} merged)" if clips.merged else "")
            + (f", {clips.outside} outside the show" if clips.outside else ""),
            highlight=False,
            soft_wrap=True,
        )
    if report.rejected:
        console.print(
            f"rejected records with their reasons: {out / REJECTED_FILE}",
            highlight=False,
            soft_wrap=True,
        )


@highlights_app.command("import")
def import_command(
    chat_file: Annotated[
        Path, typer.Argument(help="A chat export.", exists=True, dir_okay=False, readable=True)
    ],
    out: Annotated[Path, typer.Option("--out", help="The show directory to write.")],
    clips: Annotated[
        Path | None,
        typer.Option(help="Twitch clips of the VOD (JSON) -> labels.json.", exists=True),
    ] = None,
    chat_format: Annotated[
        ChatFormat, typer.Option("--format", help="The export's format; auto detects it.")
    ] = ChatFormat.AUTO,
    show_id: Annotated[
        str | None, typer.Option("--id", help="The show's id (default: the file's stem).")
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option(
            help="Show length in s (default: the export's VOD length, else last message + 1)."
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(help="IRC logs: the clock time hh:mm:ss the stream started."),
    ] = None,
    min_curators: Annotated[int, typer.Option(min=1, help="Distinct clippers a moment needs.")] = 3,
    group_within: Annotated[
        float, typer.Option(min=0.0, help="Seconds between clip starts that chain a group.")
    ] = 20.0,
) -> None:
    """Import a real chat export (and viewers' clips as labels) as a labelled show."""
    if duration is not None and duration <= 0:
        raise typer.BadParameter("must be positive", param_hint="--duration")
    options = ImportOptions(
        chat=chat_file,
        out=out,
        clips=clips,
        format=chat_format,
        show_id=show_id,
        duration_s=duration,
        start_clock_s=_clock(start),
        min_curators=min_curators,
        group_within_s=group_within,
    )
    progress = Progress(
        TextColumn("importing {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(chat_file.name, total=None)

    def advance(done: int, records: int) -> None:
        if records >= BIG_IMPORT and not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=records)

    try:
        report = import_show(options, progress=advance)
    except ImportFailed as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from exc
    finally:
        if progress.live.is_started:
            progress.stop()
    _print_import(report, out)
    if report.imported == 0:
        console.print(f"[red]error:[/] nothing could be imported from {chat_file}")
        raise typer.Exit(code=1)
    console.print(f"show written to {out}/", highlight=False)
