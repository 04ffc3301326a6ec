"""The chat review Lambda on real Redis and the Pub/Sub emulator, inside IVS's budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from functions.aws import chat_review
from functions.aws.chat_review import lambda_handler
from liveclips.adapters import chat_limits
from liveclips.adapters.config import settings
from liveclips.contracts.chat import RoomRules
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import pull

pytestmark = pytest.mark.integration
IVS_BUDGET_S = 0.2
ROOT = Path(__file__).resolve().parents[2]


def room() -> str:
    return f"arn:aws:ivschat:us-east-1:123456789012:room/{uuid.uuid4().hex[:12]}"


def request(room_arn: str, text: str, user: str = "viewer-1") -> dict:
    return {
        "Content": text,
        "MessageId": uuid.uuid4().hex,
        "RoomArn": room_arn,
        "Attributes": {"color": "blue"},
        "Sender": {"UserId": user, "Ip": "192.0.2.1", "Attributes": {}},
    }


def send(event) -> dict:
    started = time.perf_counter()
    answer = lambda_handler(event, LocalLambdaContext("chat-review", timeout_s=0.2))
    assert time.perf_counter() - started < IVS_BUDGET_S
    return answer


def test_an_allowed_message_is_answered_and_published(emulators):
    arn = room()
    chat_limits.set_rules(arn, RoomRules(channel_id="ChatChannel01"))
    with fresh_subscription("chat-messages") as sub:
        answer = send(request(arn, "what a play!"))
        published = pull(sub, timeout_s=5)

    assert answer == {"ReviewResult": "ALLOW"}
    body = json.loads(published[0].data)
    assert (body["channel_id"], body["user_id"], body["text"]) == (
        "ChatChannel01", "viewer-1", "what a play!",
    )  # fmt: skip
    assert published[0].attributes["type"] == "chat.message"


def test_a_room_named_by_ivs_takes_its_channel_from_the_senders_token(emulators):
    # GIVEN a production room: an id of IVS's own, no rules cached for it, and a sender
    # whose chat token the API signed with the channel
    event = request(room(), "what a play!")
    event["Sender"]["Attributes"] = {"channel_id": "TokenChannel1", "role": "viewer"}
    with fresh_subscription("chat-messages") as sub:
        send(event)
        published = pull(sub, timeout_s=5)
    # THEN the message counts for that channel, not for a channel named like the room
    assert json.loads(published[0].data)["channel_id"] == "TokenChannel1"


def test_a_masked_message_comes_back_changed_and_is_published_masked(emulators):
    arn = room()
    with fresh_subscription("chat-messages") as sub:
        answer = send(request(arn, "f u c k yeah"))
        published = pull(sub, timeout_s=5)

    assert answer["ReviewResult"] == "ALLOW"
    assert answer["Content"] == "* * * * yeah"
    assert answer["Attributes"] == {"color": "blue", "review": "redacted 1 term(s)"}
    assert json.loads(published[0].data)["text"] == "* * * * yeah"


def test_a_users_sixth_message_in_ten_seconds_is_denied_but_others_still_talk(emulators):
    arn = room()
    answers = [send(request(arn, f"message {i}"))["ReviewResult"] for i in range(6)]
    assert answers == ["ALLOW"] * 5 + ["DENY"]
    assert send(request(arn, "me too", user="viewer-2"))["ReviewResult"] == "ALLOW"


def test_the_same_message_twice_is_a_flood(emulators):
    arn = room()
    assert send(request(arn, "first!"))["ReviewResult"] == "ALLOW"
    assert send(request(arn, "FIRST! "))["ReviewResult"] == "DENY"


def test_the_rooms_own_rules_apply_from_redis(emulators):
    arn = room()
    chat_limits.set_rules(
        arn, RoomRules(denied=["rosebud"], allowed_domains=["liveclips.app"], user_limit=50)
    )
    assert send(request(arn, "r0s3bud was the sled"))["ReviewResult"] == "DENY"
    assert send(request(arn, "clip: liveclips.app/c/1"))["ReviewResult"] == "ALLOW"
    assert send(request(arn, "buy at cheap.ru"))["ReviewResult"] == "DENY"


def test_without_redis_the_text_rules_still_answer_in_time(emulators, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    settings.cache_clear()
    chat_limits.client.cache_clear()
    chat_limits._script.cache_clear()
    try:
        assert send(request(room(), "hello"))["ReviewResult"] == "ALLOW"
        assert send(request(room(), "kys"))["ReviewResult"] == "DENY"
    finally:
        monkeypatch.undo()
        settings.cache_clear()
        chat_limits.client.cache_clear()
        chat_limits._script.cache_clear()


@pytest.mark.parametrize(
    ("event", "complaint"),
    [
        ({"Content": "hi"}, "MessageId: Field required"),
        ({**request(room(), "hi"), "RoomArn": "arn:aws:s3:::bucket"}, "RoomArn"),
        ({**request(room(), "hi"), "Sender": {"Ip": "1.2.3.4"}}, "Sender.UserId"),
        ("not json at all", "not an IVS Chat review request"),
    ],
)
def test_a_malformed_request_gets_the_fallback_and_a_dead_letter(emulators, event, complaint):
    with fresh_subscription("dead-letter") as dead:
        answer = send(event)
        letters = pull(dead, timeout_s=5)

    assert answer == {"ReviewResult": settings().chat_review_fallback}
    assert letters and complaint in letters[0].attributes["dead_letter_reason"]
    assert letters[0].attributes["dead_letter_source"] == "chat_review"


NO_CREDENTIALS_REVIEW = """
import json, sys
from functions.aws import chat_review
from functions.aws.chat_review import lambda_handler
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
print(json.dumps(lambda_handler(json.loads(sys.argv[1]), LocalLambdaContext("chat-review"))))
"""


def test_without_pubsub_credentials_a_message_is_allowed_kept_and_sent_later(emulators):
    # GIVEN a Lambda with no way to Google (no emulator, no credentials, no metadata server)
    gone = {"PUBSUB_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG"}
    env = {k: v for k, v in os.environ.items() if k not in gone}
    env.update(GCE_METADATA_HOST="127.0.0.1:9", GCE_METADATA_IP="127.0.0.1:9",
               CLOUDSDK_CONFIG="/nonexistent", PYTHONPATH=str(ROOT))  # fmt: skip
    arn = room()
    chat_limits.set_rules(arn, RoomRules(channel_id="KeptChannel01"))
    kept = request(arn, "what a save")
    chat_limits.client().delete(chat_limits.UNPUBLISHED_KEY)
    # WHEN it reviews an allowed message
    answered = subprocess.run(
        [sys.executable, "-c", NO_CREDENTIALS_REVIEW, json.dumps(kept)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    # THEN IVS gets its answer, not an exception, and the message is kept
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout.splitlines()[-1]) == {"ReviewResult": "ALLOW"}
    assert chat_limits.client().llen(chat_limits.UNPUBLISHED_KEY) == 1
    # AND the next review that can publish sends it, after its own
    with fresh_subscription("chat-messages") as sub:
        chat_review._kept["may_wait"] = True
        send(request(arn, "and again"))
        published = pull(sub, timeout_s=10, at_least=2)
    texts = [json.loads(m.data)["text"] for m in published]
    assert sorted(texts) == ["and again", "what a save"]
    assert chat_limits.client().llen(chat_limits.UNPUBLISHED_KEY) == 0
