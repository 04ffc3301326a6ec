"""The studio pages' events, fanned out from Pub/Sub to the pages connected here.

Every instance subscribes on its own (a subscription per topic, made at start, expiring a
day after its instance is gone), so each sees every event and hands it to the pages of
its channel; an event is for the pages, not a task, so nothing is redelivered to
another instance. Synchronous pulls, not streaming ones: the Pub/Sub emulator leaks
cancelled streams, and a page tolerates half a second.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import uuid
from collections import defaultdict
from typing import Any

from google.cloud import pubsub_v1

from liveclips import resources
from liveclips.adapters.config import settings

log = logging.getLogger("liveclips.studio_events")
# The show's highlights and clips; its chat (as the inline review let it through) and the
# AI moderation's verdict on each message, with what was done (delete, disconnect).
EVENT_TOPICS = (
    resources.HIGHLIGHTS_TOPIC,
    resources.CLIPS_TOPIC,
    resources.CHAT_MESSAGES_TOPIC,
    resources.MODERATION_VERDICTS_TOPIC,
)
_IDLE_EXPIRY = {"ttl": {"seconds": 24 * 3600}}
_RETENTION = {"seconds": 600}  # a page wants what happens now, not last hour's backlog
Page = queue.SimpleQueue[dict[str, Any]]


class Hub:
    """Every connected page's queue, by channel id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, list[Page]] = defaultdict(list)

    def listen(self, channel_id: str) -> Page:
        page: Page = queue.SimpleQueue()
        with self._lock:
            self._pages[channel_id].append(page)
        return page

    def leave(self, channel_id: str, page: Page) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._pages[channel_id].remove(page)

    def deliver(self, data: bytes, kind: str) -> None:
        """One Pub/Sub message to the pages of the channel it names (others: ignored)."""
        try:
            event = json.loads(data)
        except ValueError:
            return
        channel_id = event.get("channel_id") if isinstance(event, dict) else None
        if not isinstance(channel_id, str):
            return
        with self._lock:
            pages = list(self._pages.get(channel_id, ()))
        for page in pages:
            page.put({"type": kind, **event})


class Feed:
    """This instance's subscriptions of the EVENT_TOPICS, pulled into the hub."""

    def __init__(self, hub: Hub, label: str = "studio-events") -> None:
        self._hub, self._label = hub, label
        self._subscriber: pubsub_v1.SubscriberClient | None = None
        self.subscriptions: list[str] = []
        self._stop = threading.Event()

    def subscribe(self) -> None:
        """New subscriptions: what is published from now on."""
        if self._subscriber is None:
            self._subscriber = pubsub_v1.SubscriberClient()
        project, instance = settings().gcp_project, uuid.uuid4().hex[:8]
        self.subscriptions = []
        for topic in EVENT_TOPICS:
            path = self._subscriber.subscription_path(project, f"{self._label}-{topic}-{instance}")
            self._subscriber.create_subscription(
                request={
                    "name": path,
                    "topic": f"projects/{project}/topics/{topic}",
                    "expiration_policy": _IDLE_EXPIRY,
                    "message_retention_duration": _RETENTION,
                }
            )
            self.subscriptions.append(path)

    def start(self) -> None:
        """Subscribed before returning (so no event after start is missed), then pulled
        in a thread, subscribing again whenever Pub/Sub fails (e.g. it restarted)."""
        try:
            self.subscribe()
        except Exception:
            log.exception("studio events: subscribing failed; retrying")
        threading.Thread(target=self._run, name="studio-events", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        if self._subscriber is None:
            return
        for path in self.subscriptions:
            with contextlib.suppress(Exception):  # expiry removes what this cannot
                self._subscriber.delete_subscription(request={"subscription": path})

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.subscriptions:
                    self.subscribe()
                self._pull_until_stopped()
            except Exception:
                log.exception("studio events: pulling failed; subscribing again")
                self.subscriptions = []
                self._stop.wait(2)

    def _pull_until_stopped(self) -> None:
        while not self._stop.is_set():
            got = sum(self._pull(path) for path in self.subscriptions)
            if not got:
                self._stop.wait(0.5)

    def _pull(self, path: str) -> int:
        if self._subscriber is None:
            raise RuntimeError("pulling before subscribing")
        request = {"subscription": path, "max_messages": 100, "return_immediately": True}
        received = self._subscriber.pull(request=request, timeout=10).received_messages
        if received:
            acks = [m.ack_id for m in received]
            self._subscriber.acknowledge(request={"subscription": path, "ack_ids": acks})
        for each in received:
            self._hub.deliver(each.message.data, each.message.attributes.get("type", "message"))
        return len(received)
