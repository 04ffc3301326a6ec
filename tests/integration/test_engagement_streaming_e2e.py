"""The streaming engagement job on the emulators: events posted to the ingest API reach
Pub/Sub, the Beam job (BundleBasedDirectRunner) windows them by event time and upserts
the aggregates into the PostgreSQL-dialect `analytics` database."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from google.cloud import spanner

from liveclips.adapters.config import settings
from liveclips.api.app import app
from tests.support import bearer

pytestmark = pytest.mark.integration


def heartbeat(stream: str, session: str, at: datetime) -> dict:
    return {"event_id": uuid.uuid4().hex, "kind": "heartbeat", "session_id": session,
            "occurred_at": at.isoformat(), "stream_id": stream, "channel_id": "ch-stream",
            "position_s": 12.0}  # fmt: skip


@pytest.fixture
def streaming_job(emulators, tmp_path):
    subscription = f"projects/{settings().gcp_project}/subscriptions/engagement"
    log = (tmp_path / "job.log").open("w")
    job = subprocess.Popen(
        [sys.executable, "-m", "pipelines.engagement.pipeline", "--mode", "streaming",
         "--subscription", subscription],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield job
    finally:
        job.terminate()
        job.wait(10)
        log.close()


def test_posted_events_become_per_minute_viewers_in_spanner(streaming_job):
    http = TestClient(app, headers=bearer("viewer-1"))
    stream = f"st-{uuid.uuid4().hex[:10]}"
    minute = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=5, microsecond=0)
    sent = [heartbeat(stream, f"s{i}", minute + timedelta(seconds=i)) for i in range(4)]
    assert http.post("/v1/events", json={"events": sent}).json()["accepted"] == 4

    db = (
        spanner.Client(project=settings().gcp_project)
        .instance(settings().spanner_instance)
        .database("analytics")
    )
    rows: list = []
    deadline = time.monotonic() + 120
    while not rows and time.monotonic() < deadline:
        assert streaming_job.poll() is None, "the streaming job exited"
        # Fresh events from another stream move the watermark past the minute.
        http.post("/v1/events", json={"events": [heartbeat("st-tick", "t", datetime.now(UTC))]})
        time.sleep(2)
        with db.snapshot() as snapshot:
            rows = list(snapshot.execute_sql(
                "SELECT minute, viewers FROM concurrent_viewers WHERE stream_id = $1",
                params={"p1": stream}, param_types={"p1": spanner.param_types.STRING},
            ))  # fmt: skip

    assert [(r[0].replace(tzinfo=UTC), r[1]) for r in rows] == [(minute.replace(second=0), 4)]
