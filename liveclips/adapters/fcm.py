"""Firebase Cloud Messaging, HTTP v1 API: one `messages:send` request per device.

    POST {fcm_url}/v1/projects/{project}/messages:send
    Authorization: Bearer <OAuth 2.0 access token, scope firebase.messaging>
    {"message": {"token": ..., "notification": {"title", "body"}, "data": {...},
                 "android": {"collapse_key": ...}}}

A 404 (`UNREGISTERED`) or a 400 naming the token means the token is gone; 429 and 5xx are
retried (Pub/Sub redelivers). https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from liveclips.adapters.push import Outcome, PushFailed, PushMessage
from liveclips.adapters.social_config import social_settings
from liveclips.settings import local_mode

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_TIMEOUT_S = 10.0


class FcmSender:
    def __init__(self, base_url: str, project: str, access_token: Callable[[], str]) -> None:
        self._url = f"{base_url.rstrip('/')}/v1/projects/{project}/messages:send"
        self._token = access_token
        self._http = httpx.Client(timeout=_TIMEOUT_S)

    def send(self, token: str, message: PushMessage) -> Outcome:
        body: dict[str, Any] = {
            "token": token,
            "notification": {"title": message.title, "body": message.body},
            "data": message.data,
        }
        if message.collapse_key:
            body["android"] = {"collapse_key": message.collapse_key}
        try:
            response = self._http.post(
                self._url,
                json={"message": body},
                headers={"Authorization": f"Bearer {self._token()}"},
            )
        except httpx.HTTPError as error:
            raise PushFailed(f"FCM unreachable: {error}", retryable=True) from error
        if response.status_code == 200:
            return Outcome.DELIVERED
        status = _error_status(response)
        if response.status_code == 404 or status == "UNREGISTERED":
            return Outcome.UNREGISTERED
        if response.status_code == 400 and "token" in response.text.lower():
            return Outcome.UNREGISTERED  # INVALID_ARGUMENT about the registration token
        retryable = response.status_code == 429 or response.status_code >= 500
        raise PushFailed(f"FCM answered {response.status_code} {status}", retryable=retryable)


def _error_status(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return ""
    for detail in error.get("details", []):
        if isinstance(detail, dict) and detail.get("errorCode"):
            return str(detail["errorCode"])
    return str(error.get("status", ""))


def _google_token() -> Callable[[], str]:
    import google.auth  # noqa: PLC0415
    import google.auth.transport.requests  # noqa: PLC0415

    credentials, _ = google.auth.default(scopes=[SCOPE])
    request = google.auth.transport.requests.Request()

    def token() -> str:
        if not credentials.valid:
            credentials.refresh(request)
        return str(credentials.token)

    return token


def from_settings() -> FcmSender | None:
    config = social_settings()
    if not config.fcm_project:
        return None
    # The local stand-in takes any bearer; production gets Google's OAuth token.
    token = (lambda: "local") if local_mode() else _google_token()
    return FcmSender(config.fcm_url, config.fcm_project, token)
