"""Admin clients for the emulators, built from an env mapping rather than os.environ.

Each builder requires its emulator variable: provisioning must never reach a real
cloud project because a variable was missing and a client fell back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3
import grpc
from google.cloud.spanner_admin_database_v1 import DatabaseAdminClient
from google.cloud.spanner_admin_database_v1.services.database_admin.transports.grpc import (
    DatabaseAdminGrpcTransport,
)
from google.cloud.spanner_admin_instance_v1 import InstanceAdminClient
from google.cloud.spanner_admin_instance_v1.services.instance_admin.transports.grpc import (
    InstanceAdminGrpcTransport,
)
from google.cloud.tasks_v2 import CloudTasksClient
from google.cloud.tasks_v2.services.cloud_tasks.transports.grpc import CloudTasksGrpcTransport
from google.pubsub_v1 import PublisherClient, SubscriberClient
from google.pubsub_v1.services.publisher.transports.grpc import PublisherGrpcTransport
from google.pubsub_v1.services.subscriber.transports.grpc import SubscriberGrpcTransport

from liveclips.adapters.config import Settings
from liveclips_dev.localcloud.procs import LocalCloudError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


def need(env: Mapping[str, str], key: str) -> str:
    value = env.get(key)
    if not value:
        raise LocalCloudError(f"{key} is not set: local provisioning only talks to emulators")
    return value


def setting(env: Mapping[str, str], key: str, field: str) -> str:
    """`env[key]`, else the default liveclips.adapters.config.Settings declares for `field`."""
    return env.get(key) or str(Settings.model_fields[field].default)


def project(env: Mapping[str, str]) -> str:
    return setting(env, "LIVECLIPS_GCP_PROJECT", "gcp_project")


def _channel(env: Mapping[str, str], key: str) -> Any:
    return grpc.insecure_channel(need(env, key))


def publisher(env: Mapping[str, str]) -> PublisherClient:
    return PublisherClient(
        transport=PublisherGrpcTransport(channel=_channel(env, "PUBSUB_EMULATOR_HOST"))
    )


def subscriber(env: Mapping[str, str]) -> SubscriberClient:
    return SubscriberClient(
        transport=SubscriberGrpcTransport(channel=_channel(env, "PUBSUB_EMULATOR_HOST"))
    )


def tasks(env: Mapping[str, str]) -> CloudTasksClient:
    return CloudTasksClient(
        transport=CloudTasksGrpcTransport(channel=_channel(env, "CLOUD_TASKS_EMULATOR_HOST"))
    )


def spanner_instances(env: Mapping[str, str]) -> InstanceAdminClient:
    return InstanceAdminClient(
        transport=InstanceAdminGrpcTransport(channel=_channel(env, "SPANNER_EMULATOR_HOST"))
    )


def spanner_databases(env: Mapping[str, str]) -> DatabaseAdminClient:
    return DatabaseAdminClient(
        transport=DatabaseAdminGrpcTransport(channel=_channel(env, "SPANNER_EMULATOR_HOST"))
    )


def _aws_session(env: Mapping[str, str]) -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=need(env, "AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=need(env, "AWS_SECRET_ACCESS_KEY"),
        region_name=setting(env, "AWS_DEFAULT_REGION", "aws_region"),
    )


def s3(env: Mapping[str, str]) -> S3Client:
    return _aws_session(env).client("s3", endpoint_url=need(env, "AWS_ENDPOINT_URL"))


def dynamodb(env: Mapping[str, str]) -> DynamoDBClient:
    return _aws_session(env).client("dynamodb", endpoint_url=need(env, "AWS_ENDPOINT_URL"))
