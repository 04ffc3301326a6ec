"""Session fixtures that run the local cloud once for all integration tests.

- `emulators`: emulators started and provisioned, no app services.
- `cloud`: the same plus the app services (functions, clip-worker, api).

Both share one LocalCloud, so a session that requests both starts the emulators once:
whichever comes second reuses them (`cloud` after `emulators` only adds the services;
`emulators` after `cloud` leaves the services running). Both yield the env dict and put it
in os.environ (restored afterwards); everything is stopped when the session ends, also
when startup failed half-way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings as hypothesis_settings

# Tests run against the local cloud: local mode, set before any deployable module is
# imported (each checks its settings when it starts: liveclips.settings.require).
os.environ.setdefault("LIVECLIPS_LOCAL", "1")

from liveclips.adapters.config import settings
from liveclips_dev.localcloud.cloud import LocalCloud

# Property tests check behaviour, not speed (benches do that): a per-example deadline
# only makes them fail when the machine is busy, as CI machines and ffmpeg runs make it.
hypothesis_settings.register_profile("liveclips", deadline=None)
hypothesis_settings.load_profile("liveclips")


@pytest.fixture(scope="session")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    cloud = LocalCloud(tmp_path_factory.mktemp("localcloud"))
    try:
        yield cloud
    finally:
        cloud.down()


@pytest.fixture(scope="session")
def _cloud_environ() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch
    settings.cache_clear()


def _activate(env: dict[str, str], patch: pytest.MonkeyPatch) -> dict[str, str]:
    for key, value in env.items():
        patch.setenv(key, value)
    settings.cache_clear()  # adapters read settings once; they must see the emulators
    return env


@pytest.fixture(scope="session")
def emulators(local_cloud: LocalCloud, _cloud_environ: pytest.MonkeyPatch) -> dict[str, str]:
    return _activate(local_cloud.up(services=False).vars, _cloud_environ)


@pytest.fixture(scope="session")
def cloud(local_cloud: LocalCloud, _cloud_environ: pytest.MonkeyPatch) -> dict[str, str]:
    return _activate(local_cloud.up(services=True).vars, _cloud_environ)
