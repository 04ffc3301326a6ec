"""Helpers the integration and end-to-end tests share."""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from google.cloud import pubsub_v1

from liveclips.adapters.config import settings
from liveclips.contracts.events import DomainEvent
from liveclips_dev.localcloud.dev_issuer import request_token
from liveclips_dev.localcloud.subscriptions import pull_now


def deliver(entry: Callable[[dict[str, Any], Any], None], event: DomainEvent) -> None:
    """Call a Cloud Function entry point in-process, with the body a push delivery has."""
    data = base64.b64encode(event.model_dump_json().encode()).decode()
    entry({"data": data, "attributes": event.envelope_attributes()}, None)


def publish_raw(topic: str, data: bytes, **attributes: str) -> None:
    """Publish bytes that our own adapter would refuse to send, as a broken producer might."""
    publisher = pubsub_v1.PublisherClient()
    publisher.publish(
        f"projects/{settings().gcp_project}/topics/{topic}", data, **attributes
    ).result()


def pull(
    subscription: str, *, at_least: int = 1, timeout_s: float = 10.0
) -> list[pubsub_v1.types.PubsubMessage]:
    """Synchronous pulls until `at_least` messages arrived or the time is up; acks them."""
    subscriber = pubsub_v1.SubscriberClient()
    received: list[pubsub_v1.types.PubsubMessage] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and len(received) < at_least:
            got = pull_now(subscriber, subscription)
            received.extend(got)
            if not got:
                time.sleep(0.2)
    finally:
        subscriber.close()
    return received


@functools.cache
def bearer(user: str, role: str = "viewer") -> dict[str, str]:
    """Authorization headers for `user` with `role`, signed by the running local issuer."""
    return {"Authorization": f"Bearer {request_token(settings().jwt_issuer, user, role)}"}


@contextmanager
def unlimited_rates() -> Iterator[None]:
    """For tests that send many requests as one user from one address (TestClient's)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("USER", "IP"):
            patch.setenv(f"LIVECLIPS_RATE_{name}_PER_S", "100000")
            patch.setenv(f"LIVECLIPS_RATE_{name}_BURST", "100000")
        settings.cache_clear()
        yield
    settings.cache_clear()


def approve_pending(api: str, recording_id: str) -> None:
    """The content team approves this recording's highlights that wait for a person."""
    with httpx.Client(
        base_url=api, headers=bearer("content-team", "moderator"), timeout=10
    ) as http:
        for waiting in http.get("/v1/highlights/pending").json():
            if waiting["recording_id"] == recording_id:
                http.post(f"/v1/highlights/{waiting['id']}/approve")
