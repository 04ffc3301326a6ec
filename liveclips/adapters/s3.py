"""S3: recordings written by IVS, clips written by the workers."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from liveclips.adapters.config import settings

# What a call may raise when S3 refuses or cannot be reached: callers that can leave the
# work to a retry catch these, without importing botocore themselves.
STORAGE_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@lru_cache(maxsize=1)
def client() -> S3Client:
    config = settings()
    # SigV4 for everything, presigned URLs and upload forms included: boto3 still signs
    # those with SigV2 unless told, which AWS is retiring and newer regions never took.
    return boto3.client(
        "s3",
        endpoint_url=config.aws_endpoint_url,
        region_name=config.aws_region,
        config=Config(signature_version="s3v4"),
    )


def read_bytes(bucket: str, key: str, byte_range: tuple[int, int] | None = None) -> bytes:
    """Whole object, or (length, offset) of it as HLS byte-range playlists address it."""
    if byte_range is None:
        return client().get_object(Bucket=bucket, Key=key)["Body"].read()
    length, offset = byte_range
    ranged = client().get_object(
        Bucket=bucket, Key=key, Range=f"bytes={offset}-{offset + length - 1}"
    )
    return ranged["Body"].read()


def missing(error: BaseException) -> str | None:
    """ "bucket" or "object" when `error` is S3 saying it does not exist, else None."""
    if not isinstance(error, ClientError):
        return None
    code = error.response.get("Error", {}).get("Code")
    return {"NoSuchBucket": "bucket", "NoSuchKey": "object", "404": "object"}.get(str(code))


def upload(path: Path, bucket: str, key: str, content_type: str) -> None:
    client().upload_file(str(path), bucket, key, ExtraArgs={"ContentType": content_type})


def signed_url(bucket: str, key: str, *, ttl_s: int | None = None) -> str:
    return client().generate_presigned_url(
        "get_object",
        Params={"Bucket": bucket, "Key": key},
        ExpiresIn=ttl_s or settings().signed_url_ttl_s,
    )


def put_bytes(body: bytes, bucket: str, key: str, content_type: str) -> None:
    client().put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def split_uri(uri: str) -> tuple[str, str]:
    """(bucket, key) of an s3://bucket/key URI."""
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise ValueError(f"not an s3://bucket/key URI: {uri!r}")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def presigned_post(
    bucket: str, key: str, *, content_type: str, max_bytes: int, ttl_s: int
) -> dict[str, Any]:
    """A browser-style form upload whose policy S3 enforces: this key, this content
    type, at most max_bytes (a presigned PUT cannot limit the size)."""
    post: dict[str, Any] = client().generate_presigned_post(
        bucket,
        key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=ttl_s,
    )
    return post
