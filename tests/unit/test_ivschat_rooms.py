"""The rooms the API makes per channel, as IVS Chat receives them (botocore's Stubber,
checked against the AWS model): the review handler and its fallback from the settings,
the chat rules' limits, the transcript's logging configuration."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from liveclips.adapters import ivschat_rooms
from liveclips.adapters.config import settings
from liveclips.domain.chat_rules import MAX_LENGTH

MODEL = botocore.session.get_session().get_service_model("ivschat")
CHANNEL = "aBcD1234eFgH"
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
HANDLER = "arn:aws:lambda:us-east-1:123456789012:function:liveclips-aws-prod-chatReview:provisioned"
LOGGING = "arn:aws:ivschat:us-east-1:123456789012:logging-configuration/Lg0123456789"
MADE = {"arn": ROOM, "id": "g1H2I3J4k5L6", "name": CHANNEL}


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = boto3.client(
        "ivschat", region_name="us-east-1", aws_access_key_id="k",
        aws_secret_access_key="s",  # noqa: S106  # the Stubber never sends a request
    )  # fmt: skip
    monkeypatch.setattr(ivschat_rooms, "client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIVECLIPS_CHAT_REVIEW_HANDLER_ARN", HANDLER)
    monkeypatch.setenv("LIVECLIPS_CHAT_ROOM_FALLBACK_RESULT", "ALLOW")
    monkeypatch.setenv("LIVECLIPS_CHAT_LOGGING_CONFIGURATION_ARN", LOGGING)
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("REVIEW_HANDLER_ARN", "ROOM_FALLBACK_RESULT", "LOGGING_CONFIGURATION_ARN"):
        monkeypatch.delenv(f"LIVECLIPS_CHAT_{name}", raising=False)
    settings.cache_clear()
    yield
    settings.cache_clear()


def _lists_none(stub: Stubber) -> None:
    stub.add_response(
        "list_rooms", {"rooms": []}, expected_params={"name": CHANNEL, "maxResults": 1}
    )


def shape_problems(shape: Any, value: Any, where: str = "") -> list[str]:
    """What AWS would refuse in `value` by the model's limits, patterns and enums, nested
    (botocore itself checks only types, required members and minimum lengths)."""
    found = []
    limits = shape.metadata
    if shape.type_name == "structure":
        for name, member in value.items():
            found += shape_problems(shape.members[name], member, f"{where}.{name}")
    elif shape.type_name == "list":
        for k, item in enumerate(value):
            found += shape_problems(shape.member, item, f"{where}[{k}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            found += shape_problems(shape.key, key, f"{where} key")
            found += shape_problems(shape.value, item, f"{where}[{key}]")
    size = value if shape.type_name == "integer" else len(value)
    if not limits.get("min", size) <= size <= limits.get("max", size):
        found.append(f"{where}: {size} outside {limits.get('min')}..{limits.get('max')}")
    if "pattern" in limits and not re.fullmatch(limits["pattern"], value):
        found.append(f"{where}: {value!r} does not match {limits['pattern']}")
    if getattr(shape, "enum", None) and value not in shape.enum:
        found.append(f"{where}: {value!r} not one of {shape.enum}")
    return found


CREATE_ROOM = MODEL.operation_model("CreateRoom").input_shape
assert CREATE_ROOM is not None


def test_a_new_channels_room_is_reviewed_by_the_handler_from_the_settings(
    stub: Stubber, configured: None
) -> None:
    expected: dict[str, Any] = {
        "name": CHANNEL,
        "tags": {"channel_id": CHANNEL},
        "maximumMessageLength": MAX_LENGTH,
        "maximumMessageRatePerSecond": 100,
        "messageReviewHandler": {"uri": HANDLER, "fallbackResult": "ALLOW"},
        "loggingConfigurationIdentifiers": [LOGGING],
    }
    _lists_none(stub)
    stub.add_response("create_room", MADE, expected_params=expected)
    assert ivschat_rooms.room_of_channel(CHANNEL) == ROOM
    stub.assert_no_pending_responses()
    assert shape_problems(CREATE_ROOM, expected) == []


def test_without_a_handler_set_the_room_has_none_as_locally(stub: Stubber, bare: None) -> None:
    expected: dict[str, Any] = {
        "name": CHANNEL,
        "tags": {"channel_id": CHANNEL},
        "maximumMessageLength": MAX_LENGTH,
        "maximumMessageRatePerSecond": 100,
    }
    _lists_none(stub)
    stub.add_response("create_room", MADE, expected_params=expected)
    assert ivschat_rooms.room_of_channel(CHANNEL) == ROOM
    stub.assert_no_pending_responses()
    assert ivschat_rooms.room_args(CHANNEL) == expected


def test_a_channel_with_a_room_gets_no_second_one(stub: Stubber, configured: None) -> None:
    stub.add_response(
        "list_rooms", {"rooms": [MADE]}, expected_params={"name": CHANNEL, "maxResults": 1}
    )
    assert ivschat_rooms.room_of_channel(CHANNEL) == ROOM
    stub.assert_no_pending_responses()  # and no create_room was asked for


def test_a_room_made_meanwhile_by_another_request_is_the_one(
    stub: Stubber, configured: None
) -> None:
    _lists_none(stub)
    stub.add_client_error("create_room", "ConflictException", http_status_code=409)
    stub.add_response(
        "list_rooms", {"rooms": [MADE]}, expected_params={"name": CHANNEL, "maxResults": 1}
    )
    assert ivschat_rooms.room_of_channel(CHANNEL) == ROOM
    stub.assert_no_pending_responses()


def test_the_model_check_catches_what_aws_would_refuse() -> None:
    wrong = {
        "name": CHANNEL,
        "maximumMessageLength": 501,
        "messageReviewHandler": {"uri": "arn:aws:sqs:us-east-1:1:q", "fallbackResult": "MAYBE"},
    }
    assert len(shape_problems(CREATE_ROOM, wrong)) == 3
