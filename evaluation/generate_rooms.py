"""`python -m evaluation.generate_rooms OUT`: long chat-only shows with real chat's mess.

Show i of a seed alternates label styles (clips, reel) and, every other pair, the room's
language (English; Traditional Chinese with English emotes), so any four shows cover all
four kinds. The same seed writes the same files byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from evaluation import formats
from evaluation.generate import write_json, write_jsonl
from evaluation.synth_room import LabelStyle, Language, generate_room_show

STYLES: tuple[LabelStyle, LabelStyle] = ("clips", "reel")
LANGUAGES: tuple[Language, Language] = ("en", "zh")


def write_room_show(out: Path, seed: int, index: int, hours: float) -> Path:
    style, language = STYLES[index % 2], LANGUAGES[(index // 2) % 2]
    show = generate_room_show(seed * 1000 + index, hours, style, language)
    show_dir = out / f"room-{seed}-{index:03d}"
    show_dir.mkdir(parents=True, exist_ok=True)
    meta = formats.ShowMeta(id=show_dir.name, duration_s=show.duration_s)
    (show_dir / formats.SHOW_FILE).write_text(meta.model_dump_json(indent=1) + "\n")
    write_json(show_dir / formats.LABELS_FILE, show.labels)
    write_jsonl(show_dir / formats.CHAT_FILE, show.chat)
    return show_dir


def main(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the shows into.")],
    count: Annotated[int, typer.Option(min=1, help="How many shows.")] = 4,
    seed: Annotated[int, typer.Option(help="Seed; the same seed writes the same shows.")] = 1,
    hours: Annotated[float, typer.Option(min=0.25, max=12, help="Hours per show.")] = 1.0,
) -> None:
    """Write `count` long labelled chat-only shows into OUT_DIR."""
    with Progress() as progress:
        task = progress.add_task("generating", total=count)
        for i in range(count):
            show_dir = write_room_show(out_dir, seed, i, hours)
            size = sum(f.stat().st_size for f in show_dir.iterdir())
            progress.console.print(f"{show_dir}  {size / 1024:.0f} KB")
            progress.advance(task)


if __name__ == "__main__":
    typer.run(main)
