"""Kept for old commands: `python -m liveclips_dev.evaluation.generate_rooms OUT` is
`python -m liveclips_dev.evaluation.generate OUT --kind long` (see
liveclips_dev/evaluation/generate.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from liveclips_dev.evaluation.generate import LANGUAGES, STYLES, write_room_show
from liveclips_dev.evaluation.generate import main as generate_main

__all__ = ["LANGUAGES", "STYLES", "main", "write_room_show"]


def main(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the shows into.")],
    count: Annotated[int, typer.Option(min=1, help="How many shows.")] = 4,
    seed: Annotated[int, typer.Option(help="Seed; the same seed writes the same shows.")] = 1,
    hours: Annotated[float, typer.Option(min=0.25, max=12, help="Hours per show.")] = 1.5,
) -> None:
    """Write `count` long labelled chat-only shows into OUT_DIR."""
    generate_main(out_dir, count=count, seed=seed, kind="long", hours=hours)


if __name__ == "__main__":
    typer.run(main)
