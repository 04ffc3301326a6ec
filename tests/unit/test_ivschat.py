"""IVS Chat requests, checked against the AWS model with botocore's Stubber (moto has no
ivschat). botocore validates types, required members and minimum lengths before sending;
maximum lengths and patterns are AWS's to refuse, so they are checked here from the model."""

from __future__ import annotations

import re
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from liveclips.adapters import ivschat

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
MESSAGE_ID = "ABC123def456"  # IVS Chat ids: 12 letters and digits
EVENT = {"id": "Ev3nt1d00001"}  # DeleteMessage's answer, checked against the model too
MODEL = botocore.session.get_session().get_service_model("ivschat")


def model_problems(operation: str, params: dict[str, str]) -> list[str]:
    members = MODEL.operation_model(operation).input_shape.members
    found = []
    for name, value in params.items():
        limits = members[name].metadata
        if len(value) > limits.get("max", len(value)):
            found.append(f"{name} longer than {limits['max']}")
        if "pattern" in limits and not re.fullmatch(limits["pattern"], value):
            found.append(f"{name} does not match {limits['pattern']}")
    return found


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Any:
    client = boto3.client(
        "ivschat", region_name="us-east-1", aws_access_key_id="k",
        aws_secret_access_key="s",  # noqa: S106  # the Stubber never sends a request
    )  # fmt: skip
    monkeypatch.setattr(ivschat, "client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber


def test_delete_message_sends_the_room_the_id_and_the_reason(stub):
    expected = {"roomIdentifier": ROOM, "id": MESSAGE_ID, "reason": "Removed by moderation: hate"}
    stub.add_response("delete_message", EVENT, expected_params=expected)
    ivschat.delete_message(ROOM, MESSAGE_ID, "Removed by moderation: hate")
    stub.assert_no_pending_responses()
    assert model_problems("DeleteMessage", expected) == []


def test_disconnect_user_sends_the_room_the_user_and_the_reason(stub):
    expected = {"roomIdentifier": ROOM, "userId": "viewer-42", "reason": "Removed by moderation"}
    stub.add_response("disconnect_user", {}, expected_params=expected)
    ivschat.disconnect_user(ROOM, "viewer-42", "Removed by moderation")
    stub.assert_no_pending_responses()
    assert model_problems("DisconnectUser", expected) == []


def test_a_long_reason_is_cut_to_the_models_limit(stub):
    limit = MODEL.operation_model("DeleteMessage").input_shape.members["reason"].metadata["max"]
    assert limit == ivschat.REASON_MAX
    cut = "x" * (limit - 1) + "…"
    expected = {"roomIdentifier": ROOM, "id": MESSAGE_ID, "reason": cut}
    stub.add_response("delete_message", EVENT, expected_params=expected)
    ivschat.delete_message(ROOM, MESSAGE_ID, "x" * 1000)
    stub.assert_no_pending_responses()
    assert model_problems("DeleteMessage", {"reason": "x" * 1000}) == ["reason longer than 256"]


def test_a_message_id_that_is_not_ivs_chats_is_caught_by_the_model_check():
    assert model_problems("DeleteMessage", {"id": "not-an-ivs-id"}) == [
        "id longer than 12",
        "id does not match [a-zA-Z0-9]+",
    ]


def test_an_empty_reason_is_refused_before_it_leaves(stub):
    stub.add_response("disconnect_user", {})
    with pytest.raises(ParamValidationError, match="reason, value: 0, valid min length: 1"):
        ivschat.disconnect_user(ROOM, "viewer-42", "")


def test_aws_refusals_surface_as_chat_errors(stub):
    stub.add_client_error("delete_message", "ThrottlingException", http_status_code=429)
    with pytest.raises(ivschat.CHAT_ERRORS, match="ThrottlingException"):
        ivschat.delete_message(ROOM, MESSAGE_ID, "Removed by moderation: hate")
