"""`liveclips demo`: a synthetic live show becomes clips in the feed, on the local cloud.

It starts its own local cloud (so it never disturbs one you have running), broadcasts a
show with planted loud moments through the local studio, watches the feed API while the
show is live, then prints what was clipped and how long each clip took, waits for the
show's VOD title (MediaConvert stand-in), writes out/demo/summary.json, and stops
everything it started.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from liveclips.adapters import s3, spanner
from liveclips.adapters.config import settings
from liveclips.domain.lifecycle import StreamRecord
from liveclips.services import vod
from liveclips_dev.cli.broadcast import ingest_sink
from liveclips_dev.cli.browser_show import browser_broadcast
from liveclips_dev.cli.channels import bearer, creator_channel
from liveclips_dev.cli.local import print_pages
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.live_ingest import live_root
from liveclips_dev.studio.playout import Studio
from liveclips_dev.studio.run import StudioRun, prepare_show

console = Console()
DEMO_CREATOR, DEMO_CHANNEL = "demo-creator", "demo"


@dataclass
class FeedWatcher:
    """Plays the mobile app and the content team: polls the feed, remembering when each
    clip first appeared, and approves marquee highlights waiting in the queue."""

    api_url: str
    viewer: dict[str, str]  # bearer headers: the app's viewer, and the content team
    team: dict[str, str]
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)
    approved: set[str] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)

    def poll(self) -> None:
        try:
            self._approve_marquee()
            page = httpx.get(
                f"{self.api_url}/v1/feed", params={"limit": 50}, headers=self.viewer, timeout=5
            ).json()
        except httpx.HTTPError:
            return
        now = datetime.now(UTC)
        for clip in page.get("clips", []):
            known = self.seen.get(clip["id"])
            if known is not None and known["rendition"] == clip["rendition"]:
                continue
            self.seen[clip["id"]] = {**clip, "in_feed_at": now.isoformat()}
            console.log(
                f"{clip['rendition']} clip {clip['id'][:8]} in the feed: "
                f"{clip['start_s']:.1f}-{clip['end_s']:.1f}s"
                + (f", {clip['width']}x{clip['height']}" if clip["width"] else "")
            )

    def _approve_marquee(self) -> None:
        pending = httpx.get(f"{self.api_url}/v1/highlights/pending", headers=self.team, timeout=5)
        for waiting in pending.json():
            if waiting["id"] in self.approved:
                continue
            httpx.post(
                f"{self.api_url}/v1/highlights/{waiting['id']}/approve",
                headers=self.team,
                timeout=5,
            )
            self.approved.add(waiting["id"])
            console.log(
                f"content team approves marquee highlight {waiting['id'][:8]} "
                f"({waiting['start_s']:.1f}-{waiting['end_s']:.1f}s, score {waiting['score']:.1f})"
            )

    def run(self) -> None:
        while not self.stop.wait(0.25):
            self.poll()


def demo(
    duration: Annotated[float, typer.Option(help="Show length in seconds.")] = 120.0,
    speed: Annotated[float, typer.Option(help="Playout speed (1 = real time).")] = 1.0,
    out: Annotated[Path, typer.Option(help="Where summary.json goes.")] = Path("out/demo"),
    wait: Annotated[float, typer.Option(help="Seconds to wait for clips after the show.")] = 60.0,
    browser: Annotated[
        bool,
        typer.Option(
            "--browser", help="Go live from the web studio in headless chromium (real time)."
        ),
    ] = False,
) -> None:
    """Run a synthetic live show end to end and report its clips."""
    out.mkdir(parents=True, exist_ok=True)
    # The studio server serves each channel's live playlist from here (its playbackUrl),
    # and the show below writes it there, so the live follower reads it as from IVS.
    os.environ.setdefault("LIVECLIPS_LIVE_ROOT", str((out / "live").resolve()))
    live_root.cache_clear()
    cloud = LocalCloud(out / "cloud")
    with console.status("starting the local cloud (emulators, functions, worker, API)..."):
        env = cloud.up()
    try:
        os.environ.update(env.vars)
        print_pages(console, env.vars)  # docs/studio-web.md, viewer-app.md, console.md
        summary = _run_show(
            env.vars, out, duration=duration, speed=1.0 if browser else speed, wait_s=wait,
            browser=browser,
        )  # fmt: skip
    finally:
        with console.status("stopping the local cloud..."):
            cloud.down()
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_value) + "\n")
    _print_table(summary)
    console.print(f"summary: [bold]{out / 'summary.json'}[/]")
    if not summary["clips"]:
        raise typer.Exit(code=1)


def _run_show(
    variables: dict[str, str],
    out: Path,
    *,
    duration: float,
    speed: float,
    wait_s: float,
    browser: bool = False,
) -> dict[str, Any]:
    viewer = bearer(variables, "demo-viewer", "viewer")
    team = bearer(variables, "demo-content-team", "moderator")
    watcher = FeedWatcher(variables["LIVECLIPS_API_URL"], viewer, team)
    threading.Thread(target=watcher.run, daemon=True).start()
    if browser:  # the page signs in, makes the channel and goes live (docs/studio-web.md)
        run = browser_broadcast(
            variables,
            creator=DEMO_CREATOR,
            channel_name=f"{DEMO_CHANNEL}-web",
            workdir=out / "browser",
            duration_s=duration,
            on_status=console.log,
        )
    else:
        channel, _creator = creator_channel(variables, DEMO_CREATOR, DEMO_CHANNEL)
        console.log(f"{DEMO_CREATOR} created channel {channel['name']} ({channel['arn']})")
        run = live_broadcast(channel["arn"], out / "show", duration_s=duration, speed=speed)
    deadline = time.monotonic() + wait_s
    with console.status("waiting for the last clips..."):
        # Every moment in the feed, and rendered: the summary times both.
        while time.monotonic() < deadline and (
            len(watcher.seen) < len(run.moments)
            or any(c["rendition"] != "rendered" for c in watcher.seen.values())
        ):
            time.sleep(0.5)
    watcher.stop.set()
    watcher.poll()
    title = _wait_for_vod(variables["LIVECLIPS_API_URL"], viewer, run, wait_s)
    # Read after the VOD wait: by then Stream End has long been applied.
    stream = spanner.stream(run.broadcast.stream_id)
    return {**_summary(watcher.seen, run, stream, speed), "vod": title}


def live_broadcast(
    channel_arn: str, workdir: Path, *, duration_s: float, speed: float
) -> StudioRun:
    """The synthetic show, its live playlist where the channel's playbackUrl serves it."""
    settings.cache_clear()
    show, planted = prepare_show(
        "synthetic", workdir, duration_s=duration_s, channel_arn=channel_arn
    )
    live_dir = live_root() / channel_arn.rsplit("/", 1)[-1]
    console.log(f"going live ({show.duration_s:.0f} s show, live playlist in {live_dir})")
    with Studio(
        s3=s3.client(),
        bucket=settings().recordings_bucket,
        channel_arn=channel_arn,
        event_sink=ingest_sink(),
        speed=speed,
        live_dir=live_dir,
        serve_live=False,
    ) as studio:
        done = studio.broadcast(show)
    return StudioRun(done, show, planted)


def _wait_for_vod(
    api_url: str, headers: dict[str, str], run: StudioRun, wait_s: float
) -> dict[str, Any]:
    """The show as an on-demand title: transcoded after Recording End, then validated."""
    title_id = vod.title_id_for_recording(run.broadcast.recording_prefix.rsplit("/", 1)[-1])
    deadline = time.monotonic() + wait_s
    detail: dict[str, Any] = {"id": title_id, "state": "unknown"}
    with console.status("the show becomes a VOD title...") as status:
        while time.monotonic() < deadline:
            answer = httpx.get(f"{api_url}/v1/vod/{title_id}", headers=headers, timeout=5)
            if answer.status_code == 200:
                detail = answer.json()
                status.update(f"the show becomes a VOD title: {detail['state']}...")
                if detail["state"] in ("READY", "FAILED"):
                    break
            time.sleep(0.5)
    ladder = ", ".join(f"{r['width']}x{r['height']}" for r in detail.get("renditions", []))
    console.log(f"VOD title {title_id[:8]} {detail['state']}: {ladder or detail.get('error')}")
    return detail


def _summary(
    seen: dict[str, dict[str, Any]], run: StudioRun, stream: StreamRecord | None, speed: float
) -> dict[str, Any]:
    broadcast = run.broadcast
    clips = []
    for clip in sorted(seen.values(), key=lambda c: c["start_s"]):
        moment_end_s = (
            datetime.fromisoformat(clip["moment_ended_at"]) - broadcast.started_at
        ).total_seconds()
        # Show second 0 went out at started_at; show time runs `speed` times the wall clock.
        moment_wall = broadcast.started_at.timestamp() + moment_end_s / speed
        published = datetime.fromisoformat(clip["published_at"]).timestamp()
        rendered = clip.get("rendered_at")
        clips.append(
            {
                "id": clip["id"],
                "stream_id": clip["stream_id"],
                "start_s": round(clip["start_s"], 3),
                "end_s": round(clip["end_s"], 3),
                "url": clip["url"],
                "rendition": clip["rendition"],
                "instant_at": published,
                "rendered_at": datetime.fromisoformat(rendered).timestamp() if rendered else None,
                "moment_to_instant_s": round(published - moment_wall, 2),
                "moment_to_rendered_s": (
                    round(datetime.fromisoformat(rendered).timestamp() - moment_wall, 2)
                    if rendered
                    else None
                ),
            }
        )
    return {
        "clips": clips,
        "moments": moment_latencies(clips, run, speed),
        "stream": {
            "id": broadcast.stream_id,
            "channel_arn": broadcast.channel_arn,
            "recording_prefix": broadcast.recording_prefix,
            "state": stream.state if stream else None,
            "started_at": stream.started_at if stream else None,
            "ended_at": stream.ended_at if stream else None,
            "duration_s": broadcast.duration_s,
            "planted_moments": [[m.start_s, m.end_s] for m in run.moments],
            "speed": speed,
        },
    }


def moment_latencies(
    clips: list[dict[str, Any]], run: StudioRun, speed: float
) -> list[dict[str, Any]]:
    """Per planted moment: from the wall time the show played its end to the first feed
    clip covering it in the feed (instant) and rendered in the feed preset."""
    started = run.broadcast.started_at.timestamp()
    rows = []
    for moment in run.moments:
        end_wall = started + moment.end_s / speed
        covering = [c for c in clips if c["start_s"] < moment.end_s and c["end_s"] > moment.start_s]
        done = [c["rendered_at"] for c in covering if c["rendered_at"] is not None]
        # The clips' own figures are timed from each clip's detected end, not the planted one.
        rows.append(
            {
                "start_s": moment.start_s,
                "end_s": moment.end_s,
                "instant_s": round(min(c["instant_at"] for c in covering) - end_wall, 2)
                if covering
                else None,
                "rendered_s": round(min(done) - end_wall, 2) if done else None,
            }
        )
    return rows


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _json_value(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _print_table(summary: dict[str, Any]) -> None:
    table = Table(title=f"clips of stream {summary['stream']['id']}")
    for column in ("clip", "start s", "end s", "moment -> instant s", "moment -> rendered s"):
        table.add_column(column, justify="right" if column != "clip" else "left")
    for clip in summary["clips"]:
        table.add_row(
            clip["id"][:8],
            f"{clip['start_s']:.1f}",
            f"{clip['end_s']:.1f}",
            f"{clip['moment_to_instant_s']:.2f}",
            _seconds(clip["moment_to_rendered_s"]),
        )
    console.print(table)
    moments = Table(
        title="planted moment end -> feed clip (target p95: instant 3 s, rendered 10 s)"
    )
    for column in ("moment s", "-> instant in feed s", "-> rendered 9:16 s"):
        moments.add_column(column, justify="right")
    for row in summary["moments"]:
        moments.add_row(
            f"{row['start_s']:.0f}-{row['end_s']:.0f}",
            _seconds(row["instant_s"]),
            _seconds(row["rendered_s"]),
        )
    console.print(moments)
    planted = summary["stream"]["planted_moments"]
    console.print(f"planted moments: {planted}; stream state: {summary['stream']['state']}")
