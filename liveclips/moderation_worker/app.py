"""The moderation worker (Cloud Run, min one instance): pulls chat.message in batches
for the AI moderation (liveclips/moderation_worker/batches.py) until it is stopped.

    python -m liveclips.moderation_worker.app --host 127.0.0.1 --port 8086

Serves /healthz (the last pass, and whether the loop is alive) for the platform's probe.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import uvicorn
from fastapi import FastAPI, Response
from google.cloud import pubsub_v1

from liveclips import resources
from liveclips.adapters.config import settings
from liveclips.moderation_worker import comments
from liveclips.moderation_worker.batches import Pass, run_once
from liveclips.settings import ModerationWorkerSettings, require

log = logging.getLogger("liveclips.moderation_worker")
# Fails the start, naming what is missing, when a variable the worker needs is not set.
require(ModerationWorkerSettings)
SUBSCRIPTION = resources.MODERATE_CHAT_SUBSCRIPTION
_IDLE_S = 0.2
_AFTER_ERROR_S = 2.0
app = FastAPI(title="liveclips moderation worker")
_state: dict[str, Any] = {"last": None, "alive": False, "errors": 0}


def loop(
    stop: threading.Event, name: str = SUBSCRIPTION, run: Callable[..., Pass] = run_once
) -> None:
    subscriber = pubsub_v1.SubscriberClient()
    subscription = subscriber.subscription_path(settings().gcp_project, name)
    _state["alive"] = True
    while not stop.is_set():
        try:
            outcome: Pass = run(subscriber, subscription)
        except Exception:  # the loop must outlive any one batch; the batch is redelivered
            log.exception("moderation pass failed")
            _state["errors"] += 1
            stop.wait(_AFTER_ERROR_S)
            continue
        _state["last"] = {**asdict(outcome), "at": time.time()}
        if outcome.pulled == 0:
            stop.wait(_IDLE_S)


@app.get("/healthz")
def healthz(response: Response) -> dict[str, Any]:
    if not _state["alive"]:
        response.status_code = 503
    return {"status": "ok" if _state["alive"] else "starting", **_state}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8086)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    stop = threading.Event()
    threading.Thread(target=loop, args=(stop,), daemon=True, name="moderation").start()
    # Comments (docs/social.md) in a loop of their own: chat's latency is not shared.
    threading.Thread(target=loop, args=(stop, resources.MODERATE_COMMENTS_SUBSCRIPTION,
                                        comments.run_once), daemon=True,
                     name="moderation-comments").start()  # fmt: skip
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        stop.set()


if __name__ == "__main__":
    main()
