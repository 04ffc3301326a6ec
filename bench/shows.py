"""Load: N concurrent simulated live shows on one machine, lost/duplicated clips and the
moment -> clip latency as N grows (issue 10).

    .venv/bin/python -m bench.shows [--shows 1,2,4] [--duration 50] [--speed 1.0]

Starts its own local cloud (emulators, functions, clip worker, API) in a temporary state
dir and stops it at the end, also on errors. For each N: N creators each make a channel
through the API, then N synthetic shows with planted loud moments (after the detector's
~20 s of learning the room) are encoded, and go live together (a barrier), each
broadcast by `liveclips_dev.studio.run.run_studio` in its own thread through the IVS ingest sink;
the
content team approves marquee highlights through the API as they wait. When every
stream is ENDED and no highlight or clip has changed for a while (bounded), each show's
recording is read from Spanner (HighlightCandidates, Clips) and accounted for by
bench/show_accounting.py. Latency uses the Clips rows' PublishedAt / RenderedAt (written
when the clip became visible / rendered, on this machine's clock) against the wall time
the show played the moment's end (started_at + end_s / speed); fresh pull subscriptions
of `clips` (clip.published repeats) and `dead-letter` cover the round.
Results: a table on stdout, out/bench/shows.json and docs/img/shows.png.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bench.clip_render import loadavg, machine
from bench.show_accounting import (
    Moment,
    ShowAccount,
    account_show,
    repeats,
    round_totals,
)
from bench.shows_io import Approver, Rows, SpannerReader, drain
from bench.shows_report import clip_rows, moment_rows, print_results, render_figures, save
from liveclips import resources
from liveclips.adapters import dynamodb, s3
from liveclips.adapters.config import settings
from liveclips.contracts.events import ClipPublished
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips_dev.cli.broadcast import ingest_sink
from liveclips_dev.cli.channels import bearer
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from liveclips_dev.studio.channels import ensure_channel
from liveclips_dev.studio.run import StudioRun, run_studio
from liveclips_dev.studio.synth import PlantedMoment

QUIET_S = 10.0  # nothing changed for this long after every clip is rendered: settled
MIN_AFTER_END_S = 15.0  # Recording End's own work (a late last highlight) comes after this
console = Console() if Console().is_terminal else Console(width=140)


@dataclass
class Show:
    name: str
    channel_arn: str
    workdir: Path
    task: TaskID
    run: StudioRun | None = None
    error: str | None = None
    steps: list[tuple[float, float]] = field(default_factory=list)  # (wall, show second)

    @property
    def recording_id(self) -> str:
        assert self.run is not None
        return self.run.broadcast.recording_prefix.rsplit("/", 1)[-1]

    def lag_s(self, speed: float) -> float:
        """How far behind its schedule the studio published its worst step."""
        if self.run is None or not self.steps:
            return 0.0
        t0 = self.run.broadcast.started_at.timestamp()
        return round(max(wall - (t0 + due / speed) for wall, due in self.steps), 2)


def planted(duration_s: float) -> tuple[PlantedMoment, ...]:
    """4 s moments every 12 s from 26 s (after the warm-up) until 8 s before the end."""
    moments, start = [], 26.0
    while start + 4.0 <= duration_s - 8.0:
        moments.append(PlantedMoment(start, start + 4.0))
        start += 12.0
    return tuple(moments)


def _broadcast(show: Show, args: argparse.Namespace, go: threading.Barrier, bar: Progress) -> None:
    def ready(*_: object) -> None:
        bar.update(show.task, description=f"{show.name} live")
        go.wait(timeout=600)  # every show goes live together, after all encodes

    def step(t: float, total: float) -> None:
        show.steps.append((time.time(), t))
        bar.update(show.task, completed=t, total=total)

    try:
        show.run = run_studio(
            "synthetic",
            s3=s3.client(),
            bucket=settings().recordings_bucket,
            channel_arn=show.channel_arn,
            event_sink=ingest_sink(),
            workdir=show.workdir,
            duration_s=args.duration,
            speed=args.speed,
            moments=planted(args.duration),
            on_ready=ready,
            on_progress=step,
            serve_live=False,
        )
    except Exception as exc:  # noqa: BLE001 - a failed show is a result of the round
        go.abort()
        show.error = f"{type(exc).__name__}: {exc}"


def _presets() -> list[str]:
    return list(dict.fromkeys([FEED_PRESET, *settings().clip_presets]))


def _settle(
    shows: list[Show], args: argparse.Namespace, bar: Progress
) -> tuple[Rows, dict[str, Any]]:
    reader, presets = SpannerReader(), _presets()
    live = [s for s in shows if s.run is not None]
    recordings = [s.recording_id for s in live]
    streams = [s.run.broadcast.stream_id for s in live if s.run is not None]
    task = bar.add_task("settling", total=None)
    ended_at = time.monotonic()
    last: tuple[Any, ...] | None = None
    changed = ended_at
    while True:
        rows = reader.rows(recordings, streams)
        now = time.monotonic()
        if rows.fingerprint() != last:
            last, changed = rows.fingerprint(), now
        all_ended = all(rows.stream_states.get(s) == "ENDED" for s in streams)
        waiting = rows.waiting(presets)
        bar.update(task, description=f"settling: {waiting} highlights not rendered yet")
        settled = all_ended and waiting == 0 and now - max(changed, ended_at) >= QUIET_S
        if (settled and now - ended_at >= MIN_AFTER_END_S) or now - ended_at > args.settle_s:
            break
        time.sleep(2.0)
    bar.remove_task(task)
    return rows, {
        "settled": settled,
        "streams_ended": all_ended,
        "last_change_after_end_s": round(changed - ended_at, 1),
        "waited_s": round(time.monotonic() - ended_at, 1),
    }


def run_round(n: int, args: argparse.Namespace, api: str, work: Path) -> dict[str, Any]:
    began, load_start = time.time(), loadavg()
    team = bearer(os.environ, "bench-content-team", "moderator")
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn())
    with (
        fresh_subscription(resources.DEAD_LETTER_TOPIC, "bench-shows") as dead,
        fresh_subscription(resources.CLIPS_TOPIC, "bench-shows") as published,
        Approver(api, team) as approver,
        Progress(*columns, console=console) as bar,
    ):
        shows = []
        for k in range(n):
            creator = bearer(os.environ, f"bench-creator-{k}", "creator")
            channel = ensure_channel(api, creator, f"bench-n{n}-show{k}")
            task = bar.add_task(f"show {k + 1}/{n} encoding", total=args.duration)
            shows.append(Show(f"show {k + 1}/{n}", channel["arn"], work / f"n{n}-{k}", task))
        go = threading.Barrier(n)
        threads = [threading.Thread(target=_broadcast, args=(s, args, go, bar)) for s in shows]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        live_at = min((s.run.broadcast.started_at.timestamp() for s in shows if s.run), default=0)
        rows, settle = _settle(shows, args, bar)
        dead_letters, events = drain(dead), drain(published)
    return _round_result(n, shows, rows, settle, args) | {
        "wall_s": round(time.time() - began, 1),
        "went_live_after_s": round(live_at - began, 1) if live_at else None,
        "load_start": load_start,
        "load_end": loadavg(),
        "approved_marquee": len(approver.approved),
        "approved_highlights": sorted(approver.approved),
        "approver_errors": approver.errors,
        "dead_letters": [dict(m.attributes) | {"bytes": len(m.data)} for m in dead_letters],
        **_clip_events(events, {s.recording_id for s in shows if s.run}, rows),
    }


def _clip_events(messages: Sequence[Any], recordings: set[str], rows: Rows) -> dict[str, Any]:
    """clip.published of the round: how many, against one instant per approved highlight
    plus one rendered per preset, and which (clip, rendition) came more than once."""
    events = [ClipPublished.model_validate_json(m.data) for m in messages]
    mine = [e for e in events if e.recording_id in recordings]
    approved = sum(h.status == "APPROVED" for hs in rows.highlights.values() for h in hs)
    return {
        "clip_published_events": len(mine),
        "clip_published_expected": approved * (1 + len(_presets())),
        "clip_published_repeats": {
            str(k): n for k, n in repeats(f"{e.clip_id}/{e.rendition}" for e in mine).items()
        },
    }


def _round_result(
    n: int, shows: list[Show], rows: Rows, settle: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    presets = _presets()
    accounts: list[ShowAccount] = []
    per_show: list[dict[str, Any]] = []
    for show in shows:
        if show.run is None:
            per_show.append({"name": show.name, "error": show.error})
            continue
        t0, rec = show.run.broadcast.started_at.timestamp(), show.recording_id
        moments = [Moment(m.start_s, m.end_s, t0 + m.end_s / args.speed) for m in show.run.moments]
        account = account_show(
            moments, rows.highlights[rec], rows.clips[rec], presets=presets, feed_preset=FEED_PRESET
        )
        accounts.append(account)
        row: dict[str, Any] = {
            "name": show.name,
            "recording_id": rec,
            "stream_id": show.run.broadcast.stream_id,
            "stream_state": rows.stream_states.get(show.run.broadcast.stream_id),
            "studio_lag_max_s": show.lag_s(args.speed),
            "moments": moment_rows(account),
            "missing_presets": account.missing_presets,
            "duplicate_clips": account.duplicate_clips,
            "extra_highlights": list(account.extra_highlights),
            "highlights": len(rows.highlights[rec]),
            "clips": clip_rows(rows.clips[rec], t0),
        }
        per_show.append(row)
    return {
        "n": n,
        "failed_shows": sum(s.run is None for s in shows),
        "totals": round_totals(accounts),
        **render_figures([c for cs in rows.clips.values() for c in cs], presets),
        "settle": settle,
        "shows": per_show,
    }


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.shows", description=__doc__)
    parser.add_argument("--shows", default="1,2,4", help="N per round (default 1,2,4)")
    parser.add_argument("--duration", type=float, default=50.0, help="show length (50 s)")
    parser.add_argument("--speed", type=float, default=1.0, help="playout speed (1 = live)")
    parser.add_argument("--settle-s", type=float, default=300.0, help="max wait after shows")
    parser.add_argument("--stop-p95-s", type=float, default=60.0, help="stop growing N past")
    parser.add_argument("--out", type=Path, default=Path("out/bench"), help="json folder")
    parser.add_argument("--picture", type=Path, default=Path("docs/img/shows.png"))
    args = parser.parse_args(argv)
    args.counts = [int(x) for x in args.shows.split(",")]
    if not planted(args.duration) or min(args.counts) < 1:
        parser.error("--duration must leave room for a moment after 26 s; N must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse(argv)
    state = Path(tempfile.mkdtemp(prefix="liveclips-shows-"))
    cloud = LocalCloud(state / "cloud")
    results: dict[str, Any] = {"bench": "shows", "machine": machine(), "rounds": []}
    results["command"] = f"python -m bench.shows --shows {args.shows} --duration {args.duration:g}"
    results |= {"speed": args.speed, "moments": [vars(m) for m in planted(args.duration)]}
    try:
        with console.status("starting the local cloud (emulators, functions, worker, API)..."):
            env = cloud.up(services=True)
        os.environ.update(env.vars)
        settings.cache_clear()  # adapters read settings once: they must see the emulators
        s3.client(), dynamodb.client()  # built once here, not raced for by the show threads
        for n in args.counts:
            console.rule(f"N = {n} concurrent shows (load {loadavg()})")
            result = run_round(n, args, env.vars["LIVECLIPS_API_URL"], state / "shows")
            results["rounds"].append(result)
            print_results(results, console)
            p95 = (result["totals"]["rendered_s"] or {}).get("p95")
            if result["failed_shows"] or p95 is None or p95 > args.stop_p95_s:
                failed = result["failed_shows"]
                console.print(f"[yellow]stopping here: p95 {p95} s, {failed} shows failed")
                break
    finally:
        with console.status("stopping the local cloud..."):
            stopped = cloud.down()
        console.print(f"stopped: {', '.join(stopped) or 'nothing'}")
        shutil.rmtree(state, ignore_errors=True)
    results["machine"]["loadavg_end"] = loadavg()
    save(results, args.out / "shows.json", args.picture)
    print_results(results, console)
    console.print(f"results: [bold]{args.out / 'shows.json'}[/], picture: [bold]{args.picture}[/]")


if __name__ == "__main__":
    main()
