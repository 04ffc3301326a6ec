"""`build` wires a source into the engagement transforms and the sinks; `run` is the job's
entry point: `python -m pipelines.engagement.pipeline --mode batch --input 'events*.jsonl'`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.pvalue import PCollection
from apache_beam.runners.runner import PipelineResult
from apache_beam.transforms import window

from pipelines.engagement import direct_metrics, io
from pipelines.engagement.tables import COLUMNS
from pipelines.engagement.transforms import DEAD_LETTERS, Engagement
from pipelines.engagement.windows import ALLOWED_LATENESS_S

LOCAL_RUNNERS = frozenset({"DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner"})


@dataclass(frozen=True)
class Options:
    mode: str  # "streaming" | "batch"
    sink: str = "spanner"  # "spanner" | "jsonl" (local runs and benchmarks) | "none"
    out: str = "out/analytics"  # batch: dead-letter.jsonl (and rows.jsonl) go here
    spanner_project: str = "liveclips-local"
    spanner_instance: str = "liveclips"
    spanner_database: str = "analytics"
    pubsub_project: str = "liveclips-local"  # where the dead-letter topic is
    allowed_lateness_s: int = ALLOWED_LATENESS_S

    @property
    def batch(self) -> bool:
        return self.mode == "batch"


def build(
    p: beam.Pipeline | PCollection[Any], source: beam.PTransform[Any, Any], options: Options
) -> None:
    """source: raw event rows (bytes or str), e.g. io.read_files, io.read_pubsub, TestStream."""
    raw = p | "Read" >> source
    out = raw | "Engagement" >> Engagement(
        batch=options.batch, lateness_s=options.allowed_lateness_s
    )
    tables = {name: rows for name, rows in out.items() if name in COLUMNS}
    dead = out[DEAD_LETTERS]
    if options.sink == "spanner":
        # One writer per table: its rows keep their window and pane, which the writer
        # uses to keep only a key's latest pane.
        for name, rows in tables.items():
            _ = rows | f"Upsert_{name}" >> beam.ParDo(
                io.UpsertToSpanner(
                    options.spanner_project, options.spanner_instance, options.spanner_database
                )
            )
    elif options.sink == "jsonl":
        lines = [
            rows | f"Json_{name}" >> beam.ParDo(io.RowToJson()) | f"Global_{name}" >> _global()
            for name, rows in tables.items()
        ]
        _ = (
            lines
            | "AllRows" >> beam.Flatten()
            | "RowsFile" >> io.WriteJsonl(str(Path(options.out) / "rows.jsonl"))
        )
    if options.batch:
        _ = (
            dead
            | "DeadLetterJson" >> beam.Map(io.dead_letter_json)
            | "DeadLetterFile" >> io.WriteJsonl(str(Path(options.out) / "dead-letter.jsonl"))
        )
    else:
        _ = dead | "ToDeadLetter" >> beam.ParDo(io.PublishDeadLetters(options.pubsub_project))


def _global() -> beam.WindowInto:
    return beam.WindowInto(window.GlobalWindows())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("streaming", "batch"), required=True)
    parser.add_argument("--input", help="batch: a file glob of JSONL player events")
    parser.add_argument("--subscription", help="streaming: projects/P/subscriptions/S")
    parser.add_argument("--sink", choices=("spanner", "jsonl", "none"), default="spanner")
    parser.add_argument("--out", default="out/analytics")
    parser.add_argument("--spanner_project", default="liveclips-local")
    parser.add_argument("--spanner_instance", default="liveclips")
    parser.add_argument("--spanner_database", default="analytics")
    parser.add_argument("--allowed_lateness_s", type=int, default=ALLOWED_LATENESS_S)
    return parser


def start(argv: Sequence[str] | None = None) -> PipelineResult:
    """Parse the job's own flags (the rest are Beam's), build, and start; not awaited."""
    known, beam_args = _parser().parse_known_args(argv)
    beam_options = PipelineOptions(beam_args)
    standard = beam_options.view_as(StandardOptions)
    standard.runner = standard.runner or "BundleBasedDirectRunner"
    standard.streaming = known.mode == "streaming"
    options = Options(
        mode=known.mode,
        sink=known.sink,
        out=known.out,
        spanner_project=known.spanner_project,
        spanner_instance=known.spanner_instance,
        spanner_database=known.spanner_database,
        pubsub_project=os.environ.get("LIVECLIPS_GCP_PROJECT", known.spanner_project),
        allowed_lateness_s=known.allowed_lateness_s,
    )
    if options.batch:
        if not known.input:
            raise SystemExit("--mode batch needs --input")
        source = io.read_files(known.input)
    else:
        if not known.subscription:
            raise SystemExit("--mode streaming needs --subscription")
        source = io.read_pubsub(known.subscription, direct_runner=standard.runner in LOCAL_RUNNERS)
    if standard.runner in LOCAL_RUNNERS:
        direct_metrics.apply()  # else its counters lose every bundle after a step's first
    p = beam.Pipeline(options=beam_options)
    build(p, source, options)
    return p.run()


def run(argv: Sequence[str] | None = None) -> PipelineResult:
    result = start(argv)
    result.wait_until_finish()
    return result


if __name__ == "__main__":
    run(sys.argv[1:])
