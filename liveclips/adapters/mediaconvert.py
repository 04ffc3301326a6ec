"""MediaConvert: submitting VOD jobs (to AWS, or locally to the ffmpeg stand-in)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3

from liveclips.adapters.config import settings

if TYPE_CHECKING:
    from mypy_boto3_mediaconvert import MediaConvertClient


@lru_cache(maxsize=1)
def client() -> MediaConvertClient:
    config = settings()
    return boto3.client(
        "mediaconvert",
        endpoint_url=config.mediaconvert_endpoint_url,
        region_name=config.aws_region,
    )


def create_job(request: dict[str, Any]) -> str:
    """Submit `request` (liveclips.domain.vod_job.build_create_job) and return the job id."""
    job = client().create_job(**request)["Job"]
    return job["Id"]
