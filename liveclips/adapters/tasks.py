"""Cloud Tasks: asking a clip worker to render, and for VOD jobs (with backoff)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import grpc
from google.api_core.exceptions import AlreadyExists
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport
from pydantic import BaseModel

from liveclips.adapters.config import settings
from liveclips.contracts.events import RenderClipTask, SubmitVodJobTask


@lru_cache(maxsize=1)
def _client() -> tasks_v2.CloudTasksClient:
    host = settings().tasks_emulator_host
    if host:
        channel = grpc.insecure_channel(host)
        return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    return tasks_v2.CloudTasksClient()


def queue_path(queue: str) -> str:
    config = settings()
    return _client().queue_path(config.gcp_project, config.gcp_location, queue)


def enqueue_render(task: RenderClipTask, *, delay_s: float = 0.0) -> None:
    config = settings()
    # Named after the clip so Cloud Tasks drops a second enqueue of the same clip; the
    # emulator does not, which is why the worker is idempotent too.
    name = f"clip-{task.clip_id}"
    _enqueue(config.render_queue, name, config.clip_worker_url, task, delay_s=delay_s)


def enqueue_vod_submit(task: SubmitVodJobTask, *, delay_s: float = 0.0) -> None:
    """Ask for a title's MediaConvert job, now or (a retry's backoff) delay_s from now."""
    config = settings()
    name = f"vod-{task.title_id}-{task.attempt}"
    _enqueue(config.vod_queue, name, config.vod_submit_url, task, delay_s=delay_s)


def _enqueue(queue: str, name: str, url: str, body: BaseModel, *, delay_s: float = 0.0) -> None:
    parent = queue_path(queue)
    request = tasks_v2.Task(
        name=f"{parent}/tasks/{name}",
        http_request=tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=url,
            headers={"Content-Type": "application/json"},
            body=body.model_dump_json().encode(),
        ),
    )
    if delay_s > 0:
        request.schedule_time = datetime.now(UTC) + timedelta(seconds=delay_s)
    with contextlib.suppress(AlreadyExists):
        _client().create_task(parent=parent, task=request)
