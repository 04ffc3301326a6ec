"""`liveclips analytics`: the engagement job's backfill, and synthetic events to feed it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

analytics_app = typer.Typer(
    help="Engagement analytics: backfill the Spanner `analytics` tables from event files.",
    no_args_is_help=True,
)
console = Console()
_POLL_S = 0.25


def _counter(result: Any, name: str) -> int:
    from apache_beam.metrics.metric import MetricsFilter  # noqa: PLC0415  (slow import)

    from pipelines.engagement.events import NAMESPACE  # noqa: PLC0415

    found = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE).with_name(name))
    # attempted, not committed: it moves as bundles finish, which is what a bar is for
    return sum(c.attempted or 0 for c in found["counters"])


@analytics_app.command("backfill")
def backfill(
    events: Annotated[Path, typer.Argument(help="JSONL player events (a glob is fine too).")],
    out: Annotated[Path, typer.Option(help="Dead letters (and rows with --sink jsonl).")] = Path(
        "out/analytics"
    ),
    sink: Annotated[str, typer.Option(help="spanner | jsonl | none")] = "spanner",
    spanner_project: Annotated[str, typer.Option(envvar="LIVECLIPS_GCP_PROJECT")] = (
        "liveclips-local"
    ),
) -> None:
    """Run the batch pipeline over EVENTS into Spanner `analytics` (idempotent: a re-run
    overwrites the same rows). Needs SPANNER_EMULATOR_HOST locally (`liveclips local env`)."""
    from pipelines.engagement.pipeline import start  # noqa: PLC0415  (Beam imports in ~2 s)

    files = sorted(Path().glob(str(events))) if any(c in str(events) for c in "*?[") else [events]
    if not files or not all(f.is_file() for f in files):
        console.print(f"[red]error:[/] no such file: {events}")
        raise typer.Exit(code=2)
    with console.status("counting lines"):
        total = sum(sum(1 for line in f.open("rb") if line.strip()) for f in files)
    argv = [
        "--mode",
        "batch",
        "--input",
        str(events),
        "--out",
        str(out),
        "--sink",
        sink,
        "--spanner_project",
        spanner_project,
    ]
    result = start(argv)
    failure: list[BaseException] = []

    def wait() -> None:
        try:
            result.wait_until_finish()
        except BaseException as exc:  # noqa: BLE001  (re-raised in the main thread)
            failure.append(exc)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        # What Beam can report honestly: rows parsed (the bar), then rows written (the
        # aggregates only exist once the watermark reaches the end of the input).
        read = progress.add_task("events read", total=total)
        written = progress.add_task(f"rows written ({sink})", total=None)
        while waiter.is_alive():
            parsed = _counter(result, "events") + _counter(result, "bad_rows")
            progress.update(read, completed=min(parsed, total))
            progress.update(written, completed=_counter(result, "rows_written"))
            time.sleep(_POLL_S)
        waiter.join()
        if failure:
            raise failure[0]
        progress.update(read, completed=total)
        progress.update(written, completed=_counter(result, "rows_written"))
    good, bad = _counter(result, "events"), _counter(result, "bad_rows")
    console.print(
        f"{good} events, {bad} bad rows (dead letters: {out / 'dead-letter.jsonl'}),"
        f" {_counter(result, 'rows_written')} rows written ({sink})"
    )


@analytics_app.command("generate")
def generate(
    n: Annotated[int, typer.Argument(help="How many lines.", min=1)],
    out: Annotated[Path, typer.Option(help="Where to write the JSONL.")] = Path(
        "out/analytics/events.jsonl"
    ),
    seed: Annotated[int, typer.Option()] = 7,
    hours: Annotated[float, typer.Option(help="Span of the events.")] = 2.0,
) -> None:
    """Write N synthetic player events (live viewers, VOD sessions, a clip feed, stalls,
    resent duplicates and ~0.5 % bad rows) for demos and the benchmark."""
    from pipelines.engagement import synthetic  # noqa: PLC0415

    lines = synthetic.events(n, seed=seed, span_s=hours * 3600)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    console.print(f"wrote {len(lines)} events to {out}")
