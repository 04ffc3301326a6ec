"""LocalCloud's app-service handling, with stand-ins for the real services.

The real functions / clip-worker / api modules are exercised by the `cloud` fixture;
here throwaway stand-ins (tests/integration/standin_service.py) make the lifecycle
testable on its own: start after the emulators, reuse, restart a crashed one, report a
broken one clearly, stop everything.
"""

from __future__ import annotations

import json
import os
import signal
import urllib.request
from pathlib import Path

import pytest

from liveclips_dev.localcloud import procs
from liveclips_dev.localcloud.cloud import LocalCloud, LocalCloudError
from liveclips_dev.localcloud.emulators import EMULATORS
from liveclips_dev.localcloud.services import SERVICES, AppService

pytestmark = pytest.mark.integration
STANDIN = "tests.integration.standin_service"
STANDINS = tuple(AppService(s.name, STANDIN, s.health_path) for s in SERVICES)


def _get(url: str) -> bytes:
    # No proxies: the stand-ins listen on 127.0.0.1 only.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as response:
        body: bytes = response.read()
        return body


def test_services_start_after_the_emulators_restart_when_dead_and_stop(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    cloud = LocalCloud(state_dir, app_services=STANDINS)
    try:
        emulators_only = cloud.up(services=False)
        emulator_pids = {p.name: p.pid for p in emulators_only.processes}

        env = cloud.up().vars
        running = {p.name: p for p in cloud.up().processes}
        assert {n: running[n].pid for n in emulator_pids} == emulator_pids  # reused
        assert set(running) == {e.name for e in EMULATORS} | {s.name for s in SERVICES}
        assert _get(f"{env['LIVECLIPS_API_URL']}/healthz") == b"ok"
        seen = json.loads(_get(f"{env['LIVECLIPS_FUNCTIONS_URL']}/env"))
        assert seen["LIVECLIPS_CLIP_WORKER_URL"] == env["LIVECLIPS_CLIP_WORKER_URL"]

        os.killpg(running["clip-worker"].pid, signal.SIGKILL)
        assert procs.wait_for_exit(running["clip-worker"].proc(), timeout_s=5)
        assert not cloud.status()["clip-worker"].healthy
        restarted = {p.name: p.pid for p in cloud.up().processes}
        assert restarted["clip-worker"] != running["clip-worker"].pid
        assert {n: p for n, p in restarted.items() if n != "clip-worker"} == {
            n: r.pid for n, r in running.items() if n != "clip-worker"
        }

        broken = AppService("broken", "tests.integration.no_such_module", "/healthz")
        with pytest.raises(
            LocalCloudError, match=r"(?s)broken exited during startup.*No module named"
        ):
            LocalCloud(state_dir, app_services=(broken,)).up()
        wedged = AppService("wedged", STANDIN, "/never-healthy")
        with pytest.raises(LocalCloudError, match=r"not ready after 2 s: wedged"):
            LocalCloud(state_dir, app_services=(wedged,), ready_timeout_s=2).up()
        status = cloud.status()
        assert "broken" not in status
        assert "wedged" not in status
        assert all(s.healthy for s in status.values())
        recorded = list(cloud.up().processes)
    finally:
        stopped = cloud.down()

    assert set(stopped) == {p.name for p in recorded}
    for record in recorded:
        assert procs.group_members(record.proc()) == [], record.name
        assert not procs.port_open(record.port), record.name
