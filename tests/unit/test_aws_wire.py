"""The stand-in reads requests as AWS does: what botocore serialises, it reads back."""

from __future__ import annotations

import json

import botocore.session
from botocore.serialize import create_serializer

from liveclips.domain.vod_job import VodJobSpec, build_create_job
from liveclips.domain.vod_ladder import ladder_for
from liveclips_dev.localcloud.aws_wire import from_wire, problems

MODEL = botocore.session.get_session().get_service_model("mediaconvert")
CREATE_JOB = MODEL.operation_model("CreateJob")
SPEC = VodJobSpec("t", 1, "s3://b/in.mp4", "out", 1920, 1080, "c", None, "upload")


def test_what_boto3_puts_on_the_wire_reads_back_as_the_request():
    request = build_create_job(SPEC, ladder_for(1920, 1080), role_arn="arn:r", queue_arn="arn:q")
    wire = create_serializer("rest-json").serialize_to_request(request, CREATE_JOB)
    body = json.loads(wire["body"])
    assert "settings" in body and "Settings" not in body  # camelCase on the wire
    assert from_wire(CREATE_JOB.input_shape, body) == request


def test_enum_values_outside_the_model_are_reported_with_their_path():
    request = build_create_job(SPEC, ladder_for(1920, 1080), role_arn="arn:r", queue_arn="arn:q")
    request["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["Type"] = "HLS"
    found = problems(CREATE_JOB.input_shape, request)
    assert len(found) == 1
    assert "OutputGroups[0].OutputGroupSettings.Type: 'HLS' is not one of" in found[0]


def test_missing_required_members_are_reported():
    assert any("Role" in p for p in problems(CREATE_JOB.input_shape, {"Settings": {}}))
