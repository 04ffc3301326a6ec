"""Chat through the whole local path: the review Lambda publishes, the moderation worker
pulls in batches, OpenAI (stand-in) judges, IVS Chat (stand-in) is told, Spanner keeps
every verdict and the moderator queue shows the flagged ones."""

from __future__ import annotations

import json
import os
import secrets
import string
import time

import httpx
import pytest

from functions.aws.chat_review import lambda_handler
from liveclips.adapters import spanner_moderation
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import pull

pytestmark = pytest.mark.integration
_ALNUM = string.ascii_letters + string.digits


def message_id() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(12))  # IVS Chat's id shape


def say(room_arn: str, text: str, user: str) -> str:
    event = {
        "Content": text, "MessageId": message_id(), "RoomArn": room_arn, "Attributes": {},
        "Sender": {"UserId": user, "Attributes": {}},
    }  # fmt: skip
    answer = lambda_handler(event, LocalLambdaContext("chat-review"))
    assert answer["ReviewResult"] == "ALLOW"
    return event["MessageId"]


def wait_for_verdicts(room_id: str, ids: list[str], timeout_s: float = 60):
    deadline = time.monotonic() + timeout_s
    found = {}
    while time.monotonic() < deadline and len(found) < len(ids):
        for i in ids:
            if i not in found and (v := spanner_moderation.get(room_id, i)) is not None:
                found[i] = v
        time.sleep(0.3)
    return found


def ivs_chat_actions() -> list[dict]:
    return httpx.get(f"{os.environ['AWS_ENDPOINT_URL_IVSCHAT']}/_actions").json()["actions"]


def openai_control(body: dict | None = None) -> dict:
    url = os.environ["LIVECLIPS_OPENAI_BASE_URL"].removesuffix("/v1") + "/_control"
    answer = httpx.post(url, json=body) if body is not None else httpx.get(url)
    return answer.raise_for_status().json()


def test_flagged_chat_is_removed_its_author_disconnected_and_queued(cloud):
    room_id = secrets.token_hex(6)
    room_arn = f"arn:aws:ivschat:us-east-1:123456789012:room/{room_id}"
    with fresh_subscription("moderation-verdicts") as verdict_events:
        clean = say(room_arn, "what a play", "viewer-1")
        rude = say(room_arn, "you are such an idiot", "viewer-2")
        threat = say(room_arn, "i will find you", "viewer-3")
        verdicts = wait_for_verdicts(room_id, [clean, rude, threat])
        events = pull(verdict_events, at_least=3, timeout_s=10)

    assert verdicts[clean].verdict.action == "allow" and verdicts[clean].review_state == "NONE"
    assert verdicts[rude].verdict.action == "delete"
    assert verdicts[rude].verdict.categories == ["harassment"]
    assert verdicts[threat].verdict.action == "delete_and_disconnect"
    assert {verdicts[m].review_state for m in (rude, threat)} == {"OPEN"}
    actions = [a for a in ivs_chat_actions() if a["roomIdentifier"] == room_arn]
    assert sorted((a["operation"], a.get("id") or a.get("userId")) for a in actions) == sorted(
        [("DeleteMessage", rude), ("DeleteMessage", threat), ("DisconnectUser", "viewer-3")]
    )
    assert all(a["reason"].startswith("Removed by moderation") for a in actions)
    bodies = [json.loads(e.data) for e in events]
    assert {b["message_id"]: b["action"] for b in bodies if b["room_arn"] == room_arn} == {
        clean: "allow", rude: "delete", threat: "delete_and_disconnect",
    }  # fmt: skip


def test_an_openai_outage_delays_verdicts_but_loses_none(cloud):
    room_id = secrets.token_hex(6)
    room_arn = f"arn:aws:ivschat:us-east-1:123456789012:room/{room_id}"
    # Three failures: the worker's first pass gives up on the batch (pending, nacked);
    # Pub/Sub redelivers it and the next pass judges it.
    openai_control({"faults": [{"kind": "status", "status": 503, "count": 3}]})
    seen_before = len(openai_control()["requests"])
    rude = say(room_arn, "what a loser", "viewer-9")

    verdicts = wait_for_verdicts(room_id, [rude], timeout_s=60)

    tried = openai_control()["requests"][seen_before:]
    assert [r["fault"] for r in tried if r["endpoint"] == "moderations"][:4] == [
        "status", "status", "status", None,
    ]  # fmt: skip
    assert verdicts[rude].verdict.action == "delete"
    assert [a["id"] for a in ivs_chat_actions() if a.get("roomIdentifier") == room_arn] == [rude]
