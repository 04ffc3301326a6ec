"""Push notifications behind one interface: FCM HTTP v1 for Android and web, APNs for iOS.

A sender delivers one message to one device token and says whether the token is still
good; failures worth retrying raise PushFailed(retryable=True), so the Pub/Sub delivery
is retried. The providers are built once per process from the settings
(liveclips/adapters/social_config.py); locally both point at a stand-in of their documented API
(liveclips_dev/push_standin.py). docs/social.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from liveclips.errors import LiveclipsError


@dataclass(frozen=True)
class PushMessage:
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)  # what the app opens
    collapse_key: str | None = None  # a newer message with the same key replaces this one


class Outcome(StrEnum):
    DELIVERED = "delivered"
    UNREGISTERED = "unregistered"  # the app was removed or the token rotated: forget it


class PushFailed(LiveclipsError):
    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class PushSender(Protocol):
    def send(self, token: str, message: PushMessage) -> Outcome: ...


@lru_cache(maxsize=4)
def sender_for(platform: str) -> PushSender | None:
    """The configured sender of a device platform; None when its provider is not set up
    (the notification is skipped and logged, not retried forever)."""
    from liveclips.adapters import apns, fcm  # noqa: PLC0415  # built on first use only

    if platform in ("android", "web"):
        return fcm.from_settings()
    if platform == "ios":
        return apns.from_settings()
    return None
