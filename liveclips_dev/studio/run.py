"""One call from a source (synthetic or a video file) to a finished broadcast."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from liveclips_dev.studio.encode import LOCAL_CHANNEL_ARN, encode_ivs_layout
from liveclips_dev.studio.layout import DEFAULT_RENDITIONS, EncodedShow, Rendition
from liveclips_dev.studio.playout import Broadcast, Studio
from liveclips_dev.studio.synth import PlantedMoment, default_moments, synthesize_show

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MOMENTS_FILE = "moments.json"


@dataclass(frozen=True)
class StudioRun:
    broadcast: Broadcast
    show: EncodedShow
    moments: tuple[PlantedMoment, ...]  # ground truth; empty for a video file


def prepare_show(
    source: Literal["synthetic"] | Path,
    workdir: Path,
    *,
    duration_s: float | None,
    renditions: Sequence[Rendition] = DEFAULT_RENDITIONS,
    moments: Sequence[PlantedMoment] | None = None,
    channel_arn: str | None = None,
) -> tuple[EncodedShow, tuple[PlantedMoment, ...]]:
    """Synthesize (or take) the source and encode it under ``workdir/staging``.

    For a synthetic show the planted moments are also written to ``workdir/moments.json``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    planted: tuple[PlantedMoment, ...] = ()
    if source == "synthetic":
        if duration_s is None:
            raise ValueError("a synthetic show needs a duration")
        planted = tuple(default_moments(duration_s) if moments is None else moments)
        top = renditions[0]
        video = synthesize_show(
            workdir / "source.mp4", duration_s, planted, width=top.width, height=top.height
        )
        document = {"duration_s": duration_s, "moments": [asdict(m) for m in planted]}
        (workdir / MOMENTS_FILE).write_text(json.dumps(document, indent=2))
    else:
        video = source
    show = encode_ivs_layout(
        video,
        workdir / "staging",
        renditions=renditions,
        started_at=datetime.now(UTC),
        max_duration_s=duration_s,
        channel_arn=channel_arn or LOCAL_CHANNEL_ARN,
    )
    return show, planted


def run_studio(
    source: Literal["synthetic"] | Path,
    *,
    s3: S3Client,
    bucket: str,
    channel_arn: str,
    event_sink: Callable[[dict[str, Any]], None],
    workdir: Path,
    duration_s: float | None = 120.0,
    speed: float = 1.0,
    renditions: Sequence[Rendition] = DEFAULT_RENDITIONS,
    moments: Sequence[PlantedMoment] | None = None,
    on_ready: Callable[[EncodedShow, str | None], None] | None = None,
    on_progress: Callable[[float, float], None] | None = None,
    serve_live: bool = True,
) -> StudioRun:
    """Prepare the show, then broadcast it (blocking).

    ``on_ready(show, live_playlist_url)`` runs once encoding is done, just before going
    live; ``duration_s`` trims a video file (None = all of it).
    """
    show, planted = prepare_show(
        source,
        workdir,
        duration_s=duration_s,
        renditions=renditions,
        moments=moments,
        channel_arn=channel_arn,
    )
    with Studio(
        s3=s3,
        bucket=bucket,
        channel_arn=channel_arn,
        event_sink=event_sink,
        speed=speed,
        live_dir=workdir / "live-public",
        serve_live=serve_live,
    ) as studio:
        url = studio.playback_url()
        if on_ready is not None:
            on_ready(show, url)
        broadcast = studio.broadcast(show, on_progress=on_progress)
    return StudioRun(broadcast, show, planted)
