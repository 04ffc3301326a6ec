"""`liveclips clip render`: render one clip locally, as the worker would, and say what it made."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liveclips.adapters.clip_sources import fetch, fetch_tracking_copy, open_source
from liveclips.domain.clip_presets import PRESET_NAMES, preset
from liveclips.domain.hls import PlaylistError, plan_clip
from liveclips.domain.instant_clip import instant_manifest
from liveclips.media.ffmpeg import MediaError
from liveclips.media.render import RenderOptions, render_clip

clip_app = typer.Typer(help="Clips: render one locally.", no_args_is_help=True)
status = Console(stderr=True)


@clip_app.command("render")
def render_command(
    source: Annotated[
        str,
        typer.Option(
            help="A playlist file, an http(s) playlist URL (e.g. the live one) or "
            "s3://BUCKET/IVS_RECORDING_PREFIX."
        ),
    ],
    start: Annotated[float, typer.Option(help="Clip start, seconds from the playlist start.")],
    end: Annotated[float, typer.Option(help="Clip end, seconds from the playlist start.")],
    out: Annotated[Path, typer.Option(help="Directory for the outputs.")],
    preset_name: Annotated[
        str, typer.Option("--preset", help=f"One of: {', '.join(PRESET_NAMES)}.")
    ] = "vertical",
    max_height: Annotated[int, typer.Option(help="Tallest source rendition to use.")] = 720,
    chunk_s: Annotated[
        float, typer.Option(help="Encode long clips in chunks of this length in parallel; 0: off.")
    ] = 10.0,
) -> None:
    """Render a clip (MP4, HLS, poster, sprite + WebVTT, instant playlist); print JSON."""
    try:
        chosen = preset(preset_name)
        clip_source = open_source(source, max_height)
        with status.status("reading the playlist"):
            playlist = clip_source.playlist()
            plan = plan_clip(playlist, start, end)
        out.mkdir(parents=True, exist_ok=True)
        instant = out / "instant.m3u8"
        instant.write_text(instant_manifest(playlist, start, end, clip_source.url))
        with tempfile.TemporaryDirectory(prefix="clip-") as scratch:
            with status.status(f"fetching {len(plan.segments)} segment(s)"):
                fetched = fetch(clip_source, plan, Path(scratch))
                tracking = fetch_tracking_copy(clip_source, chosen, start, end, Path(scratch))
            with status.status(f"rendering {plan.duration_s:.1f}s as {chosen.name}"):
                rendered = render_clip(
                    fetched,
                    start_s=plan.seek_s,
                    end_s=plan.seek_s + plan.duration_s,
                    chosen=chosen,
                    out_dir=out,
                    options=RenderOptions(chunk_s=chunk_s or None),
                    tracking=tracking,
                )
    except (ValueError, PlaylistError, MediaError, OSError) as exc:
        status.print(f"[red]cannot render:[/red] {exc}")
        raise typer.Exit(2) from exc
    loudness = rendered.loudness
    typer.echo(
        json.dumps(
            {
                "preset": chosen.name,
                "mp4": str(rendered.mp4),
                "hls": str(rendered.hls_playlist) if rendered.hls_playlist else None,
                "poster": str(rendered.poster) if rendered.poster else None,
                "sprite": str(rendered.sprite) if rendered.sprite else None,
                "thumbnails_vtt": str(rendered.thumbnails_vtt) if rendered.thumbnails_vtt else None,
                "instant": str(instant),
                "duration_s": round(rendered.info.duration_s, 3),
                "width": rendered.info.width,
                "height": rendered.info.height,
                "size_bytes": rendered.info.size_bytes,
                "loudness_lufs": loudness.integrated_lufs if loudness else None,
                "true_peak_dbtp": loudness.true_peak_dbtp if loudness else None,
                "loudness_mode": rendered.loudness_mode,
                "cut": rendered.cut.mode,
                "copied_s": round(rendered.cut.copied_s, 3),
                "encoded_s": round(rendered.cut.encoded_s, 3),
                "render_s": round(rendered.render_s, 3),
                "x_realtime": round(rendered.info.duration_s / rendered.render_s, 2),
            },
            indent=2,
        )
    )
