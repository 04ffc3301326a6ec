"""The FCM HTTP v1 and APNs adapters against a local stand-in of the documented APIs:
the request shapes, what each answer means (delivered, unregistered, retry, refused)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from liveclips.adapters.apns import TOKEN_REUSE_S, ApnsSender
from liveclips.adapters.fcm import FcmSender
from liveclips.adapters.push import Outcome, PushFailed, PushMessage
from liveclips_dev.push_standin import PushStandIn

MESSAGE = PushMessage("Show is live", "Tap to watch now.", {"stream_id": "st1"}, "live-ch1")


def _key() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()  # fmt: skip
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    return private, key.public_key().public_bytes(serialization.Encoding.PEM, spki).decode()


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return _key()


@pytest.fixture
def standin(keys: tuple[str, str]) -> Iterator[PushStandIn]:
    server = PushStandIn(apns_public_key=keys[1]).start()
    yield server
    server.stop()


def test_fcm_sends_the_v1_message_shape(standin: PushStandIn) -> None:
    sender = FcmSender(standin.url, "proj-1", lambda: "oauth-token")
    assert sender.send("fcm-token", MESSAGE) is Outcome.DELIVERED
    (got,) = standin.received
    assert got.headers["authorization"] == "Bearer oauth-token"
    assert got.body == {"message": {
        "token": "fcm-token",
        "notification": {"title": "Show is live", "body": "Tap to watch now."},
        "data": {"stream_id": "st1"},
        "android": {"collapse_key": "live-ch1"},
    }}  # fmt: skip


def test_fcm_unregistered_and_failures(standin: PushStandIn) -> None:
    sender = FcmSender(standin.url, "proj-1", lambda: "oauth-token")
    assert sender.send("gone-token", MESSAGE) is Outcome.UNREGISTERED
    with pytest.raises(PushFailed) as down:
        FcmSender("http://127.0.0.1:9", "proj-1", lambda: "x").send("t", MESSAGE)
    assert down.value.retryable


def test_apns_sends_a_signed_alert(standin: PushStandIn, keys: tuple[str, str]) -> None:
    start = float(int(time.time()))
    clock = [start]
    sender = ApnsSender(standin.url, team_id="TEAM123456", key_id="KEY1234567",
                        private_key=keys[0], topic="app.liveclips.viewer",
                        clock=lambda: clock[0])  # fmt: skip
    assert sender.send("devicetoken1", MESSAGE) is Outcome.DELIVERED
    (got,) = standin.received
    token = got.headers["authorization"].removeprefix("bearer ")
    assert jwt.get_unverified_header(token)["kid"] == "KEY1234567"
    claims = jwt.decode(token, keys[1], algorithms=["ES256"])
    assert claims == {"iss": "TEAM123456", "iat": int(start)}
    assert got.headers["apns-topic"] == "app.liveclips.viewer"
    assert got.headers["apns-push-type"] == "alert"
    assert got.headers["apns-priority"] == "10"
    assert got.headers["apns-collapse-id"] == "live-ch1"
    assert int(got.headers["apns-expiration"]) == int(start) + 3600
    assert got.body == {"aps": {"alert": {"title": "Show is live", "body": "Tap to watch now."},
                                "sound": "default"}, "stream_id": "st1"}  # fmt: skip
    # The provider token is reused, then re-signed once it is old.
    assert sender.provider_token() == token
    clock[0] += TOKEN_REUSE_S
    assert sender.provider_token() != token


def test_apns_unregistered_and_a_wrong_key(standin: PushStandIn, keys: tuple[str, str]) -> None:
    good = ApnsSender(standin.url, team_id="T", key_id="K", private_key=keys[0], topic="app")
    assert good.send("gone-device", MESSAGE) is Outcome.UNREGISTERED
    other, _ = _key()
    wrong = ApnsSender(standin.url, team_id="T", key_id="K", private_key=other, topic="app")
    with pytest.raises(PushFailed) as refused:
        wrong.send("devicetoken1", MESSAGE)
    assert not refused.value.retryable and "InvalidProviderToken" in str(refused.value)
