"""`LocalCloud`: start, provision, inspect and stop the emulators and our app services.

Everything it starts is recorded in <state_dir>/state.json (pid, process start time,
port, log), so any later process - `liveclips local down` from another shell, a
pytest finalizer - stops exactly those process groups and nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from liveclips_dev.localcloud import procs
from liveclips_dev.localcloud import state as statefile
from liveclips_dev.localcloud.emulators import EMULATORS, REPO_ROOT, child_env, http_status
from liveclips_dev.localcloud.procs import LOCALHOST, LocalCloudError
from liveclips_dev.localcloud.services import SERVICES, AppService
from liveclips_dev.localcloud.state import Kind, Running, State

log = logging.getLogger(__name__)
# cloud_env() names these services' URLs whether or not they are in the services tuple.
_URL_SERVICES = (
    "functions", "clip-worker", "api", "mediaconvert", "openai", "ivschat", "ivs", "studio-web",
    "rtmp-ingest", "rtmps-ingest",  # ports only: studio-web serves the RTMP(S) ingest there
)  # fmt: skip


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    kind: Kind
    pid: int
    port: int
    log: Path
    pid_alive: bool
    port_open: bool

    @property
    def healthy(self) -> bool:
        return self.pid_alive and self.port_open


@dataclass(frozen=True)
class CloudEnv:
    """What up() returns: the variables (also written to env_file) and what runs."""

    vars: dict[str, str]
    env_file: Path
    processes: tuple[Running, ...]


def _healthy(port: int, path: str) -> bool:
    return http_status(port, path) == 200


class LocalCloud:
    def __init__(
        self,
        state_dir: Path,
        *,
        app_services: Sequence[AppService] = SERVICES,
        ready_timeout_s: float = 60.0,
    ) -> None:
        self.state_dir = Path(state_dir).resolve()
        self.state_file = self.state_dir / "state.json"
        self.env_file = self.state_dir / "local.env"
        self.logs_dir = self.state_dir / "logs"
        self.app_services = tuple(app_services)
        self.ready_timeout_s = ready_timeout_s
        # Keeps our own children's Popen objects alive so they are reaped, not zombies.
        self._children: dict[int, subprocess.Popen[bytes]] = {}
        # Set over the cloud's own variables for app services only (restart_services).
        self.service_overrides: dict[str, str] = {}

    def up(self, *, services: bool = True) -> CloudEnv:
        """Start (or reuse) the emulators, provision them, then start the app services.

        Idempotent: with everything healthy it changes nothing (provisioning is a no-op)
        and returns the same env. Dead emulators mean a fresh start (their data lived in
        memory); a dead or unhealthy app service is restarted on its own.
        `services=False` does not stop services that are already running.
        """
        with statefile.locked(self.state_dir):
            state = statefile.load(self.state_file)
            if state is not None and not all(
                s.healthy for s in self._statuses(state) if s.kind == "emulator"
            ):
                self._stop(state)  # partial or stale (e.g. after a reboot): start over
                state = None
            if state is None:
                state = self._start_emulators()
            # Deferred: the client libraries take ~1.5 s to import and status/down need
            # none; _start_emulators() imports it while the emulators boot.
            from liveclips_dev.localcloud.provision import provision  # noqa: PLC0415

            statefile.write_env_file(self.env_file, state.env())
            started = time.monotonic()
            try:
                provision(state.env(), state.env()["LIVECLIPS_FUNCTIONS_URL"])
            except Exception as exc:
                raise LocalCloudError(
                    f"provisioning the emulators failed: {exc}\n(the emulators are still up;"
                    f" `liveclips local down --state-dir {self.state_dir}` stops them)"
                ) from exc
            log.info("provisioned in %.1f s", time.monotonic() - started)
            if services:
                old_url = state.env()["LIVECLIPS_FUNCTIONS_URL"]
                self._start_services(state)
                if state.env()["LIVECLIPS_FUNCTIONS_URL"] != old_url:
                    provision(state.env(), state.env()["LIVECLIPS_FUNCTIONS_URL"])
                statefile.write_env_file(self.env_file, state.env())
            return CloudEnv(state.env(), self.env_file, tuple(state.running.values()))

    def down(self) -> list[str]:
        """Stop every process group up() recorded; returns the names that were running."""
        with statefile.locked(self.state_dir):
            state = statefile.load(self.state_file)
            return [] if state is None else self._stop(state)

    def status(self) -> dict[str, ServiceStatus]:
        state = statefile.load(self.state_file)
        return {} if state is None else {s.name: s for s in self._statuses(state)}

    def env(self) -> dict[str, str]:
        return self._loaded().env()

    def restart_services(
        self, names: Sequence[str] | None = None, *, overrides: Mapping[str, str] | None = None
    ) -> None:
        """Restart app services (all, or `names`) on their ports. `overrides` (kept for
        later restarts until changed; {} drops them) are set over the cloud's variables in
        the services' environment only: fault tests route the services' calls through a
        proxy this way while the tests themselves talk to the emulators directly."""
        with statefile.locked(self.state_dir):
            state = self._loaded()
            if overrides is not None:
                self.service_overrides = dict(overrides)
            chosen = [
                r for r in state.running.values()
                if r.kind == "service" and (names is None or r.name in names)
            ]  # fmt: skip
            procs.stop([r.proc() for r in chosen])
            for record in chosen:
                del state.running[record.name]
            statefile.save(self.state_file, state)
            self._start_services(state)

    def kill(self, name: str) -> None:
        """SIGKILL a process group, as the platform kills an instance mid-request."""
        state = self._loaded()
        proc = state.running[name].proc()
        procs.kill(proc)

    def restart_emulator(self, name: str, *, functions_url: str | None = None) -> None:
        """Stop one emulator and start a fresh one on the same port, then provision it
        again (an emulator keeps everything in memory: what it held is gone, as after a
        crash). Push subscriptions point at `functions_url` (default: the functions)."""
        emulator = next(e for e in EMULATORS if e.name == name)
        with statefile.locked(self.state_dir):
            state = self._loaded()
            procs.stop([state.running.pop(name).proc()])
            port = state.ports[name]
            record = self._spawn(
                name, "emulator", emulator.argv(port, self.state_dir), port, child_env({})
            )
            state.running[name] = record
            statefile.save(self.state_file, state)
            procs.wait_ready(
                {name: (record.proc(), functools.partial(emulator.ready, port))},
                self.ready_timeout_s,
            )
            from liveclips_dev.localcloud.provision import provision  # noqa: PLC0415

            env = state.env()
            provision(env, functions_url or env["LIVECLIPS_FUNCTIONS_URL"])

    def _loaded(self) -> State:
        state = statefile.load(self.state_file)
        if state is None:
            raise LocalCloudError(
                f"the local cloud is not up (no {self.state_file}); run `liveclips local up`"
            )
        return state

    def _start_emulators(self) -> State:
        started = time.monotonic()
        names = [e.name for e in EMULATORS] + list(
            dict.fromkeys([*_URL_SERVICES, *(s.name for s in self.app_services)])
        )
        state = State(ports=dict(zip(names, procs.free_ports(len(names)), strict=True)))
        checks = {}
        try:
            for emulator in EMULATORS:
                port = state.ports[emulator.name]
                argv = emulator.argv(port, self.state_dir)
                record = self._spawn(emulator.name, "emulator", argv, port, child_env({}))
                state.running[emulator.name] = record
                # Saved after each spawn, so a crash here still leaves a record to clean up.
                statefile.save(self.state_file, state)
                checks[emulator.name] = (record.proc(), functools.partial(emulator.ready, port))
            importlib.import_module("liveclips_dev.localcloud.provision")
            procs.wait_ready(checks, self.ready_timeout_s)
            log.info("emulators ready in %.1f s", time.monotonic() - started)
        except BaseException:
            self._stop(state)
            raise
        return state

    def _start_services(self, state: State) -> None:
        statuses = {s.name: s for s in self._statuses(state)}
        to_start = [
            svc
            for svc in self.app_services
            if not (
                svc.name in statuses
                and statuses[svc.name].healthy
                and _healthy(statuses[svc.name].port, svc.health_path)
            )
        ]
        if not to_start:
            return
        moved = False
        for svc in to_start:
            reserved = state.ports.get(svc.name)
            if svc.name not in state.running and (reserved is None or procs.port_open(reserved)):
                state.ports[svc.name] = procs.free_ports(1)[0]  # new, or taken meanwhile
                moved = moved or svc.name in _URL_SERVICES
        if moved:  # running services hold the old URLs in their env: restart them too
            to_start = list(self.app_services)
        stale = [state.running.pop(s.name) for s in to_start if s.name in state.running]
        procs.stop([r.proc() for r in stale])  # crashed, wedged or holding stale URLs

        env = child_env({**state.env(), **self.service_overrides})
        begun = time.monotonic()
        checks = {}
        started: list[Running] = []
        try:
            for svc in to_start:
                port = state.ports[svc.name]
                argv = [sys.executable, "-m", svc.module, "--host", LOCALHOST, "--port", str(port)]
                record = self._spawn(svc.name, "service", argv, port, env)
                state.running[svc.name] = record
                started.append(record)
                statefile.save(self.state_file, state)
                checks[svc.name] = (
                    record.proc(),
                    functools.partial(_healthy, port, svc.health_path),
                )
            procs.wait_ready(checks, self.ready_timeout_s)
            log.info("services ready in %.1f s", time.monotonic() - begun)
        except BaseException:
            procs.stop([r.proc() for r in started])
            for record in started:
                state.running.pop(record.name, None)
            statefile.save(self.state_file, state)
            raise

    def _spawn(
        self, name: str, kind: Kind, argv: list[str], port: int, env: dict[str, str]
    ) -> Running:
        proc, popen = procs.spawn(name, argv, self.logs_dir / f"{name}.log", env=env, cwd=REPO_ROOT)
        self._children[popen.pid] = popen
        return Running(name, kind, proc.pid, port, proc.log, proc.start_ticks)

    def _statuses(self, state: State) -> list[ServiceStatus]:
        return [
            ServiceStatus(
                r.name, r.kind, r.pid, r.port, r.log,
                pid_alive=procs.pid_alive(r.pid, r.start_ticks),
                port_open=procs.port_open(r.port),
            )
            for r in state.running.values()
        ]  # fmt: skip

    def _stop(self, state: State) -> list[str]:
        # Services first, so they do not log a burst of errors about vanished emulators.
        services = [r.proc() for r in state.running.values() if r.kind == "service"]
        emulators = [r.proc() for r in state.running.values() if r.kind == "emulator"]
        stopped = procs.stop(services) + procs.stop(emulators)
        for record in state.running.values():
            popen = self._children.pop(record.pid, None)
            if popen is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    popen.wait(timeout=1)
        self.state_file.unlink(missing_ok=True)
        self.env_file.unlink(missing_ok=True)
        return stopped


__all__ = ["CloudEnv", "LocalCloud", "LocalCloudError", "Running", "ServiceStatus"]
