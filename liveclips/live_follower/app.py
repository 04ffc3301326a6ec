"""The live follower (Cloud Run, CPU always allocated, min one instance): pulls Recording
Start / End from `follow-live` and keeps one follow loop per live recording, each held by a
lease in Redis (liveclips/services/live_segments.py; ADR 0016).

    python -m liveclips.live_follower.app --host 127.0.0.1 --port 8092

Every few seconds each instance also looks for live recordings nobody holds (an instance
died, or Recording Start was handled by one that is gone) and resumes them from their
cursor. Serves /healthz (the recordings followed here) for the platform's probe.
"""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

import uvicorn
from fastapi import FastAPI, Response
from google.cloud import pubsub_v1

from liveclips import resources
from liveclips.adapters.config import settings
from liveclips.contracts.events import (
    DomainEvent,
    LimitBreached,
    RecordingStateChanged,
    StreamStateChanged,
    decode,
)
from liveclips.delivery import deliver
from liveclips.services import live_segments
from liveclips.settings import FunctionsSettings, require

log = logging.getLogger("liveclips.live_follower")
require(FunctionsSettings)  # the same clients as the highlight functions
SUBSCRIPTION = resources.FOLLOW_LIVE_SUBSCRIPTION
_SWEEP_S = 3.0
app = FastAPI(title="liveclips live follower")
_following: dict[str, threading.Thread] = {}
_state: dict[str, Any] = {"alive": False, "errors": 0}
_lock = threading.Lock()


def _adopt(target: live_segments.FollowTarget, stop: threading.Event) -> None:
    with _lock:
        running = _following.get(target.recording_id)
        if running is not None and running.is_alive():
            return
        token = live_segments.take_lease(target.recording_id)
        if token is None:
            return  # another instance follows it
        thread = threading.Thread(
            target=live_segments.follow,
            args=(target, stop, token),
            daemon=True,
            name=f"follow-{target.recording_id}",
        )
        _following[target.recording_id] = thread
        thread.start()
        log.info("following recording %s", target.recording_id)


def _handle(event: DomainEvent) -> None:
    if isinstance(event, RecordingStateChanged):
        target = live_segments.start(event)
        if target is not None:
            _adopt(target, _stop)


def pull_loop(stop: threading.Event) -> None:
    subscriber = pubsub_v1.SubscriberClient()
    path = subscriber.subscription_path(settings().gcp_project, SUBSCRIPTION)
    accepts = (StreamStateChanged, RecordingStateChanged, LimitBreached)
    _state["alive"] = True
    while not stop.is_set():
        try:
            answer = subscriber.pull(request={"subscription": path, "max_messages": 10}, timeout=5)
        except Exception:  # noqa: BLE001 - deadline exceeded when idle, emulator restarts
            stop.wait(0.2)
            continue
        done = []
        for received in answer.received_messages:
            data: bytes = received.message.data
            attributes = dict(received.message.attributes)

            def validate(
                data: bytes = data, attributes: dict[str, str] = attributes
            ) -> DomainEvent:
                return decode(accepts, data, attributes)

            try:
                deliver(
                    data,
                    source="follow_live",
                    attributes=attributes,
                    validate=validate,
                    handle=_handle,
                )
                done.append(received.ack_id)
            except Exception:  # redelivered
                log.exception("follow-live message failed")
                _state["errors"] += 1
        if done:
            subscriber.acknowledge(request={"subscription": path, "ack_ids": done})


def sweep_loop(stop: threading.Event) -> None:
    while not stop.wait(_SWEEP_S):
        try:
            for target in live_segments.active():
                _adopt(target, stop)
        except Exception:
            log.exception("sweep failed")


@app.get("/healthz")
def healthz(response: Response) -> dict[str, Any]:
    if not _state["alive"]:
        response.status_code = 503
    with _lock:
        following = sorted(k for k, t in _following.items() if t.is_alive())
    return {"status": "ok" if _state["alive"] else "starting", "following": following, **_state}


_stop = threading.Event()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8092)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # two requests per 2 s segment
    threading.Thread(target=pull_loop, args=(_stop,), daemon=True, name="pull").start()
    threading.Thread(target=sweep_loop, args=(_stop,), daemon=True, name="sweep").start()
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        _stop.set()


if __name__ == "__main__":
    main()
