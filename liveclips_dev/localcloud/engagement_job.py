"""The engagement Beam job (pipelines/engagement) as a local-cloud service: what Dataflow
runs in the cloud, here on the BundleBasedDirectRunner in streaming mode, reading the
player events `POST /v1/events` publishes and upserting the `analytics` tables.

`python -m liveclips_dev.localcloud.engagement_job --host H --port P` answers `/healthz`
at once and starts the job behind it, at a lower CPU priority, so `liveclips local up`
does not wait for Beam's imports and the clip path keeps the machine first
(docs/adr/0015-local-engagement-job.md). A job that fails (an emulator restarted under
it, say) is started again after a pause: its windows in progress are lost, as on a
Dataflow job that is drained and relaunched without a snapshot.

It reads its own pull subscription of `player-events` (created here and by provisioning,
local only), not `engagement`: a job started by hand or by a test on `engagement` still
gets every event, and both write the same idempotent upserts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from liveclips.resources import PLAYER_EVENTS_TOPIC

log = logging.getLogger("engagement_job")

SUBSCRIPTION = "engagement-local-cloud"
ACK_DEADLINE_S = 60
NICENESS = 10
RESTART_AFTER_S = 5.0


@dataclass
class JobStatus:
    """What /healthz reports. `restarting` answers 503, so `local up` starts it afresh."""

    state: str = "starting"  # starting | running | restarting
    runs: int = 0
    last_error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"job": self.state, "runs": self.runs, "last_error": self.last_error}


def job_argv(project: str, instance: str, database: str) -> list[str]:
    """The job's own flags, as `python -m pipelines.engagement.pipeline` takes them."""
    return [
        "--mode", "streaming",
        "--subscription", f"projects/{project}/subscriptions/{SUBSCRIPTION}",
        "--spanner_project", project,
        "--spanner_instance", instance,
        "--spanner_database", database,
    ]  # fmt: skip


def ensure_subscription(project: str) -> None:
    """Idempotent: after a Pub/Sub emulator restart the subscription is gone with it."""
    from google.api_core.exceptions import AlreadyExists  # noqa: PLC0415
    from google.cloud import pubsub_v1  # noqa: PLC0415

    subscriber = pubsub_v1.SubscriberClient()
    try:
        with contextlib.suppress(AlreadyExists):
            subscriber.create_subscription(
                name=subscriber.subscription_path(project, SUBSCRIPTION),
                topic=f"projects/{project}/topics/{PLAYER_EVENTS_TOPIC}",
                ack_deadline_seconds=ACK_DEADLINE_S,
                timeout=30,
            )
    finally:
        subscriber.close()


def run_forever(
    status: JobStatus,
    restart_after_s: float = RESTART_AFTER_S,
    pause: Callable[[float], None] = time.sleep,
) -> None:
    # Imported here, behind the health answer: Beam and the clients take seconds to load.
    from liveclips.adapters.config import settings  # noqa: PLC0415
    from pipelines.engagement import pipeline  # noqa: PLC0415

    config = settings()
    argv = job_argv(config.gcp_project, config.spanner_instance, config.analytics_database)
    while True:
        status.state = "starting"
        try:
            ensure_subscription(config.gcp_project)
            result = pipeline.start(argv)
            status.state = "running"
            status.runs += 1
            log.info("engagement job running on %s", argv[3])
            result.wait_until_finish()
            status.last_error = "the streaming job finished on its own"
        except Exception as exc:  # any failure: log it, start again
            log.exception("engagement job failed; starting it again in %.0f s", restart_after_s)
            status.last_error = f"{type(exc).__name__}: {exc}"[:500]
        status.state = "restarting"
        pause(restart_after_s)


def _handler(status: JobStatus) -> type[BaseHTTPRequestHandler]:
    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/healthz":
                self.send_error(404)
                return
            body = json.dumps(status.as_json()).encode()
            self.send_response(503 if status.state == "restarting" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # polled by `local up` and `local status`: not worth a log line each

    return Health


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # Beam logs every type hint it converts at INFO: only its warnings, and ours.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    log.setLevel(logging.INFO)
    # Before any thread starts, so every thread of the job inherits it (Linux: per thread).
    os.nice(NICENESS)
    status = JobStatus()
    server = ThreadingHTTPServer((args.host, args.port), _handler(status))
    threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
    run_forever(status)


if __name__ == "__main__":
    main()
