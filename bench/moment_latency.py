"""Moment end -> instant clip in the feed and -> rendered 9:16 clip, with the live follower
cutting from the ~2 s live segments (issue 22, ADR 0016), for 1 and 4 concurrent shows.

    .venv/bin/python -m bench.moment_latency [--shows 1,4] [--duration 50]

bench/shows.py's rounds (its own local cloud, N channels made through the API, N synthetic
shows live together at speed 1, marquee approvals, accounting from Spanner), with one
difference: each studio writes its live playlist where the studio server serves the
channel's playbackUrl (LIVECLIPS_LIVE_ROOT), so the live follower reads it as it would read
IVS's. Latency is from the wall time the show played the planted moment's end to the
Clips row's PublishedAt (instant) and RenderedAt (rendered vertical). Results: the tables
of bench/shows.py, and out/bench/moment_latency/shows.json.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import shows
from liveclips_dev.localcloud.live_ingest import live_root
from liveclips_dev.studio.layout import EncodedShow
from liveclips_dev.studio.playout import Studio
from liveclips_dev.studio.run import StudioRun, prepare_show
from liveclips_dev.studio.synth import PlantedMoment


def live_run_studio(
    source: Any,
    *,
    s3: Any,
    bucket: str,
    channel_arn: str,
    event_sink: Callable[[dict[str, Any]], None],
    workdir: Path,
    duration_s: float | None,
    speed: float,
    moments: Sequence[PlantedMoment] | None = None,
    on_ready: Callable[[EncodedShow, str | None], None] | None = None,
    on_progress: Callable[[float, float], None] | None = None,
    serve_live: bool = False,
) -> StudioRun:
    """run_studio, its live playlist in the studio server's folder for the channel."""
    del serve_live  # served by the studio server, as the channel's playbackUrl
    show, planted = prepare_show(
        source, workdir, duration_s=duration_s, moments=moments, channel_arn=channel_arn
    )
    live_dir = live_root() / channel_arn.rsplit("/", 1)[-1]
    with Studio(
        s3=s3,
        bucket=bucket,
        channel_arn=channel_arn,
        event_sink=event_sink,
        speed=speed,
        live_dir=live_dir,
        serve_live=False,
    ) as studio:
        if on_ready is not None:
            on_ready(show, None)
        broadcast = studio.broadcast(show, on_progress=on_progress)
    return StudioRun(broadcast, show, planted)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(argv) if argv is not None else None
    os.environ.setdefault("LIVECLIPS_LIVE_ROOT", tempfile.mkdtemp(prefix="liveclips-live-"))
    live_root.cache_clear()
    shows.run_studio = live_run_studio  # type: ignore[attr-defined,assignment]
    defaults = ["--shows", "1,4", "--duration", "50", "--stop-p95-s", "600"]
    defaults += ["--out", "out/bench/moment_latency", "--picture", "out/bench/moment_latency.png"]
    shows.main([*defaults, *(args if args is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
