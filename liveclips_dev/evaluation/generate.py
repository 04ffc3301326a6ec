"""Generate labelled synthetic shows: `python -m liveclips_dev.evaluation.generate OUT_DIR --count
N --seed S`.

Two kinds (`--kind`):

- `short` (default): 3-8 min shows with chat, viewers, markers, picks and (the first
  `--with-video`) a tiny video, all drawn from one plan (synth_plan.py).
- `long`: chat-only shows of `--hours` each (1-8 h) whose chat behaves like a real room's
  (synth_room.py); show i alternates label styles (clips, reel) and, every other pair,
  the room's language (English; Traditional Chinese with English emotes), so any four
  shows cover all four kinds.

Each short show is drawn from its own seeded random streams (one per signal), so the same
command always writes the same files, and adding video to a show leaves its chat alone.
The first `--with-video` shows get a tiny video.mp4; which other signals a show has
follows a fixed rotation of profiles, so a dev set always mixes chat-only shows,
shows with viewers and markers, and shows without chat.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console

from liveclips_dev.evaluation import formats
from liveclips_dev.evaluation.synth_chat import generate_chat
from liveclips_dev.evaluation.synth_plan import ShowPlan, Signal, plan_show
from liveclips_dev.evaluation.synth_room import LabelStyle, Language, generate_room_show
from liveclips_dev.evaluation.synth_signals import (
    generate_markers,
    generate_picks,
    generate_viewers,
)
from liveclips_dev.evaluation.synth_video import render_video

VIDEO_PROFILES: tuple[frozenset[Signal], ...] = (
    frozenset({"video", "chat", "viewers", "markers"}),
    frozenset({"video"}),
    frozenset({"video", "chat"}),
    frozenset({"video", "viewers", "markers"}),
    frozenset({"video", "chat", "viewers"}),
    frozenset({"video", "markers"}),
)
OTHER_PROFILES: tuple[frozenset[Signal], ...] = (
    frozenset({"chat"}),
    frozenset({"chat", "viewers"}),
    frozenset({"chat", "viewers", "markers"}),
    frozenset({"chat", "markers"}),
    frozenset({"chat"}),
    frozenset({"chat", "viewers", "markers"}),
    frozenset({"chat", "viewers"}),
    frozenset({"chat", "viewers", "markers", "picks"}),
    frozenset({"chat", "markers"}),
)
STYLES: tuple[LabelStyle, LabelStyle] = ("clips", "reel")
LANGUAGES: tuple[Language, Language] = ("en", "zh")
# Video shows stay short: their mp4 is committed.
VIDEO_DURATION_S = (180.0, 270.0)
OTHER_DURATION_S = (180.0, 480.0)


def _stream(seed: int, index: int, name: str) -> random.Random:
    return random.Random(f"liveclips-synth:{seed}:{index}:{name}")


def show_plan(seed: int, index: int, with_video: bool, duration_s: float | None = None) -> ShowPlan:
    if with_video:
        signals = VIDEO_PROFILES[index % len(VIDEO_PROFILES)]
        low, high = VIDEO_DURATION_S
    else:
        signals = OTHER_PROFILES[index % len(OTHER_PROFILES)]
        low, high = OTHER_DURATION_S
    rng = _stream(seed, index, "plan")
    drawn = rng.uniform(low, high)  # drawn even when overridden: the plan stays the same
    duration = drawn if duration_s is None else duration_s
    return plan_show(rng, f"synth-{seed}-{index:03d}", duration, signals)


def write_jsonl(path: Path, rows: Iterable[BaseModel]) -> None:
    path.write_text("".join(row.model_dump_json() + "\n" for row in rows), encoding="utf-8")


def write_json(path: Path, rows: Sequence[BaseModel]) -> None:
    # One span per line: labels stay easy to read and to diff by hand.
    lines = ",\n".join(" " + json.dumps(row.model_dump()) for row in rows)
    path.write_text(f"[\n{lines}\n]\n" if rows else "[]\n", encoding="utf-8")


def write_show(plan: ShowPlan, out: Path, seed: int, index: int) -> Path:
    """Write the show's directory `out/<show id>/` and return it."""
    show_dir = out / plan.show_id
    show_dir.mkdir(parents=True, exist_ok=True)
    meta = formats.ShowMeta(id=plan.show_id, duration_s=plan.duration_s)
    (show_dir / formats.SHOW_FILE).write_text(meta.model_dump_json(indent=1) + "\n")
    labels = [formats.Span(start=m.start, end=m.end) for m in plan.moments]
    write_json(show_dir / formats.LABELS_FILE, labels)
    if "chat" in plan.signals:
        chat = generate_chat(_stream(seed, index, "chat"), plan)
        write_jsonl(show_dir / formats.CHAT_FILE, chat)
    if "viewers" in plan.signals:
        viewers = generate_viewers(_stream(seed, index, "viewers"), plan)
        write_jsonl(show_dir / formats.VIEWERS_FILE, viewers)
    if "markers" in plan.signals:
        markers = generate_markers(_stream(seed, index, "markers"), plan)
        write_jsonl(show_dir / formats.MARKERS_FILE, markers)
    if "picks" in plan.signals:
        write_json(
            show_dir / formats.PICKS_FILE, generate_picks(_stream(seed, index, "picks"), plan)
        )
    if "video" in plan.signals:
        render_video(_stream(seed, index, "video"), plan, show_dir / formats.VIDEO_FILE)
    return show_dir


def write_room_show(out: Path, seed: int, index: int, hours: float) -> Path:
    """Write long show `index` of `seed` as `out/room-<seed>-<index>/` and return it."""
    style, language = STYLES[index % 2], LANGUAGES[(index // 2) % 2]
    show = generate_room_show(seed * 1000 + index, hours, style, language)
    show_dir = out / f"room-{seed}-{index:03d}"
    show_dir.mkdir(parents=True, exist_ok=True)
    meta = formats.ShowMeta(id=show_dir.name, duration_s=show.duration_s)
    (show_dir / formats.SHOW_FILE).write_text(meta.model_dump_json(indent=1) + "\n")
    write_json(show_dir / formats.LABELS_FILE, show.labels)
    write_jsonl(show_dir / formats.CHAT_FILE, show.chat)
    return show_dir


def generate(
    out: Path, count: int, seed: int, with_video: int = 0, duration_s: float | None = None
) -> list[Path]:
    plans = [show_plan(seed, i, i < with_video, duration_s) for i in range(count)]
    return [write_show(plan, out, seed, i) for i, plan in enumerate(plans)]


def generate_long(out: Path, count: int, seed: int, hours: float) -> Iterator[Path]:
    for i in range(count):
        yield write_room_show(out, seed, i, hours)


def main(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the shows into.")],
    *,
    count: Annotated[int, typer.Option(min=1, help="How many shows.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed; the same seed writes the same shows.")] = 1,
    with_video: Annotated[int, typer.Option(min=0, help="The first K shows get a video.")] = 0,
    duration: Annotated[
        float | None, typer.Option(min=60, help="Seconds per short show (default: 3-8 min).")
    ] = None,
    kind: Annotated[
        str, typer.Option(help="short: 3-8 min with video/viewers; long: chat-only, --hours.")
    ] = "short",
    hours: Annotated[float, typer.Option(min=0.25, max=12, help="Hours per long show.")] = 1.5,
) -> None:
    """Write `count` labelled synthetic shows into OUT_DIR."""
    console = Console()
    if kind not in ("short", "long"):
        raise typer.BadParameter(f"--kind must be short or long, not {kind!r}")
    if kind == "long" and (with_video or duration is not None):
        raise typer.BadParameter(
            "long shows are chat-only: use --hours, not --with-video/--duration"
        )
    dirs: Iterable[Path] = (
        generate_long(out_dir, count, seed, hours)
        if kind == "long"
        else generate(out_dir, count, seed, with_video, duration)
    )
    for show_dir in dirs:
        size = sum(f.stat().st_size for f in show_dir.iterdir())
        console.print(f"{show_dir}  {size / 1024:.0f} KB")


if __name__ == "__main__":
    typer.run(main)
