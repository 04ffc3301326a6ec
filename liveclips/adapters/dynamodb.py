"""DynamoDB: the IVS bridge's idempotency records."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import boto3

from liveclips.adapters.config import settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@lru_cache(maxsize=1)
def client() -> DynamoDBClient:
    config = settings()
    return boto3.client(
        "dynamodb", endpoint_url=config.aws_endpoint_url, region_name=config.aws_region
    )
