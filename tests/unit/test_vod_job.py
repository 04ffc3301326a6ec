"""The CreateJob request, checked against the AWS model with botocore's Stubber (moto has
no MediaConvert) and against the model's enums, which botocore leaves to AWS."""

from __future__ import annotations

import boto3
import botocore.session
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber

from liveclips.domain.vod_job import VodJobSpec, build_create_job, client_request_token, master_key
from liveclips.domain.vod_ladder import ladder_for
from liveclips_dev.localcloud.aws_wire import problems

SPEC = VodJobSpec(
    title_id="9c177e87-37da-51b4-b932-e34304d23091",
    attempt=2,
    input_uri="s3://liveclips-recordings/ivs/v1/1/c/2026/11/23/17/34/rec/media/hls/720p30/playlist.m3u8",
    output_bucket="liveclips-media",
    source_width=1280,
    source_height=720,
    channel_id="chan",
    recording_id="rec",
    kind="recording",
)
ROLE = "arn:aws:iam::123456789012:role/liveclips-mediaconvert"
QUEUE = "arn:aws:mediaconvert:us-east-1:123456789012:queues/Default"


def request() -> dict:
    return build_create_job(SPEC, ladder_for(1280, 720), role_arn=ROLE, queue_arn=QUEUE)


def stubbed_create_job(params: dict) -> dict:
    client = boto3.client(
        "mediaconvert", region_name="us-east-1", aws_access_key_id="k",
        aws_secret_access_key="s",  # noqa: S106  # the Stubber never sends a request
    )  # fmt: skip
    with Stubber(client) as stub:
        stub.add_response("create_job", {"Job": {"Id": "1-abc", "Role": ROLE, "Settings": {}}},
                          expected_params=params)  # fmt: skip
        return client.create_job(**params)


def test_the_request_is_valid_against_the_aws_model():
    job = stubbed_create_job(request())
    assert job["Job"]["Id"] == "1-abc"
    shape = (
        botocore.session.get_session()
        .get_service_model("mediaconvert")
        .shape_for("CreateJobRequest")
    )
    assert problems(shape, request()) == []


def test_a_request_without_a_role_is_refused_before_it_leaves():
    broken = request()
    del broken["Role"]
    with pytest.raises(ParamValidationError, match="Role"):
        stubbed_create_job(broken)


def test_hls_ladder_is_qvbr_with_two_second_closed_gops_and_segments():
    groups = request()["Settings"]["OutputGroups"]
    hls = groups[0]
    assert hls["OutputGroupSettings"]["HlsGroupSettings"]["SegmentLength"] == 2
    assert hls["OutputGroupSettings"]["HlsGroupSettings"]["Destination"] == (
        f"s3://liveclips-media/vod/{SPEC.title_id}/hls/index"
    )
    for output, rung in zip(hls["Outputs"], ladder_for(1280, 720), strict=True):
        h264 = output["VideoDescription"]["CodecSettings"]["H264Settings"]
        assert h264["RateControlMode"] == "QVBR"
        assert h264["MaxBitrate"] == rung.max_bitrate
        assert (h264["GopSize"], h264["GopSizeUnits"], h264["GopClosedCadence"]) == (
            2,
            "SECONDS",
            1,
        )
        assert output["NameModifier"] == f"_{rung.name}"
    assert master_key(SPEC.title_id) == f"vod/{SPEC.title_id}/hls/index.m3u8"


def test_frame_captures_keep_the_source_aspect():
    capture = request()["Settings"]["OutputGroups"][1]["Outputs"][0]["VideoDescription"]
    assert (capture["Width"], capture["Height"]) == (480, 270)
    assert capture["CodecSettings"]["Codec"] == "FRAME_CAPTURE"


def test_ids_ride_along_and_a_resubmission_is_recognised():
    params = request()
    assert params["UserMetadata"] == {
        "title_id": SPEC.title_id, "attempt": "2", "kind": "recording", "channel_id": "chan",
        "recording_id": "rec",
    }  # fmt: skip
    assert params["ClientRequestToken"] == client_request_token(SPEC.title_id, 2)
    assert client_request_token(SPEC.title_id, 2) != client_request_token(SPEC.title_id, 3)
    assert len(params["ClientRequestToken"]) <= 64
