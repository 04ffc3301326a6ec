"""Write every dashboard's JSON into dashboards/generated/ (checked in, provisioned as is).

python -m dashboards.build                # rewrite
python -m dashboards.build --check        # exit 1 if the checked-in JSON drifted from the code
python -m dashboards.build --out DIR      # write (or check) another folder
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from dashboards import clip_leaderboard, creator_performance, live_now, qos, retention
from dashboards.board import Board

OUT = Path(__file__).resolve().parent / "generated"

BOARDS: tuple[Callable[[], Board], ...] = (
    live_now.board,
    creator_performance.board,
    clip_leaderboard.board,
    retention.board,
    qos.board,
)


def all_boards() -> list[Board]:
    return [make() for make in BOARDS]


def rendered() -> dict[str, str]:
    """File name (the dashboard uid) -> JSON text."""
    return {f"{board.uid}.json": board.to_json() for board in all_boards()}


def drifted(out: Path = OUT) -> list[str]:
    expected = rendered()
    present = {p.name for p in out.glob("*.json")}
    stale = present - expected.keys()
    changed = {
        name
        for name, text in expected.items()
        if not (out / name).exists() or (out / name).read_text() != text
    }
    return sorted(changed | stale)


def write(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    expected = rendered()
    # A renamed or removed dashboard must not linger: Grafana would keep provisioning it.
    for stale in out.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (out / name).write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        names = drifted(args.out)
        for name in names:
            sys.stderr.write(f"{args.out / name} is out of date: run python -m dashboards.build\n")
        return 1 if names else 0
    write(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
