"""Shows through the local cloud while it misbehaves, and the invariants after each:
every planted highlight has exactly one clip per preset, no orphan objects or half-made
rows, every stream final, every malformed input dead-lettered with its reason."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from threading import Event
from typing import Any

import httpx
import pytest

from liveclips.adapters import pubsub
from liveclips.adapters.config import settings
from liveclips.contracts.events import ChatMessagePosted
from liveclips_dev.cli.broadcast import Sink
from liveclips_dev.localcloud import procs
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.provision import provision_pubsub
from liveclips_dev.studio.ivs_events import STREAM_STATE_CHANGE
from tests.faults.harness import DeadLetters, background, run_show
from tests.faults.invariants import chat_verdicts, violations
from tests.faults.proxies import (
    DeliverTwice,
    FailEvery,
    HttpFaultProxy,
    LoseAcks,
    SpannerAborts,
)

pytestmark = [pytest.mark.integration, pytest.mark.faults]
_S3_SLOW_DOWN = (
    b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SlowDown</Code>"
    b"<Message>Please reduce your request rate.</Message></Error>"
)


@pytest.fixture
def faulty(local_cloud: LocalCloud, cloud: dict[str, str]) -> Iterator[LocalCloud]:
    """The shared cloud, put back as it was after the test, whatever the test changed."""
    try:
        yield local_cloud
    finally:
        provision_pubsub(cloud, cloud["LIVECLIPS_FUNCTIONS_URL"])
        local_cloud.restart_services(overrides={})


def twice_and_reordered(counts: Counter[str]) -> Callable[[Sink], Sink]:
    """EventBridge at its worst: every event delivered twice, and the stream's start held
    back until after its end."""

    def wrap(bridge: Sink) -> Sink:
        held: list[dict[str, Any]] = []

        def send(event: dict[str, Any]) -> None:
            detail = event.get("detail")
            name = detail.get("event_name", "") if isinstance(detail, dict) else ""
            if event.get("detail-type") == STREAM_STATE_CHANGE and name != "Stream End":
                held.append(event)
                counts["held"] += 1
                return
            for each in [event, *(held if name == "Stream End" else [])]:
                bridge(each)
                bridge(each)
                counts["twice"] += 1
            if name == "Stream End":
                held.clear()

        return send

    return wrap


def test_repeated_and_reordered_deliveries_change_nothing(faulty, tmp_path: Path):
    # GIVEN every IVS event twice and Stream Start after Stream End, one push in three
    # answered with a lost ack (so Pub/Sub delivers it again), every Cloud Task twice
    functions = faulty.env()["LIVECLIPS_FUNCTIONS_URL"]
    worker = settings().clip_worker_url.rsplit("/tasks", 1)[0]
    bridge: Counter[str] = Counter()
    with ExitStack() as stack:
        acks = stack.enter_context(HttpFaultProxy(functions, LoseAcks(one_in=3)))
        renders = stack.enter_context(HttpFaultProxy(worker, DeliverTwice()))
        submits = stack.enter_context(HttpFaultProxy(functions, DeliverTwice()))
        provision_pubsub(faulty.env(), acks.url)
        faulty.restart_services(
            overrides={
                "LIVECLIPS_CLIP_WORKER_URL": f"{renders.url}/tasks/render",
                "LIVECLIPS_VOD_SUBMIT_URL": f"{submits.url}/submit_vod_job",
            }
        )

        # WHEN a show with two planted moments goes through
        run = run_show(tmp_path, eventbridge=twice_and_reordered(bridge))

    # THEN every invariant holds, and every fault really happened
    assert violations(run) == []
    assert bridge["held"] >= 1 and bridge["twice"] >= 4
    assert acks.counts["injected"] > 0 and acks.counts["redelivered"] > 0
    assert renders.counts["injected"] >= 4  # 2 highlights x 2 presets, each twice
    assert submits.counts["injected"] >= 1


def kill_the_worker_mid_render(cloud: LocalCloud, kills: Counter[str]) -> Callable[[Event], None]:
    """Watch the clip worker; the first time it runs ffmpeg, SIGKILL it and start it again."""

    def watch(stop: Event) -> None:
        while not stop.wait(0.05):
            worker = cloud.status().get("clip-worker")
            if worker is None or not worker.pid_alive:
                continue
            proc = procs.Proc("clip-worker", worker.pid, None, worker.log)
            if any(_is_ffmpeg(pid) for pid in procs.group_members(proc)):
                cloud.kill("clip-worker")
                kills["clip-worker"] += 1
                cloud.restart_services(["clip-worker"])
                return

    return watch


def _is_ffmpeg(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0].endswith(b"ffmpeg")
    except OSError:
        return False


def chat_during_the_show(room: str, sent: list[ChatMessagePosted]) -> Callable[[Event], None]:
    """A viewer chatting through the show, now and then something the moderation flags."""

    def chat(stop: Event) -> None:
        lines = ("what a play", "you are an idiot", "gg", "so good", "i will find you")
        while not stop.wait(0.5) and len(sent) < 20:
            message = ChatMessagePosted(
                event_id=str(uuid.uuid4()),
                occurred_at=datetime.now(UTC),
                channel_id="FaultsChatChannel",  # not the show's: chat would move highlights
                message_id=f"faults-{uuid.uuid4().hex[:12]}",
                user_id=f"viewer-{len(sent) % 4}",
                text=lines[len(sent) % len(lines)],
                room_arn=f"arn:aws:ivschat:us-east-1:123456789012:room/{room}",
            )
            pubsub.publish("chat-messages", message)
            sent.append(message)

    return chat


def test_crashes_aborts_and_transient_failures_lose_nothing(faulty, tmp_path: Path):
    # GIVEN one Spanner commit in four aborted, one S3 request in five answered SlowDown,
    # OpenAI failing its next requests, and the clip worker killed in its first render
    env = faulty.env()
    openai = env["LIVECLIPS_OPENAI_BASE_URL"].removesuffix("/v1")
    failures = [{"kind": "status", "status": s, "count": 2} for s in (500, 429, 503)]
    room, kills = f"FaultsRoom{uuid.uuid4().hex[:6]}", Counter[str]()
    chat: list[ChatMessagePosted] = []
    with ExitStack() as stack:
        aborts = stack.enter_context(SpannerAborts(env["SPANNER_EMULATOR_HOST"], every=4))
        moto = HttpFaultProxy(env["AWS_ENDPOINT_URL"], FailEvery(5, 503, _S3_SLOW_DOWN))
        flaky_s3 = stack.enter_context(moto)
        faulty.restart_services(
            overrides={"SPANNER_EMULATOR_HOST": aborts.host, "AWS_ENDPOINT_URL": flaky_s3.url}
        )
        # After the restart: the stand-in keeps its faults in memory.
        httpx.post(f"{openai}/_control", json={"faults": failures}).raise_for_status()
        stack.enter_context(background(kill_the_worker_mid_render(faulty, kills)))
        stack.enter_context(background(chat_during_the_show(room, chat)))

        # WHEN a show with two planted moments goes through
        run = run_show(tmp_path)
        verdicts = _verdicts_when_all_in(room, chat)

    # THEN every invariant holds, every chat message has exactly one verdict, and every
    # fault really happened
    assert violations(run) == []
    assert sorted(verdicts) == sorted(m.message_id for m in chat)
    assert len(chat) >= 10
    assert aborts.counts["aborted"] > 0 and flaky_s3.counts["injected"] > 0
    assert kills["clip-worker"] == 1
    seen = httpx.get(f"{openai}/_control").json()["requests"]
    assert sum(1 for r in seen if r["fault"] == "status") == len(failures) * 2


def _verdicts_when_all_in(room: str, chat: list[ChatMessagePosted]) -> list[str]:
    deadline = time.monotonic() + 60
    while True:
        stored = chat_verdicts(room)
        if len(stored) >= len(chat) or time.monotonic() > deadline:
            return stored
        time.sleep(1.0)


def never_telling_of_segment(index: int, lost: list[str]) -> Callable[[Sink], Sink]:
    """EventBridge losing the S3 Object Created events of one recording segment (all its
    renditions): delivery is best-effort."""
    suffix = f"/{index}.ts"

    def wrap(bridge: Sink) -> Sink:
        def send(event: dict[str, Any]) -> None:
            key = str((event.get("detail") or {}).get("object", {}).get("key", ""))
            if "/media/hls/" in key and key.endswith(suffix):
                lost.append(key)
                return
            bridge(event)

        return send

    return wrap


def test_lost_events_and_a_pubsub_restart_lose_no_highlight(faulty, tmp_path: Path):
    # GIVEN the S3 events of the segment before the first planted moment never come, and
    # the Pub/Sub emulator restarts a third into the show: everything it held is gone,
    # and until it is provisioned again every publish fails
    restarted, lost = [], []

    def restart(dead_letters: DeadLetters) -> None:
        faulty.restart_emulator("pubsub")
        dead_letters.reopen()
        restarted.append(True)

    # WHEN a show with two planted moments goes through
    run = run_show(
        tmp_path, eventbridge=never_telling_of_segment(1, lost), at_show_s=(18.0, restart)
    )

    # THEN every invariant holds: the detector read the lost segment from the recording
    assert violations(run) == []
    assert restarted and lost
    functions_log = faulty.status()["functions"].log.read_text()
    assert f"recording {run.recording_id}: segments 1-1 never arrived" in functions_log
