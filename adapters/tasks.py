"""Cloud Tasks: asking a clip worker to render."""

from __future__ import annotations

import contextlib
from functools import lru_cache

import grpc
from google.api_core.exceptions import AlreadyExists
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

from adapters.config import settings
from schemas.events import RenderClipTask


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


def enqueue_render(task: RenderClipTask) -> None:
    config = settings()
    parent = queue_path(config.render_queue)
    request = tasks_v2.Task(
        # Named after the clip so Cloud Tasks drops a second enqueue of the same clip;
        # the emulator does not, which is why the worker is idempotent too.
        name=f"{parent}/tasks/clip-{task.clip_id}",
        http_request=tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=config.clip_worker_url,
            headers={"Content-Type": "application/json"},
            body=task.model_dump_json().encode(),
        ),
    )
    with contextlib.suppress(AlreadyExists):
        _client().create_task(parent=parent, task=request)
