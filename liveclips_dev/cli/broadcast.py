"""Broadcasting a show through the local studio into the IVS bridge, with a progress bar.

Shared by `liveclips demo` and `liveclips studio`; the caller has already pointed the
environment at a local cloud.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from functions.aws.ivs_bridge import lambda_handler
from functions.aws.ivs_bridge import logger as bridge_logger
from liveclips.adapters import s3
from liveclips.adapters.config import settings
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from liveclips_dev.studio.ivs_events import STREAM_STATE_CHANGE
from liveclips_dev.studio.run import StudioRun, run_studio

log = logging.getLogger("liveclips.broadcast")


Sink = Callable[[dict[str, Any]], None]
# Lambda retries a failed asynchronous invocation twice (after about 1 and 2 minutes);
# locally seconds, so a short outage downstream is ridden out while one watches.
RETRY_DELAYS_S = (2.0, 6.0)


def bridge_sink(retry_delays_s: Sequence[float] = RETRY_DELAYS_S) -> Sink:
    """EventBridge -> the IVS bridge Lambda, invoked in-process as EventBridge would:
    asynchronously, so a failed invocation is retried; the last failure is raised."""
    # In-process, the Lambda's per-event JSON logs would drown the command's own output.
    bridge_logger.setLevel("WARNING")

    def send(event: dict[str, Any]) -> None:
        for delay_s in (*retry_delays_s, None):
            try:
                lambda_handler(event, LocalLambdaContext("ivs-bridge"))
                return
            except Exception as exc:
                if delay_s is None:
                    raise
                log.warning("ivs bridge failed (%r); retrying in %.0f s", exc, delay_s)
                time.sleep(delay_s)

    return send


def ingest_sink(eventbridge: Sink | None = None) -> Sink:
    """The studio's events as IVS's ingest would spread them: a stream going live or
    offline is told to IVS itself (the local stand-in, whose PutMetadata and GetStream
    depend on it), then everything goes to EventBridge (by default the bridge Lambda)."""
    bridge = eventbridge or bridge_sink()
    ivs_url = settings().ivs_endpoint_url

    def send(event: dict[str, Any]) -> None:
        if ivs_url and event.get("detail-type") == STREAM_STATE_CHANGE:
            httpx.post(f"{ivs_url}/_stream-events", json=event, timeout=10).raise_for_status()
        bridge(event)

    return send


def broadcast(
    source: Literal["synthetic"] | Path,
    *,
    console: Console,
    channel_arn: str,
    workdir: Path,
    duration_s: float | None,
    speed: float,
) -> StudioRun:
    # Clients are built on first use, from the environment the caller has just set.
    settings.cache_clear()
    with Progress(
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        TextColumn("{task.fields[clock]}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        bar = progress.add_task("encoding the show", total=duration_s, clock="")

        def on_progress(t: float, total: float) -> None:
            progress.update(bar, completed=t, total=total, clock=f"{t:5.1f}/{total:.0f}s")

        return run_studio(
            source,
            s3=s3.client(),
            bucket=settings().recordings_bucket,
            channel_arn=channel_arn,
            event_sink=ingest_sink(),
            workdir=workdir,
            duration_s=duration_s,
            speed=speed,
            on_ready=lambda _show, url: progress.update(bar, description=f"live at {url}"),
            on_progress=on_progress,
        )
