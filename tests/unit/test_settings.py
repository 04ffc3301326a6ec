"""Settings per deployable (liveclips/settings.py): outside local mode nothing defaults
to a local endpoint, and a deployable without a variable it needs fails its start with
the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from liveclips import settings as config
from liveclips.settings import (
    DEPLOYABLES,
    LOCAL_DEFAULTS,
    ApiSettings,
    BridgeSettings,
    ChatReviewSettings,
    ClipWorkerSettings,
    FunctionsSettings,
    MissingSettings,
    ModerationWorkerSettings,
    Settings,
    StudioEventsSettings,
    require,
)

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = ("127.0.0.1", "localhost", "liveclips-local")


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment as a deployment starts from: no local mode, none of our variables."""
    names = {Settings.variable(name) for name in Settings.model_fields}
    for name in list(os.environ):
        if name.startswith("LIVECLIPS_") or name in names:
            monkeypatch.delenv(name)
    return monkeypatch


def test_outside_local_mode_nothing_points_at_this_machine(deployed: pytest.MonkeyPatch) -> None:
    values = Settings().model_dump()
    assert {k: v for k, v in values.items() if any(h in str(v) for h in LOCAL_HOSTS)} == {}


def test_in_local_mode_what_a_deployment_sets_takes_the_local_cloud_s_addresses(
    deployed: pytest.MonkeyPatch,
) -> None:
    deployed.setenv("LIVECLIPS_LOCAL", "1")
    values = Settings().model_dump()
    assert {k: values[k] for k in LOCAL_DEFAULTS} == LOCAL_DEFAULTS


@pytest.mark.parametrize(
    ("deployable", "variables"),
    [
        (FunctionsSettings, {"LIVECLIPS_GCP_PROJECT", "LIVECLIPS_CLIP_WORKER_URL",
                             "LIVECLIPS_VOD_SUBMIT_URL", "REDIS_URL"}),
        (ClipWorkerSettings, {"LIVECLIPS_GCP_PROJECT"}),
        (ApiSettings, {"LIVECLIPS_GCP_PROJECT", "LIVECLIPS_CLIP_WORKER_URL",
                       "LIVECLIPS_VOD_SUBMIT_URL", "REDIS_URL", "LIVECLIPS_JWT_JWKS_URL",
                       "LIVECLIPS_JWT_ISSUER"}),
        (ModerationWorkerSettings, {"LIVECLIPS_GCP_PROJECT"}),
        (BridgeSettings, {"LIVECLIPS_GCP_PROJECT"}),
        (ChatReviewSettings, {"LIVECLIPS_GCP_PROJECT", "REDIS_URL"}),
    ],
)  # fmt: skip
def test_a_deployable_without_its_variables_is_refused_naming_each(
    deployed: pytest.MonkeyPatch, deployable: type[config.Piece], variables: set[str]
) -> None:
    with pytest.raises(MissingSettings) as refused:
        require(deployable)
    named = {
        v for v in str(refused.value).replace(",", " ").split() if v.isupper() and "=" not in v
    }
    assert named == variables
    for variable in variables:
        deployed.setenv(variable, "https://example.test/x")
    assert require(deployable)


def test_every_deployable_has_a_class() -> None:
    assert len(DEPLOYABLES) == 7
    assert all(d.required() for d in DEPLOYABLES)
    assert Settings.required() == frozenset(LOCAL_DEFAULTS), "every deployment value is required"


@pytest.mark.parametrize(
    ("module", "variable"),
    [("clip_workers.app", "LIVECLIPS_GCP_PROJECT"), ("functions.aws.chat_review", "REDIS_URL")],
)
def test_a_deployable_started_without_a_variable_fails_at_start(module: str, variable: str) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LIVECLIPS_") and k not in {"REDIS_URL", "PUBSUB_EMULATOR_HOST"}
    }
    env["PYTHONPATH"] = str(ROOT)
    started = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode != 0
    assert "MissingSettings" in started.stderr and variable in started.stderr


def test_the_iac_sets_what_each_deployable_requires() -> None:
    gcp = "".join(p.read_text() for p in (ROOT / "terraform" / "gcp").glob("*.tf"))
    serverless = (ROOT / "serverless.yml").read_text()
    for deployable in (
        FunctionsSettings,
        ClipWorkerSettings,
        ApiSettings,
        ModerationWorkerSettings,
        StudioEventsSettings,
    ):
        assert [v for v in map(deployable.variable, deployable.required()) if v not in gcp] == []
    for deployable in (BridgeSettings, ChatReviewSettings):
        missing = [
            v for v in map(deployable.variable, deployable.required()) if v not in serverless
        ]
        assert missing == []
