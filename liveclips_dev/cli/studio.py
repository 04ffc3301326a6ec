"""`liveclips studio`: broadcast a show into the running local cloud, like OBS into IVS."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liveclips_dev.cli.broadcast import broadcast
from liveclips_dev.cli.channels import creator_channel
from liveclips_dev.cli.local import DEFAULT_STATE_DIR, StateDir
from liveclips_dev.localcloud.cloud import LocalCloud, LocalCloudError

console = Console()


def studio(
    source: Annotated[
        str, typer.Option(help="'synthetic' (planted loud moments) or a video file path.")
    ] = "synthetic",
    duration: Annotated[
        float | None, typer.Option(help="Seconds (synthetic), or a cut of the video file.")
    ] = 120.0,
    speed: Annotated[float, typer.Option(help="Playout speed; 1 is real time.")] = 1.0,
    creator: Annotated[str, typer.Option(help="The creator (user id) who owns the channel.")] = (
        "studio-creator"
    ),
    channel: Annotated[
        str, typer.Option(help="The creator's channel name; made through the API if missing.")
    ] = "studio",
    workdir: Annotated[Path, typer.Option(help="Scratch space for the encoded show.")] = Path(
        "out/studio"
    ),
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Broadcast a synthetic show or a video file into `liveclips local up`'s cloud."""
    try:
        variables = LocalCloud(state_dir).env()
    except LocalCloudError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    video = None if source == "synthetic" else Path(source)
    if video is not None and not video.is_file():
        console.print(f"[red]error:[/] no such video file: {video}")
        raise typer.Exit(code=2)
    os.environ.update(variables)
    try:
        made, _headers = creator_channel(variables, creator, channel)
    except (RuntimeError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    console.print(f"broadcasting on {creator}'s channel {made['name']} ({made['arn']})")
    run = broadcast(
        video or "synthetic",
        console=console,
        channel_arn=made["arn"],
        workdir=workdir,
        duration_s=duration,
        speed=speed,
    )
    console.print(
        f"stream {run.broadcast.stream_id} ended after {run.broadcast.duration_s:.1f}s; "
        f"recording at s3://{run.broadcast.bucket}/{run.broadcast.recording_prefix}/; "
        f"clips: {variables['LIVECLIPS_API_URL']}/v1/feed"
    )
