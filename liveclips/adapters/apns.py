"""Apple Push Notification service, token-based (.p8 key, ES256 JWT), HTTP/2.

    POST {apns_url}/3/device/<device token>
    authorization: bearer <JWT {alg: ES256, kid: key id} {iss: team id, iat}>
    apns-topic: <bundle id>   apns-push-type: alert   apns-priority: 10
    apns-expiration: <unix s>   apns-collapse-id: <key>
    {"aps": {"alert": {"title", "body"}, "sound": "default"}, ...data}

200 is delivered; 410 (Unregistered) or 400 BadDeviceToken means the token is gone;
403 ExpiredProviderToken re-signs; 429 and 5xx are retried. The provider token is reused
for 50 minutes (Apple refuses refreshing more often than every 20).
https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
import jwt

from liveclips.adapters.push import Outcome, PushFailed, PushMessage
from liveclips.adapters.social_config import social_settings

log = logging.getLogger("liveclips.push")
TOKEN_REUSE_S = 50 * 60
EXPIRATION_S = 3600  # a go-live older than an hour is not worth showing
_TIMEOUT_S = 10.0
# APNs speaks HTTP/2 only (httpx with the h2 package, pinned). The local stand-in speaks
# HTTP/1.1 on plain http, which httpx uses for http:// URLs anyway.
_GONE = {"BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"}


class ApnsSender:
    def __init__(
        self, base_url: str, *, team_id: str, key_id: str, private_key: str, topic: str,
        clock: Callable[[], float] = time.time,
    ) -> None:  # fmt: skip
        self._base = base_url.rstrip("/")
        self._team, self._kid, self._key, self._topic = team_id, key_id, private_key, topic
        self._clock = clock
        self._jwt: tuple[str, float] | None = None
        self._http = httpx.Client(timeout=_TIMEOUT_S, http2=True)

    def provider_token(self) -> str:
        now = self._clock()
        if self._jwt is None or now - self._jwt[1] >= TOKEN_REUSE_S:
            signed = jwt.encode({"iss": self._team, "iat": int(now)}, self._key,
                                algorithm="ES256", headers={"kid": self._kid})  # fmt: skip
            self._jwt = (signed, now)
        return self._jwt[0]

    def send(self, token: str, message: PushMessage) -> Outcome:
        headers = {
            "authorization": f"bearer {self.provider_token()}",
            "apns-topic": self._topic,
            "apns-push-type": "alert",
            "apns-priority": "10",
            "apns-expiration": str(int(self._clock()) + EXPIRATION_S),
        }
        if message.collapse_key:
            headers["apns-collapse-id"] = message.collapse_key[:64]
        payload = {"aps": {"alert": {"title": message.title, "body": message.body},
                           "sound": "default"}, **message.data}  # fmt: skip
        try:
            response = self._http.post(f"{self._base}/3/device/{token}", json=payload,
                                       headers=headers)  # fmt: skip
        except httpx.HTTPError as error:
            raise PushFailed(f"APNs unreachable: {error}", retryable=True) from error
        if response.status_code == 200:
            return Outcome.DELIVERED
        reason = _reason(response)
        if response.status_code == 410 or reason in _GONE:
            return Outcome.UNREGISTERED
        if reason == "ExpiredProviderToken":
            self._jwt = None
            raise PushFailed("APNs: provider token expired", retryable=True)
        retryable = response.status_code == 429 or response.status_code >= 500
        raise PushFailed(f"APNs answered {response.status_code} {reason}", retryable=retryable)


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("reason", ""))
    except ValueError:
        return ""


def from_settings() -> ApnsSender | None:
    config = social_settings()
    if not (config.apns_team_id and config.apns_key_id and config.apns_private_key
            and config.apns_topic):  # fmt: skip
        return None
    return ApnsSender(config.apns_url, team_id=config.apns_team_id, key_id=config.apns_key_id,
                      private_key=config.apns_private_key.replace("\\n", "\n"),
                      topic=config.apns_topic)  # fmt: skip
