"""One source of truth: liveclips/resources.py (what the emulators get) and the IaC
(terraform/gcp, terraform/aws, serverless.yml) name the same resources, both ways.

The Terraform is parsed with python-hcl2 and serverless.yml with PyYAML. Each side is
reduced to an inventory, kind -> names (with the settings that must agree, such as a
push subscription's ordering and attempts, written into the name), and `compare` lists
every difference. The last tests feed `compare` a doctored parse to show it catches one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml  # type: ignore[import-untyped]
from hcl2.utils import SerializationOptions

from functions.aws.chat_review import CHAT_TOPIC
from liveclips import resources
from liveclips.adapters.config import Settings
from liveclips.adapters.social_config import SocialPiece
from liveclips.api.comments import COMMENTS_TOPIC
from liveclips.api.events import PLAYER_EVENTS_TOPIC
from liveclips.api.studio import MARKERS_TOPIC
from liveclips.contracts.ivs_translation import LIFECYCLE_TOPIC, SEGMENTS_TOPIC, UPLOADS_TOPIC
from liveclips.contracts.mediaconvert_translation import VOD_JOBS_TOPIC
from liveclips.services.audience import AUDIENCE_SAMPLES_TOPIC
from liveclips.services.clips import CLIPS_TOPIC
from liveclips.services.highlights import HIGHLIGHTS_TOPIC
from liveclips_dev.localcloud import provision, services
from liveclips_dev.localcloud.ddl import split_statements

ROOT = Path(__file__).resolve().parents[2]
GCP = ROOT / "terraform" / "gcp"
AWS = ROOT / "terraform" / "aws"
SERVERLESS = ROOT / "serverless.yml"

# Of services.SERVICES, the ones in liveclips_dev/ are stand-ins for services we do not
# run (AWS and OpenAI APIs, an identity provider): nothing in liveclips_dev/ is deployed. The
# functions host serves every Cloud Function locally; in the cloud each is a function of
# its own (the "function" kind below).
LOCAL_ONLY_PACKAGE = "liveclips_dev."
FUNCTIONS_HOST = "liveclips_dev.localcloud.function_host"

# What each Lambda's code publishes to (the handlers' own constants).
LAMBDA_TOPICS = {
    "functions/aws/ivs_bridge.lambda_handler": {LIFECYCLE_TOPIC, SEGMENTS_TOPIC, UPLOADS_TOPIC},
    "functions/aws/chat_review.lambda_handler": {CHAT_TOPIC},
    "functions/aws/mediaconvert_bridge.lambda_handler": {VOD_JOBS_TOPIC},
}

Inventory = dict[str, frozenset[str]]

_HCL = SerializationOptions(strip_string_quotes=True, with_comments=False, explicit_blocks=False)


# --- reading the IaC ----------------------------------------------------------------------


def load_terraform(directory: Path) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """All `locals` of a module merged, and its resources by (type, name)."""
    local_values: dict[str, Any] = {}
    found: dict[tuple[str, str], Any] = {}
    for path in sorted(directory.glob("*.tf")):
        document = hcl2.loads(path.read_text(), serialization_options=_HCL)
        for block in document.get("locals", []):
            local_values.update(block)
        for block in document.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    found[(kind, name)] = body
    return local_values, found


class _CloudFormationLoader(yaml.SafeLoader):  # type: ignore[misc]
    """Reads `!GetAtt X.Arn`-style tags as plain {"!GetAtt": value} data."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {f"!{suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _tagged)


def load_serverless(path: Path = SERVERLESS) -> dict[str, Any]:
    # A SafeLoader subclass: tags become data, never objects.
    document: dict[str, Any] = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506
    return document


def _without_param(value: str) -> str:
    """A bucket as serverless.yml names it, less the deploy-time prefix."""
    return value.replace("${param:bucketPrefix}", "")


def _event_buckets(serverless: Mapping[str, Any]) -> set[str]:
    names: set[str] = set()
    for function in serverless["functions"].values():
        for event in function.get("events", []):
            pattern = event.get("eventBridge", {}).get("pattern", {})
            bucket = pattern.get("detail", {}).get("bucket", {})
            names.update(_without_param(n) for n in bucket.get("name", []))
    return names


# --- the two inventories --------------------------------------------------------------


def _named(name: str, settings: Mapping[str, object]) -> str:
    """A name with the settings that must agree, e.g. "lifecycle topic=ivs-events ..."."""
    return " ".join([name, *(f"{key}={value}" for key, value in settings.items())])


def lambda_handlers_in_code() -> frozenset[str]:
    """Every functions/aws module with a top-level `lambda_handler`, as a handler path."""
    handlers = set()
    for path in sorted((ROOT / "functions" / "aws").glob("*.py")):
        tree = ast.parse(path.read_text())
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        } | {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if "lambda_handler" in names:
            handlers.add(f"functions/aws/{path.stem}.lambda_handler")
    return frozenset(handlers)


def gcp_entry_points() -> frozenset[str]:
    tree = ast.parse((ROOT / "functions" / "gcp" / "main.py").read_text())
    return frozenset(node.name for node in tree.body if isinstance(node, ast.FunctionDef))


def expected_inventory() -> Inventory:
    """What the code uses, from liveclips/resources.py (and the Lambda handlers)."""
    cloud_services = [
        s
        for s in services.SERVICES
        if not s.module.startswith(LOCAL_ONLY_PACKAGE) and s.module != FUNCTIONS_HOST
    ]
    return {
        "topic": frozenset(resources.TOPICS),
        "push subscription": frozenset(
            _named(
                s.name,
                {
                    "topic": s.topic,
                    "function": s.function,
                    "ordered": s.ordered,
                    "attempts": s.max_delivery_attempts,
                    "ack": s.ack_deadline_s,
                },
            )
            for s in resources.PUSH_SUBSCRIPTIONS
        ),
        "push retry": frozenset(
            {f"min={provision.RETRY_MIN_BACKOFF_S}s max={provision.RETRY_MAX_BACKOFF_S}s"}
        ),
        "pull subscription": frozenset(
            _named(s.name, {"topic": s.topic, "ack": s.ack_deadline_s})
            for s in resources.PULL_SUBSCRIPTIONS
        ),
        "function": frozenset(
            {s.function for s in resources.PUSH_SUBSCRIPTIONS} | set(resources.HTTP_FUNCTIONS)
        ),
        "task queue": frozenset(resources.TASK_QUEUES),
        "bucket": frozenset(resources.BUCKETS),
        "dynamodb table": frozenset(resources.DYNAMODB_TABLES),
        "spanner database": frozenset(
            f"{resources.SPANNER_INSTANCE}/{name} ddl={path.name} postgresql="
            f"{name in resources.SPANNER_POSTGRESQL_DATABASES}"
            for name, path in resources.SPANNER_DATABASES.items()
        ),
        "cloud run service": frozenset(
            _named(s.name, {"module": s.module, "health": s.health_path}) for s in cloud_services
        ),
        "lambda": lambda_handlers_in_code(),
    }


def declared_inventory(
    gcp: Mapping[str, Any], aws: Mapping[str, Any], serverless: Mapping[str, Any]
) -> Inventory:
    """What the IaC declares: the locals of terraform/gcp and terraform/aws, serverless.yml."""
    tables = {
        r["Properties"]["TableName"]
        for r in serverless["resources"]["Resources"].values()
        if r["Type"] == "AWS::DynamoDB::Table"
    }
    retry = gcp["push_retry"]
    return {
        "topic": frozenset(gcp["topics"]),
        "push subscription": frozenset(
            _named(
                name,
                {
                    "topic": s["topic"],
                    "function": s["function"],
                    "ordered": s["ordered"],
                    "attempts": s["max_delivery_attempts"],
                    "ack": s["ack_deadline_s"],
                },
            )
            for name, s in gcp["push_subscriptions"].items()
        ),
        "push retry": frozenset(
            {f"min={retry['minimum_backoff_s']}s max={retry['maximum_backoff_s']}s"}
        ),
        "pull subscription": frozenset(
            _named(name, {"topic": s["topic"], "ack": s["ack_deadline_s"]})
            for name, s in gcp["pull_subscriptions"].items()
        ),
        # local.functions is computed from these two in HCL (test_functions_local_...).
        "function": frozenset(
            {s["function"] for s in gcp["push_subscriptions"].values()} | set(gcp["http_functions"])
        ),
        "task queue": frozenset(gcp["task_queues"]),
        "bucket": frozenset(aws["buckets"]),
        "dynamodb table": frozenset(tables),
        "spanner database": frozenset(
            f"{gcp['spanner_instance']}/{name} ddl={d['ddl_file']} postgresql="
            f"{d['dialect'] == 'POSTGRESQL'}"
            for name, d in gcp["spanner_databases"].items()
        ),
        "cloud run service": frozenset(
            _named(name, {"module": s["module"], "health": s["health_path"]})
            for name, s in gcp["services"].items()
        ),
        "lambda": frozenset(f["handler"] for f in serverless["functions"].values()),
    }


def compare(expected: Inventory, declared: Inventory) -> list[str]:
    """Every difference, both ways, one readable line each."""
    problems = []
    for kind in sorted(expected.keys() | declared.keys()):
        want, have = expected.get(kind, frozenset()), declared.get(kind, frozenset())
        problems += [
            f"{kind} {x!r}: used by the code, missing from the IaC" for x in sorted(want - have)
        ]
        problems += [f"{kind} {x!r}: in the IaC, unknown to the code" for x in sorted(have - want)]
    return problems


# --- the tests --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    gcp_locals, _ = load_terraform(GCP)
    aws_locals, _ = load_terraform(AWS)
    return gcp_locals, aws_locals, load_serverless()


def test_resource_list_and_iac_agree(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    assert compare(expected_inventory(), declared_inventory(*parsed)) == []


def test_the_functions_host_is_still_a_service() -> None:
    assert FUNCTIONS_HOST in {s.module for s in services.SERVICES}


def test_functions_are_entry_points_of_main() -> None:
    assert expected_inventory()["function"] <= gcp_entry_points()


# Each resource iterates the data the inventory reads, with the setting that matters.
SUBSCRIPTION = "google_pubsub_subscription"
WIRING = [
    (GCP, "google_pubsub_topic", "topic", "for_each", "${toset(local.topics)}"),
    (GCP, SUBSCRIPTION, "push", "for_each", "${local.push_subscriptions}"),
    (GCP, SUBSCRIPTION, "push", "enable_message_ordering", "${each.value.ordered}"),
    (GCP, SUBSCRIPTION, "push", "ack_deadline_seconds", "${each.value.ack_deadline_s}"),
    (GCP, SUBSCRIPTION, "pull", "for_each", "${local.pull_subscriptions}"),
    (GCP, SUBSCRIPTION, "pull", "ack_deadline_seconds", "${each.value.ack_deadline_s}"),
    (GCP, "google_cloudfunctions2_function", "fn", "for_each", "${local.functions}"),
    (GCP, "google_cloud_tasks_queue", "queue", "for_each", "${local.task_queues}"),
    (GCP, "google_spanner_instance", "main", "name", "${local.spanner_instance}"),
    (GCP, "google_spanner_database", "db", "for_each", "${local.spanner_databases}"),
    (GCP, "google_spanner_database", "db", "database_dialect", "${each.value.dialect}"),
    (GCP, "google_spanner_database", "db", "ddl", "${local.ddl[each.key]}"),
    (GCP, "google_cloud_run_v2_service", "svc", "for_each", "${local.services}"),
    (AWS, "aws_s3_bucket", "bucket", "for_each", "${local.buckets}"),
]


@pytest.mark.parametrize(("module", "kind", "name", "attribute", "expression"), WIRING)
def test_resources_iterate_the_listed_names(
    module: Path, kind: str, name: str, attribute: str, expression: str
) -> None:
    _, found = load_terraform(module)
    assert found[(kind, name)][attribute] == expression


def test_push_subscriptions_keep_dead_letters_and_retries() -> None:
    _, found = load_terraform(GCP)
    push = found[("google_pubsub_subscription", "push")]
    dead_letter = push["dead_letter_policy"][0]
    assert (
        dead_letter["dead_letter_topic"]
        == "${google_pubsub_topic.topic[local.dead_letter_topic].id}"
    )
    assert dead_letter["max_delivery_attempts"] == "${each.value.max_delivery_attempts}"
    assert push["retry_policy"][0] == {
        "minimum_backoff": "${local.push_retry.minimum_backoff_s}s",
        "maximum_backoff": "${local.push_retry.maximum_backoff_s}s",
    }
    gcp_locals, _ = load_terraform(GCP)
    assert gcp_locals["dead_letter_topic"] == resources.DEAD_LETTER_TOPIC


def test_the_worker_gives_up_on_the_render_queue_s_last_attempt() -> None:
    # Earlier, a render that could still succeed is dead-lettered; later, Cloud Tasks
    # drops the task first and nothing keeps it.
    gcp_locals, _ = load_terraform(GCP)
    queue = gcp_locals["task_queues"][Settings().render_queue]
    assert queue["max_attempts"] == Settings().render_max_attempts


def test_functions_local_is_the_push_targets_and_http_functions() -> None:
    gcp_locals, found = load_terraform(GCP)
    assert gcp_locals["functions"] == (
        "${toset(concat(distinct([for s in values(local.push_subscriptions) : s.function]),"
        " local.http_functions))}"
    )
    fn = found[("google_cloudfunctions2_function", "fn")]
    assert fn["build_config"][0]["entry_point"] == "${each.key}"


def _terraform_split(text: str) -> list[str]:
    """What spanner.tf's expression does: drop `--` comments, split on ';', trim."""
    return [s.strip() for s in re.sub(r"--[^\n]*", "", text).split(";") if s.strip()]


def _squeezed(statements: list[str]) -> list[str]:
    return [" ".join(s.split()) for s in statements]


def test_spanner_ddl_comes_from_the_schema_files() -> None:
    gcp_locals, _ = load_terraform(GCP)
    expression = gcp_locals["ddl"]
    assert 'replace(file("${path.module}/../../schemas/spanner/${spec.ddl_file}"),' in expression
    assert '"/--[^\\\\n]*/", "")' in expression
    assert 'split(";",' in expression and 'trimspace(s) if trimspace(s) != ""' in expression
    for name, path in resources.SPANNER_DATABASES.items():
        ddl_file = gcp_locals["spanner_databases"][name]["ddl_file"]
        assert (GCP / "../../schemas/spanner" / ddl_file).resolve() == path.resolve()
        text = path.read_text()
        postgresql = name in resources.SPANNER_POSTGRESQL_DATABASES
        assert _squeezed(_terraform_split(text)) == _squeezed(
            split_statements(text, postgresql=postgresql)
        ), f"{path.name}: the Terraform split and liveclips_dev/localcloud/ddl.py disagree"


def _lambda_roles(serverless: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for function in serverless["functions"].values():
        role = function["iamRoleStatementsName"]
        prefix = "liveclips-${sls:stage}-"
        assert role.startswith(prefix), role
        yield function["handler"], role.removeprefix(prefix)


def test_lambda_roles_may_publish_what_their_code_publishes(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    gcp_locals, _, serverless = parsed
    publishers: dict[str, list[str]] = gcp_locals["lambda_publishers"]
    roles = dict(_lambda_roles(serverless))
    assert set(roles.values()) == set(publishers), "wif.tf trusts other roles than serverless.yml"
    assert set(roles) == set(LAMBDA_TOPICS), "a Lambda without a known topic list"
    for handler, role in roles.items():
        granted = set(publishers[role])
        assert LAMBDA_TOPICS[handler] | {resources.DEAD_LETTER_TOPIC} == granted, handler
        assert granted <= set(resources.TOPICS)


def test_the_api_may_publish_what_its_code_publishes() -> None:
    # Topics the API process publishes to: its routes' constants and the services' it runs.
    gcp_locals, _ = load_terraform(GCP)
    granted = set(gcp_locals["publishers"]["api"])
    used = {PLAYER_EVENTS_TOPIC, MARKERS_TOPIC, AUDIENCE_SAMPLES_TOPIC, HIGHLIGHTS_TOPIC}
    used.add(COMMENTS_TOPIC)  # liveclips/api/comments.py: comments on their way to moderation
    assert used | {CLIPS_TOPIC, resources.DEAD_LETTER_TOPIC} == granted
    assert granted <= set(resources.TOPICS)


def test_serverless_names_only_known_buckets_and_tables(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    _, _, serverless = parsed
    assert _event_buckets(serverless) <= set(resources.BUCKETS)
    assert _event_buckets(serverless), "no S3 rule found: the pattern layout changed"
    env = serverless["provider"]["environment"]
    assert env["LIVECLIPS_IDEMPOTENCY_TABLE"] in resources.DYNAMODB_TABLES
    for variable in ("RECORDINGS", "MEDIA", "UPLOADS"):
        assert _without_param(env[f"LIVECLIPS_{variable}_BUCKET"]) in resources.BUCKETS


def test_what_serverless_reads_from_ssm_is_what_terraform_writes() -> None:
    _, found = load_terraform(AWS)
    parameters = found[("aws_ssm_parameter", "serverless")]
    assert parameters["name"] == "/liveclips/${var.stage}/${each.key}"
    secret = found[("aws_secretsmanager_secret", "chat_redis_url")]["name"]
    text = SERVERLESS.read_text()
    read = set(re.findall(r"\$\{ssm:/liveclips/\$\{sls:stage\}/([^}]+)\}", text))
    assert read, "no SSM reference found: the pattern went stale"
    assert read <= set(parameters["for_each"])
    secrets = set(
        re.findall(
            r"\$\{ssm:/aws/reference/secretsmanager/(liveclips/\$\{sls:stage\}/[^}]+)\}", text
        )
    )
    assert secrets == {secret.replace("${var.stage}", "${sls:stage}")}


# Read by deploy/aws_web_identity.py (boto3's credential process), not by the app.
DEPLOY_ONLY_VARIABLES = frozenset({"LIVECLIPS_AWS_ROLE_ARN"})


def test_every_liveclips_variable_the_iac_sets_is_a_setting() -> None:
    """A misspelt variable would be ignored silently (extra="ignore")."""
    known = {
        field.validation_alias
        if isinstance(field.validation_alias, str)
        else f"LIVECLIPS_{name.upper()}"
        # The social layer's settings are a piece of their own (adapters/social_config.py).
        for pieces in (Settings, SocialPiece)
        for name, field in pieces.model_fields.items()
    }
    files = [*GCP.glob("*.tf"), *AWS.glob("*.tf"), SERVERLESS]
    used = {m for path in files for m in re.findall(r"\bLIVECLIPS_[A-Z0-9_]+", path.read_text())}
    assert used, "no variable found: the pattern went stale"
    assert sorted(used - known - DEPLOY_ONLY_VARIABLES) == []


def test_lambda_requirements_are_the_locked_versions() -> None:
    def pins(path: Path) -> dict[str, str]:
        found = {}
        for line in path.read_text().splitlines():
            if line and not line.startswith("#"):
                name, version = line.split("==")
                found[re.sub(r"[-_.]+", "-", name).lower()] = version
        return found

    locked = pins(ROOT / "requirements.lock")
    for name, version in pins(ROOT / "requirements-lambda.txt").items():
        assert locked.get(name) == version, f"{name}=={version} is not the locked version"


# --- the comparison itself can fail ----------------------------------------------------


def test_compare_reports_a_name_missing_from_the_iac(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    gcp_locals, aws_locals, serverless = parsed
    doctored = {**gcp_locals, "topics": [t for t in gcp_locals["topics"] if t != "clips"]}
    assert compare(expected_inventory(), declared_inventory(doctored, aws_locals, serverless)) == [
        "topic 'clips': used by the code, missing from the IaC"
    ]


def test_compare_reports_a_name_the_code_does_not_know(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    gcp_locals, aws_locals, serverless = parsed
    doctored = {**gcp_locals, "task_queues": {**gcp_locals["task_queues"], "reindex": {}}}
    assert compare(expected_inventory(), declared_inventory(doctored, aws_locals, serverless)) == [
        "task queue 'reindex': in the IaC, unknown to the code"
    ]


def test_compare_reports_a_changed_setting(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    gcp_locals, aws_locals, serverless = parsed
    subs = {**gcp_locals["push_subscriptions"]}
    subs["lifecycle"] = {**subs["lifecycle"], "ordered": False}
    doctored = {**gcp_locals, "push_subscriptions": subs}
    problems = compare(expected_inventory(), declared_inventory(doctored, aws_locals, serverless))
    assert [p.split(":")[-1].strip() for p in problems] == [
        "used by the code, missing from the IaC",
        "in the IaC, unknown to the code",
    ]
    assert all("push subscription 'lifecycle topic=ivs-events" in p for p in problems)


def test_compare_reports_a_lambda_and_a_table_on_the_aws_side(
    parsed: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    gcp_locals, aws_locals, serverless = parsed
    functions = {k: v for k, v in serverless["functions"].items() if k != "chatReview"}
    tables = {
        k: v for k, v in serverless["resources"]["Resources"].items() if k != "IdempotencyTable"
    }
    doctored = {**serverless, "functions": functions, "resources": {"Resources": tables}}
    assert compare(expected_inventory(), declared_inventory(gcp_locals, aws_locals, doctored)) == [
        "dynamodb table 'liveclips-idempotency': used by the code, missing from the IaC",
        "lambda 'functions/aws/chat_review.lambda_handler': used by the code, missing from the IaC",
    ]
