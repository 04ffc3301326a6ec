"""The local cloud's engagement-job service (liveclips_dev/localcloud/engagement_job.py):
the production job's own flags on the local subscription, a failed job started again,
and /healthz saying which, without a cloud (the job's start is replaced)."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from liveclips_dev.localcloud import engagement_job
from pipelines.engagement import pipeline


class Stop(Exception):
    """Ends run_forever's loop from its pause."""


def test_the_job_runs_with_the_pipelines_own_flags_on_the_local_subscription() -> None:
    argv = engagement_job.job_argv("liveclips-local", "liveclips", "analytics")
    known, rest = pipeline._parser().parse_known_args(argv)
    assert rest == []
    assert known.mode == "streaming"
    assert known.subscription == (
        f"projects/liveclips-local/subscriptions/{engagement_job.SUBSCRIPTION}"
    )
    assert (known.spanner_project, known.spanner_instance, known.spanner_database) == (
        "liveclips-local", "liveclips", "analytics",
    )  # fmt: skip


def test_a_failed_job_is_started_again_and_healthz_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status = engagement_job.JobStatus()
    calls: list[list[str]] = []
    seen: list[tuple[str, int, str | None]] = []

    class Finished:
        def wait_until_finish(self) -> None:
            return None

    def start(argv: list[str]) -> Any:
        calls.append(argv)
        if len(calls) == 1:
            raise RuntimeError("pull: 404 subscription not found")
        return Finished()

    def pause(_: float) -> None:
        seen.append((status.state, status.runs, status.last_error))
        if len(seen) == 2:
            raise Stop

    monkeypatch.setattr(engagement_job, "ensure_subscription", lambda project: None)
    monkeypatch.setattr(pipeline, "start", start)
    with pytest.raises(Stop):
        engagement_job.run_forever(status, restart_after_s=0, pause=pause)

    assert len(calls) == 2
    assert seen[0] == ("restarting", 0, "RuntimeError: pull: 404 subscription not found")
    assert seen[1] == ("restarting", 1, "the streaming job finished on its own")


@pytest.mark.parametrize(
    ("state", "code"), [("starting", 200), ("running", 200), ("restarting", 503)]
)
def test_healthz_answers_503_only_while_the_job_is_down(state: str, code: int) -> None:
    status = engagement_job.JobStatus(state=state, runs=3, last_error=None)
    server = ThreadingHTTPServer(("127.0.0.1", 0), engagement_job._handler(status))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = httpx.get(f"http://127.0.0.1:{server.server_address[1]}/healthz", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert answer.status_code == code
    assert json.loads(answer.text) == {"job": state, "runs": 3, "last_error": None}
