"""One accelerated show through the local cloud while faults are injected, then the
malformed inputs every run sends, then a wait until everything has settled."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import pubsub_v1, tasks_v2
from google.pubsub_v1 import PubsubMessage

from liveclips.adapters import s3, tasks
from liveclips.adapters.config import settings
from liveclips.resources import DEAD_LETTER_TOPIC
from liveclips_dev.cli.broadcast import Sink, bridge_sink, ingest_sink
from liveclips_dev.localcloud.subscriptions import pull_now
from liveclips_dev.studio.channels import ensure_channel
from liveclips_dev.studio.run import StudioRun, run_studio
from liveclips_dev.studio.synth import PlantedMoment
from tests.faults import invariants
from tests.support import approve_pending, bearer, publish_raw

SHOW_S, SPEED = 50.0, 4.0
# After the detector's ~20 s of learning the room; the second ends too close to the end
# of the show to be decided live, so Recording End has to finish it.
PLANTED = (PlantedMoment(26.0, 30.0), PlantedMoment(41.0, 44.0))
SETTLE_TIMEOUT_S = 240.0


class DeadLetters:
    """A pull subscription on the dead-letter topic for one run. `reopen()` makes it again
    after a Pub/Sub restart (the emulator forgets every subscription)."""

    def __init__(self) -> None:
        self.subscriber = pubsub_v1.SubscriberClient()
        name = f"faults-dead-letter-{uuid.uuid4().hex[:8]}"
        self.path = self.subscriber.subscription_path(settings().gcp_project, name)
        self.received: list[PubsubMessage] = []
        self.reopen()

    def reopen(self) -> None:
        topic = f"projects/{settings().gcp_project}/topics/{DEAD_LETTER_TOPIC}"
        with suppress(AlreadyExists):
            self.subscriber.create_subscription(name=self.path, topic=topic)

    def drain(self) -> list[PubsubMessage]:
        while got := pull_now(self.subscriber, self.path):
            self.received += got
        return self.received

    def close(self) -> None:
        self.subscriber.delete_subscription(subscription=self.path)
        self.subscriber.close()


@dataclass
class Run:
    """What a fault run produced, for the invariants."""

    studio: StudioRun
    channel_id: str
    markers: dict[str, str]  # kind of malformed input -> the marker its bytes carry
    dead_letters: list[PubsubMessage] = field(default_factory=list)

    @property
    def recording_id(self) -> str:
        return self.studio.broadcast.recording_prefix.rsplit("/", 1)[-1]


def run_show(
    workdir: Path,
    *,
    eventbridge: Callable[[Sink], Sink] = lambda bridge: bridge,
    at_show_s: tuple[float, Callable[[DeadLetters], None]] | None = None,
) -> Run:
    """Broadcast the show (EventBridge wrapped by `eventbridge`), run `at_show_s`'s action
    once the show reaches that second (in its own thread, the show goes on), send the
    malformed inputs, and wait until the show has settled."""
    api = os.environ["LIVECLIPS_API_URL"]
    name = f"faults-{uuid.uuid4().hex[:8]}"
    channel = ensure_channel(api, bearer(f"{name}-creator", "creator"), name)
    dead = DeadLetters()
    action_thread: list[threading.Thread] = []

    def on_progress(t: float, _total: float) -> None:
        if at_show_s is not None and t >= at_show_s[0] and not action_thread:
            action_thread.append(threading.Thread(target=at_show_s[1], args=(dead,)))
            action_thread[0].start()

    try:
        studio = run_studio(
            "synthetic",
            s3=s3.client(),
            bucket=settings().recordings_bucket,
            channel_arn=channel["arn"],
            event_sink=ingest_sink(eventbridge(bridge_sink())),
            workdir=workdir,
            duration_s=SHOW_S,
            speed=SPEED,
            moments=PLANTED,
            serve_live=False,
            on_progress=on_progress,
        )
        for thread in action_thread:
            thread.join()
        run = Run(studio, channel["arn"].rsplit("/", 1)[-1], send_malformed_inputs())
        settle(api, run)
        run.dead_letters = _drained_after(dead, run)
        return run
    finally:
        dead.close()


def send_malformed_inputs() -> dict[str, str]:
    """One broken input at each door: an IVS event, a Pub/Sub message, a Cloud Task."""
    markers = {
        kind: f"malformed-{kind}-{uuid.uuid4().hex[:8]}" for kind in ("ivs", "pubsub", "task")
    }
    bridge_sink()(
        {"id": markers["ivs"], "source": "aws.ivs", "detail-type": "IVS Stream State Change",
         "detail": {"event_name": 42}}
    )  # fmt: skip
    publish_raw(
        "ivs-events",
        f'{{"stream_id": "{markers["pubsub"]}"}}'.encode(),
        type="stream.state_changed",
        schema_version="1",
        event_id=markers["pubsub"],
    )
    task = tasks_v2.Task(
        http_request=tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=settings().clip_worker_url,
            headers={"Content-Type": "application/json"},
            body=f'{{"clip_id": "{markers["task"]}"}}'.encode(),
        )
    )
    tasks._client().create_task(parent=tasks.queue_path(settings().render_queue), task=task)
    return markers


def settle(api: str, run: Run) -> None:
    """Wait until the show is over everywhere: the content team approving what waits for
    a person, as in production."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        approve_pending(api, run.recording_id)
        if invariants.settled(run.studio, run.recording_id):
            return
        time.sleep(1.0)


def _drained_after(dead: DeadLetters, run: Run) -> list[PubsubMessage]:
    """Every dead letter so far, waiting a little for the injected ones still on the way."""
    deadline = time.monotonic() + 30
    while True:
        letters = dead.drain()
        found = {k for k, marker in run.markers.items() if any(marker in _text(m) for m in letters)}
        if found == set(run.markers) or time.monotonic() > deadline:
            return letters
        time.sleep(0.5)


def _text(message: PubsubMessage) -> str:
    return message.data.decode(errors="replace")


@contextmanager
def background(work: Callable[[threading.Event], Any]) -> Iterator[None]:
    """Run `work(stop)` in a thread for the duration of the block."""
    stop = threading.Event()
    thread = threading.Thread(target=work, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
