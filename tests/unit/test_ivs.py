"""The IVS requests the adapter sends, under botocore's Stubber, and checked against the
AWS model the way AWS checks them (patterns, enums, lengths:
liveclips_dev/localcloud/aws_wire.py)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import botocore.session
import jwt
import pytest
from botocore.stub import Stubber
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from liveclips.adapters import ivs, ivs_playback
from liveclips.adapters.config import settings
from liveclips_dev.localcloud.aws_wire import problems

MODEL = botocore.session.get_session().get_service_model("ivs")
CHANNEL = "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGh1234"
KEY = "arn:aws:ivs:us-east-1:123456789012:stream-key/g1H2I3J4k5L6"
RECORDING = "arn:aws:ivs:us-east-1:123456789012:recording-configuration/Rec0nfig0001"


def model_problems(operation: str, params: dict[str, Any]) -> list[str]:
    return problems(MODEL.shape_for(f"{operation}Request"), params)


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Any:
    client = boto3.client(
        "ivs", region_name="us-east-1", aws_access_key_id="k",
        aws_secret_access_key="s",  # noqa: S106  # the Stubber never sends a request
    )  # fmt: skip
    monkeypatch.setattr(ivs, "client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def created(authorized: bool) -> dict[str, Any]:
    return {
        "channel": {
            "arn": CHANNEL, "name": "ana-show", "latencyMode": "LOW", "type": "STANDARD",
            "authorized": authorized, "ingestEndpoint": "abc.global-contribute.live-video.net",
            "playbackUrl": "https://abc.us-east-1.playback.live-video.net/api/video/v1/x.m3u8",
        },
        "streamKey": {"arn": KEY, "channelArn": CHANNEL, "value": "sk_us-east-1_secret"},
    }  # fmt: skip


@pytest.mark.parametrize("recording", [None, RECORDING])
def test_create_channel_sends_the_owner_tag_privacy_and_recording(stub, monkeypatch, recording):
    monkeypatch.setattr(settings(), "ivs_recording_configuration_arn", recording)
    expected = {"name": "ana-show", "latencyMode": "LOW", "type": "STANDARD",
                "authorized": True, "tags": {"owner": "ana"}}  # fmt: skip
    if recording:
        expected["recordingConfigurationArn"] = recording
    stub.add_response("create_channel", created(True), expected_params=expected)

    made = ivs.create_channel(
        name="ana-show", latency_mode="LOW", channel_type="STANDARD", private=True, owner="ana"
    )

    assert (made.channel_id, made.authorized, made.stream_key.arn) == ("AbCdEfGh1234", True, KEY)
    assert made.stream_key.value == "sk_us-east-1_secret"
    assert model_problems("CreateChannel", expected) == []


def test_stream_key_rotation_requests(stub):
    stub.add_response(
        "list_stream_keys",
        {"streamKeys": [{"arn": KEY, "channelArn": CHANNEL}]},
        expected_params={"channelArn": CHANNEL},
    )
    stub.add_response("delete_stream_key", {}, expected_params={"arn": KEY})
    stub.add_response(
        "create_stream_key",
        {"streamKey": {"arn": KEY[:-1] + "7", "channelArn": CHANNEL, "value": "sk_new"}},
        expected_params={"channelArn": CHANNEL, "tags": {"owner": "ana"}},
    )

    assert ivs.stream_key_arns(CHANNEL) == [KEY]
    ivs.delete_stream_key(KEY)
    assert ivs.create_stream_key(CHANNEL, "ana") == ivs.StreamKey(KEY[:-1] + "7", "sk_new")
    assert model_problems("DeleteStreamKey", {"arn": KEY}) == []
    assert model_problems("CreateStreamKey", {"channelArn": CHANNEL, "tags": {"owner": "a"}}) == []


def test_put_metadata_sends_the_channel_and_the_json(stub):
    metadata = json.dumps({"type": "clip_that", "marker_id": "m-1"})
    expected = {"channelArn": CHANNEL, "metadata": metadata}
    stub.add_response("put_metadata", {}, expected_params=expected)

    ivs.put_metadata(CHANNEL, metadata)

    assert model_problems("PutMetadata", expected) == []
    assert model_problems("PutMetadata", {"channelArn": "arn:aws:s3:::x", "metadata": "m"})


@pytest.mark.parametrize(
    ("aws_code", "status", "raised"),
    [
        ("ThrottlingException", 429, ivs.Throttled),
        ("ChannelNotBroadcasting", 404, ivs.NotBroadcasting),
        ("ResourceNotFoundException", 404, ivs.NotFound),
        ("AccessDeniedException", 403, ivs.IVS_ERRORS),
    ],
)
def test_aws_refusals_become_what_callers_act_on(stub, aws_code, status, raised):
    stub.add_client_error("put_metadata", aws_code, http_status_code=status)
    with pytest.raises(raised):
        ivs.put_metadata(CHANNEL, "{}")


def test_a_playback_token_is_an_es384_jwt_with_ivs_claims(monkeypatch):
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    monkeypatch.setattr(settings(), "ivs_playback_private_key", pem.replace("\n", "\\n"))
    monkeypatch.setattr(settings(), "ivs_playback_token_ttl_s", 300)
    ivs_playback._private_key.cache_clear()
    try:
        token = ivs_playback.token(CHANNEL, now=1_900_000_000)
    finally:
        ivs_playback._private_key.cache_clear()

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(
        token, key.public_key(), algorithms=["ES384"], options={"verify_exp": False}
    )
    assert (header["alg"], header["typ"]) == ("ES384", "JWT")
    assert claims == {
        "aws:channel-arn": CHANNEL,
        "aws:access-control-allow-origin": "*",
        "exp": 1_900_000_300,
    }


def test_a_playback_key_that_is_not_p384_is_refused(monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    monkeypatch.setattr(settings(), "ivs_playback_private_key", pem)
    ivs_playback._private_key.cache_clear()
    try:
        with pytest.raises(ivs_playback.NoPlaybackKey, match="P-384"):
            ivs_playback.token(CHANNEL)
    finally:
        ivs_playback._private_key.cache_clear()
