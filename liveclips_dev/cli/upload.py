"""`liveclips upload`: a creator uploads a past broadcast into the running local cloud."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liveclips.adapters.config import settings
from liveclips_dev.cli.broadcast import bridge_sink
from liveclips_dev.cli.channels import creator_channel
from liveclips_dev.cli.local import DEFAULT_STATE_DIR, StateDir
from liveclips_dev.localcloud.cloud import LocalCloud, LocalCloudError
from liveclips_dev.studio.upload import upload_video

console = Console()


def upload(
    video: Annotated[Path, typer.Argument(help="The video file (MP4, MOV, WebM, MKV).")],
    creator: Annotated[str, typer.Option(help="The creator (user id) uploading.")] = (
        "studio-creator"
    ),
    channel: Annotated[
        str, typer.Option(help="The creator's channel name; made through the API if missing.")
    ] = "studio",
    title: Annotated[str | None, typer.Option(help="Title (default: the file name).")] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Upload a video as the web studio would; it becomes a VOD title, then clips."""
    if not video.is_file():
        console.print(f"[red]error:[/] no such video file: {video}")
        raise typer.Exit(code=2)
    try:
        variables = LocalCloud(state_dir).env()
    except LocalCloudError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    os.environ.update(variables)
    settings.cache_clear()
    api = variables["LIVECLIPS_API_URL"]
    try:
        made, headers = creator_channel(variables, creator, channel)
        done = upload_video(
            video,
            api_url=api,
            bucket=settings().uploads_bucket,
            channel_id=made["id"],
            title=title or video.stem,
            event_sink=bridge_sink(),
            headers=headers,
        )
    except (RuntimeError, ValueError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(code=1) from exc
    console.print(
        f"uploaded {done.size} bytes to s3://{done.bucket}/{done.key}; "
        f"title: {api}/v1/vod/{done.upload_id}"
    )
