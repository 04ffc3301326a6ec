"""Create everything in liveclips/resources.py on the emulators; safe to run repeatedly.

Each step lists what exists and creates only what is missing, so a second run makes no
changes (and no errors). The one thing it updates in place is a push endpoint that no
longer matches `functions_url`, e.g. after the functions host moved to another port.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from google.api_core.exceptions import AlreadyExists, NotFound
from google.cloud.spanner_admin_database_v1 import DatabaseDialect
from google.cloud.spanner_admin_instance_v1 import Instance
from google.cloud.tasks_v2 import Queue
from google.pubsub_v1 import PushConfig

from liveclips import resources
from liveclips_dev.localcloud import clients, engagement_job
from liveclips_dev.localcloud.ddl import split_statements

log = logging.getLogger(__name__)

SPANNER_EMULATOR_CONFIG = "emulator-config"
RETRY_MIN_BACKOFF_S = 1
RETRY_MAX_BACKOFF_S = 30
_TIMEOUT_S = 30.0


def provision(env: Mapping[str, str], functions_url: str) -> None:
    provision_pubsub(env, functions_url)
    provision_tasks(env)
    provision_aws(env)
    provision_spanner(env)


def provision_pubsub(env: Mapping[str, str], functions_url: str) -> None:
    project = clients.project(env)
    publisher, subscriber = clients.publisher(env), clients.subscriber(env)
    existing_topics = {
        t.name for t in publisher.list_topics(project=f"projects/{project}", timeout=_TIMEOUT_S)
    }
    for topic in resources.TOPICS:
        path = publisher.topic_path(project, topic)
        if path not in existing_topics:
            with _tolerate_race():
                publisher.create_topic(name=path, timeout=_TIMEOUT_S)
            log.info("created topic %s", path)

    existing_subs = {
        s.name: s
        for s in subscriber.list_subscriptions(project=f"projects/{project}", timeout=_TIMEOUT_S)
    }
    dead_letter_topic = publisher.topic_path(project, resources.DEAD_LETTER_TOPIC)
    for push in resources.PUSH_SUBSCRIPTIONS:
        path = subscriber.subscription_path(project, push.name)
        endpoint = f"{functions_url.rstrip('/')}/{push.function}"
        current = existing_subs.get(path)
        if current is None:
            request = {
                "name": path,
                "topic": publisher.topic_path(project, push.topic),
                "push_config": {"push_endpoint": endpoint},
                "ack_deadline_seconds": push.ack_deadline_s,
                "enable_message_ordering": push.ordered,
                "dead_letter_policy": {
                    "dead_letter_topic": dead_letter_topic,
                    "max_delivery_attempts": push.max_delivery_attempts,
                },
                "retry_policy": {
                    "minimum_backoff": timedelta(seconds=RETRY_MIN_BACKOFF_S),
                    "maximum_backoff": timedelta(seconds=RETRY_MAX_BACKOFF_S),
                },
            }
            with _tolerate_race():
                subscriber.create_subscription(request=request, timeout=_TIMEOUT_S)
            log.info("created push subscription %s -> %s", path, endpoint)
        elif current.push_config.push_endpoint != endpoint:
            subscriber.modify_push_config(
                subscription=path,
                push_config=PushConfig(push_endpoint=endpoint),
                timeout=_TIMEOUT_S,
            )
            log.info("moved push subscription %s -> %s", path, endpoint)

    # Local only, beside resources.py's: the local cloud's own engagement job reads one
    # (engagement_job.py), made here so that it misses no event published before it runs.
    local_pulls = (
        resources.PullSubscription(
            engagement_job.SUBSCRIPTION,
            resources.PLAYER_EVENTS_TOPIC,
            engagement_job.ACK_DEADLINE_S,
        ),
    )
    for pull in (*resources.PULL_SUBSCRIPTIONS, *local_pulls):
        path = subscriber.subscription_path(project, pull.name)
        if path not in existing_subs:
            topic_path = publisher.topic_path(project, pull.topic)
            with _tolerate_race():
                subscriber.create_subscription(
                    name=path,
                    topic=topic_path,
                    ack_deadline_seconds=pull.ack_deadline_s,
                    timeout=_TIMEOUT_S,
                )
            log.info("created pull subscription %s", path)


def provision_tasks(env: Mapping[str, str]) -> None:
    client = clients.tasks(env)
    location = clients.setting(env, "LIVECLIPS_GCP_LOCATION", "gcp_location")
    parent = f"projects/{clients.project(env)}/locations/{location}"
    existing = {q.name for q in client.list_queues(parent=parent, timeout=_TIMEOUT_S)}
    for queue in resources.TASK_QUEUES:
        name = f"{parent}/queues/{queue}"
        if name not in existing:
            client.create_queue(parent=parent, queue=Queue(name=name), timeout=_TIMEOUT_S)
            log.info("created queue %s", name)


def provision_aws(env: Mapping[str, str]) -> None:
    s3 = clients.s3(env)
    buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", []) if "Name" in b}
    for bucket in resources.BUCKETS:
        if bucket not in buckets:
            s3.create_bucket(Bucket=bucket)
            log.info("created bucket %s", bucket)

    dynamodb = clients.dynamodb(env)
    tables = set(dynamodb.list_tables()["TableNames"])
    for table in resources.DYNAMODB_TABLES:
        if table not in tables:
            dynamodb.create_table(
                TableName=table,
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )
            dynamodb.get_waiter("table_exists").wait(
                TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
            )
            log.info("created table %s", table)


def provision_spanner(env: Mapping[str, str]) -> None:
    project = clients.project(env)
    instances = clients.spanner_instances(env)
    instance = f"projects/{project}/instances/{resources.SPANNER_INSTANCE}"
    try:
        instances.get_instance(name=instance, timeout=_TIMEOUT_S)
    except NotFound:
        operation = instances.create_instance(
            parent=f"projects/{project}",
            instance_id=resources.SPANNER_INSTANCE,
            instance=Instance(
                name=instance,
                config=f"projects/{project}/instanceConfigs/{SPANNER_EMULATOR_CONFIG}",
                display_name=resources.SPANNER_INSTANCE,
                node_count=1,
            ),
            timeout=_TIMEOUT_S,
        )
        operation.result(timeout=_TIMEOUT_S)
        log.info("created Spanner instance %s", instance)

    databases = clients.spanner_databases(env)
    existing = {d.name for d in databases.list_databases(parent=instance, timeout=_TIMEOUT_S)}
    for name, ddl_file in resources.SPANNER_DATABASES.items():
        path = f"{instance}/databases/{name}"
        if path in existing:
            continue
        postgresql = name in resources.SPANNER_POSTGRESQL_DATABASES
        statements = split_statements(ddl_file.read_text(), postgresql=postgresql)
        if postgresql:
            # PostgreSQL databases take no DDL with CREATE DATABASE: create, then alter.
            databases.create_database(
                request={
                    "parent": instance,
                    "create_statement": f'CREATE DATABASE "{name}"',
                    "database_dialect": DatabaseDialect.POSTGRESQL,
                },
                timeout=_TIMEOUT_S,
            ).result(timeout=_TIMEOUT_S)
            if statements:
                databases.update_database_ddl(
                    database=path, statements=statements, timeout=_TIMEOUT_S
                ).result(timeout=_TIMEOUT_S)
        else:
            databases.create_database(
                request={
                    "parent": instance,
                    "create_statement": f"CREATE DATABASE `{name}`",
                    "extra_statements": statements,
                },
                timeout=_TIMEOUT_S,
            ).result(timeout=_TIMEOUT_S)
        log.info("created Spanner database %s (%d DDL statements)", path, len(statements))


def _tolerate_race() -> contextlib.suppress:
    """A concurrent provisioner having created it since we listed is fine."""
    return contextlib.suppress(AlreadyExists)
