"""The Cloud Tasks emulator wrapper: binds only the host it is given, and dispatches
HTTP tasks to their full URL, retrying failures at once (no backoff)."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid

import pytest
from google.cloud import tasks_v2

from liveclips.adapters.config import settings
from liveclips_dev.localcloud import clients, procs
from liveclips_dev.localcloud.emulators import REPO_ROOT, child_env
from tests.integration.pushlab import push_endpoint, wait_for

pytestmark = pytest.mark.integration


def test_http_tasks_are_posted_to_their_url_and_retried(emulators: dict[str, str]) -> None:
    client = clients.tasks(emulators)
    parent = f"projects/{settings().gcp_project}/locations/{settings().gcp_location}"
    queue = client.create_queue(
        parent=parent, queue=tasks_v2.Queue(name=f"{parent}/queues/test-{uuid.uuid4().hex[:8]}")
    )
    try:
        with push_endpoint(lambda data, attempt: 200 if attempt >= 3 else 503) as endpoint:
            # pushlab parses Pub/Sub push bodies, so the task carries one.
            body = b'{"message": {"data": "cmVuZGVy", "attributes": {"key": "clip-1"}}}'
            client.create_task(
                parent=queue.name,
                task=tasks_v2.Task(
                    http_request=tasks_v2.HttpRequest(
                        url=endpoint.url,
                        http_method=tasks_v2.HttpMethod.POST,
                        body=body,
                        headers={"Content-Type": "application/json"},
                    )
                ),
            )
            assert wait_for(lambda: len(endpoint.deliveries) >= 3, timeout_s=10)
    finally:
        client.delete_queue(name=queue.name)

    assert [(d.data, d.status) for d in endpoint.deliveries] == [
        ("render", 503),
        ("render", 503),
        ("render", 200),
    ]


def _refused(family: socket.AddressFamily, host: str, port: int) -> bool:
    with socket.socket(family) as s:
        return s.connect_ex((host, port)) != 0


def test_wrapper_listens_only_on_the_given_host() -> None:
    (port,) = procs.free_ports(1)
    queue = "projects/p/locations/l/queues/q"
    argv = [sys.executable, "-m", "liveclips_dev.localcloud.tasks_emulator", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--queue", queue]
    env = child_env({})
    first = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, start_new_session=True)
    try:
        assert wait_for(lambda: procs.port_open(port), timeout_s=20)
        listed = clients.tasks({"CLOUD_TASKS_EMULATOR_HOST": f"127.0.0.1:{port}"}).list_queues(
            parent="projects/p/locations/l"
        )
        assert [q.name for q in listed] == [queue]
        if socket.has_ipv6:
            assert _refused(socket.AF_INET6, "::1", port)

        second = subprocess.run(
            argv, check=False, cwd=REPO_ROOT, env=env, capture_output=True, timeout=30
        )
        assert second.returncode == 1
        assert b"cannot listen on 127.0.0.1" in second.stderr
    finally:
        first.terminate()
        first.wait(timeout=10)
