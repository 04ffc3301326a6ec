"""The IVS bridge Lambda against the real Pub/Sub emulator and moto DynamoDB."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest

from functions.aws.ivs_bridge import lambda_handler
from liveclips_dev.localcloud.lambda_context import LocalLambdaContext
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.support import pull

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws"


@pytest.fixture
def bridge(emulators):
    def invoke(event):
        return lambda_handler(event, LocalLambdaContext("ivs-bridge"))

    return invoke


def stream_start() -> dict:
    event = json.loads((FIXTURES / "ivs-stream-state-stream-start.json").read_text())
    event["id"] = str(uuid.uuid4())
    return event


def test_an_event_delivered_twice_is_published_once(bridge):
    event = stream_start()
    with fresh_subscription("ivs-events") as sub:
        first = bridge(event)
        second = bridge(copy.deepcopy(event))
        messages = pull(sub, at_least=2, timeout_s=4)

    assert first["status"] == "published"
    assert second == first
    assert len(messages) == 1
    assert messages[0].attributes["type"] == "stream.state_changed"
    assert messages[0].attributes["event_id"] == event["id"]
    assert messages[0].ordering_key == "12345678-1a23-4567-a1bc-1a2b34567890"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"source": "aws.ivs", "detail-type": "IVS Stream State Change"}, "Field required"),
        ({"source": "aws.ec2", "detail-type": "EC2 Instance State-change"}, "unsupported event"),
        ("not even an object", "not valid JSON"),
    ],
)
def test_malformed_input_is_dead_lettered_with_its_reason(bridge, event, reason):
    with fresh_subscription("dead-letter") as sub:
        answer = bridge(event)
        messages = pull(sub)

    assert answer["status"] == "rejected"
    assert reason in answer["reason"]
    assert len(messages) == 1
    assert reason in messages[0].attributes["dead_letter_reason"]
    assert messages[0].attributes["dead_letter_source"] == "ivs_bridge"
    original = event if isinstance(event, str) else json.dumps(event)
    assert messages[0].data.decode() == original
