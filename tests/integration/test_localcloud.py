"""`liveclips local`: every emulator answers, provisioning converges, down() cleans up."""

from __future__ import annotations

import logging
import re
import socket
from pathlib import Path

import boto3
import pytest
import redis
from google.cloud import pubsub_v1, spanner
from typer.testing import CliRunner

from liveclips import resources
from liveclips.adapters.config import settings
from liveclips_dev.cli.local import local_app
from liveclips_dev.localcloud import clients, procs
from liveclips_dev.localcloud.cloud import LocalCloud
from liveclips_dev.localcloud.ddl import split_statements
from liveclips_dev.localcloud.emulators import EMULATORS
from liveclips_dev.localcloud.provision import provision
from liveclips_dev.localcloud.subscriptions import fresh_subscription
from tests.integration.pushlab import fresh_topic
from tests.support import pull

pytestmark = pytest.mark.integration
EMULATOR_NAMES = {e.name for e in EMULATORS}


def test_every_emulator_answers_a_real_call(emulators: dict[str, str]) -> None:
    project = emulators["LIVECLIPS_GCP_PROJECT"]

    publisher = pubsub_v1.PublisherClient()
    listed = {
        t.name.rsplit("/", 1)[1] for t in publisher.list_topics(project=f"projects/{project}")
    }
    assert set(resources.TOPICS) <= listed
    # A topic of our own: a provisioned one may gain push subscribers that would see it.
    with fresh_topic(emulators) as topic, fresh_subscription(topic.rsplit("/", 1)[1]) as sub:
        publisher.publish(topic, b"ping", type="test.ping").result(timeout=10)
        messages = pull(sub, timeout_s=10)
    assert [(m.data, m.attributes["type"]) for m in messages] == [(b"ping", "test.ping")]

    database = (
        spanner.Client(project=project).instance(resources.SPANNER_INSTANCE).database("liveclips")
    )
    with database.snapshot() as snapshot:
        rows = snapshot.execute_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ''"
        )
        tables = {row[0] for row in rows}
    ddl = split_statements(resources.SPANNER_DATABASES["liveclips"].read_text())
    declared = {m.group(1) for s in ddl if (m := re.match(r"CREATE TABLE (\w+)", s))}
    assert tables == declared

    parent = f"projects/{project}/locations/{settings().gcp_location}"
    queues = {q.name for q in clients.tasks(emulators).list_queues(parent=parent)}
    assert {f"{parent}/queues/{q}" for q in resources.TASK_QUEUES} <= queues

    # Plain boto3: AWS_ENDPOINT_URL from the environment is all it needs.
    buckets = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}
    assert set(resources.BUCKETS) <= buckets
    table = boto3.client("dynamodb").describe_table(TableName=resources.DYNAMODB_TABLES[0])
    assert table["Table"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    assert redis.Redis.from_url(emulators["REDIS_URL"]).ping() is True


def _snapshot(env: dict[str, str]) -> dict[str, object]:
    project = f"projects/{env['LIVECLIPS_GCP_PROJECT']}"
    instance = f"{project}/instances/{resources.SPANNER_INSTANCE}"
    databases = clients.spanner_databases(env)
    return {
        "topics": sorted(t.name for t in clients.publisher(env).list_topics(project=project)),
        "subscriptions": sorted(
            str(s) for s in clients.subscriber(env).list_subscriptions(project=project)
        ),
        "queues": sorted(
            q.name
            for q in clients.tasks(env).list_queues(
                parent=f"{project}/locations/{settings().gcp_location}"
            )
        ),
        "buckets": sorted(b["Name"] for b in clients.s3(env).list_buckets()["Buckets"]),
        "tables": clients.dynamodb(env).list_tables()["TableNames"],
        "ddl": {
            d.name: list(databases.get_database_ddl(database=d.name).statements)
            for d in databases.list_databases(parent=instance)
        },
    }


def test_provisioning_twice_is_a_no_op(
    emulators: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    before = _snapshot(emulators)
    with caplog.at_level(logging.INFO, logger="liveclips_dev.localcloud.provision"):
        provision(emulators, emulators["LIVECLIPS_FUNCTIONS_URL"])
        provision(emulators, emulators["LIVECLIPS_FUNCTIONS_URL"])
    assert caplog.messages == []
    assert _snapshot(emulators) == before


def test_push_subscriptions_have_dead_letter_retry_and_ordering(emulators: dict[str, str]) -> None:
    project = emulators["LIVECLIPS_GCP_PROJECT"]
    subscriber = pubsub_v1.SubscriberClient()
    for push in resources.PUSH_SUBSCRIPTIONS:
        sub = subscriber.get_subscription(
            subscription=subscriber.subscription_path(project, push.name)
        )
        assert sub.topic == f"projects/{project}/topics/{push.topic}"
        assert sub.push_config.push_endpoint == (
            f"{emulators['LIVECLIPS_FUNCTIONS_URL']}/{push.function}"
        )
        assert sub.dead_letter_policy.dead_letter_topic == (
            f"projects/{project}/topics/{resources.DEAD_LETTER_TOPIC}"
        )
        assert sub.dead_letter_policy.max_delivery_attempts == push.max_delivery_attempts
        assert sub.enable_message_ordering is push.ordered
        assert sub.ack_deadline_seconds == push.ack_deadline_s
        assert sub.retry_policy.minimum_backoff.total_seconds() == 1
        assert sub.retry_policy.maximum_backoff.total_seconds() == 30


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_down_stops_every_process_and_frees_every_port(tmp_path: Path) -> None:
    cloud = LocalCloud(tmp_path / "state")
    try:
        env = cloud.up(services=False)
        again = cloud.up(services=False)
        records = {p.name: p for p in env.processes}
        assert set(records) == EMULATOR_NAMES
        assert again.vars == env.vars
        assert {p.name: p.pid for p in again.processes} == {n: p.pid for n, p in records.items()}
        assert all(s.healthy for s in cloud.status().values())
        env_lines = (tmp_path / "state" / "local.env").read_text().splitlines()
        assert env_lines == [f"{k}={v}" for k, v in env.vars.items()]
        result = CliRunner().invoke(local_app, ["status", "--state-dir", str(tmp_path / "state")])
        assert result.exit_code == 0, result.output
        exported = CliRunner().invoke(local_app, ["env", "--state-dir", str(tmp_path / "state")])
        assert f"export REDIS_URL={env.vars['REDIS_URL']}" in exported.output.splitlines()
    finally:
        stopped = cloud.down()

    assert set(stopped) == EMULATOR_NAMES
    for record in records.values():
        assert not procs.pid_alive(record.pid, record.start_ticks), record.name
        assert procs.group_members(record.proc()) == [], record.name
        assert not _listening(record.port), record.name
    assert not (tmp_path / "state" / "state.json").exists()
    assert cloud.status() == {}
    assert cloud.down() == []
    result = CliRunner().invoke(local_app, ["status", "--state-dir", str(tmp_path / "state")])
    assert result.exit_code == 1
