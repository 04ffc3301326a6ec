"""Child-process plumbing for the local cloud: ports, process groups, readiness waits.

Every child runs in its own session (so its pid is also its process-group id) and is
identified by (pid, start time): a pid in an old state.json may have been recycled by an
unrelated process, which must never be signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

LOCALHOST = "127.0.0.1"


class LocalCloudError(RuntimeError):
    """Something in the local cloud failed; the message says what and where to look."""


@dataclass(frozen=True)
class Proc:
    """A process group that `LocalCloud` started and owns."""

    name: str
    pid: int
    start_ticks: int | None  # /proc/<pid>/stat field 22; None where /proc is absent
    log: Path


def free_ports(count: int, host: str = LOCALHOST) -> list[int]:
    """Ports the kernel just handed out; holding all sockets open keeps them distinct."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            sockets.append(s)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def port_open(port: int, host: str = LOCALHOST, timeout: float = 0.25) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def _reap(pid: int) -> None:
    # Our own exited children stay zombies (and answer kill(pid, 0)) until waited for.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def pid_alive(pid: int, ticks: int | None = None) -> bool:
    """True if `pid` runs and, when `ticks` is given, is the same process we started."""
    _reap(pid)
    fields = _stat_fields(pid)
    if fields is None:
        if Path("/proc/self/stat").exists():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if fields[0] == "Z":
        return False
    return ticks is None or int(fields[19]) == ticks


def group_members(proc: Proc) -> list[int]:
    """Live pids in `proc`'s process group that were started no earlier than its leader."""
    if not Path("/proc/self/stat").exists():
        return [proc.pid] if pid_alive(proc.pid) else []
    _reap(proc.pid)
    leader = _stat_fields(proc.pid)
    if leader is not None and proc.start_ticks is not None and int(leader[19]) != proc.start_ticks:
        return []  # the pid was recycled: whatever runs under it now is not ours
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is None or fields[0] == "Z" or int(fields[2]) != proc.pid:
            continue
        if proc.start_ticks is not None and int(fields[19]) < proc.start_ticks:
            continue  # the group id was recycled by something older than our child
        members.append(int(entry.name))
    return members


def spawn(
    name: str,
    argv: Sequence[str],
    log: Path,
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
) -> tuple[Proc, subprocess.Popen[bytes]]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n=== {time.strftime('%F %T')} {' '.join(argv)}\n".encode())
        out.flush()
        try:
            popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
            )
        except OSError as exc:
            raise LocalCloudError(f"cannot start {name} ({argv[0]}): {exc}") from exc
    return Proc(name, popen.pid, start_ticks(popen.pid), log), popen


def _signal_members(members: Iterable[int], sig: signal.Signals) -> None:
    for pid in members:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def stop(procs: Sequence[Proc], grace_s: float = 5.0) -> list[str]:
    """SIGTERM every group, SIGKILL what is left after `grace_s`; names that were running."""
    running = [p for p in procs if group_members(p)]
    for p in running:
        _signal_members(group_members(p), signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for p in running:
        if not wait_for_exit(p, max(0.0, deadline - time.monotonic())):
            _signal_members(group_members(p), signal.SIGKILL)
            wait_for_exit(p, 2.0)
    return [p.name for p in running]


def kill(proc: Proc) -> None:
    """SIGKILL the whole group at once: no handler runs, nothing is cleaned up."""
    _signal_members(group_members(proc), signal.SIGKILL)
    wait_for_exit(proc, 5.0)


def wait_for_exit(proc: Proc, timeout_s: float) -> bool:
    """True once no process of `proc`'s group is left (reaping our own children)."""
    deadline = time.monotonic() + timeout_s
    while group_members(proc):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def log_tail(log: Path, lines: int = 25) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return f"(no log at {log})"
    return "\n".join(text.rstrip().splitlines()[-lines:])


def wait_ready(
    checks: Mapping[str, tuple[Proc, Callable[[], bool]]],
    timeout_s: float,
) -> None:
    """Poll every check until all pass; fail fast when a process exits, with its log."""
    pending = dict(checks)
    deadline = time.monotonic() + timeout_s
    while pending:
        for name, (proc, ready) in list(pending.items()):
            if not pid_alive(proc.pid, proc.start_ticks):
                raise LocalCloudError(
                    f"{name} exited during startup (pid {proc.pid}); log {proc.log}:\n"
                    f"{log_tail(proc.log)}"
                )
            with contextlib.suppress(OSError):
                if ready():
                    del pending[name]
        if not pending:
            return
        if time.monotonic() > deadline:
            details = "\n\n".join(
                f"--- {name} (pid {proc.pid}), log {proc.log}:\n{log_tail(proc.log)}"
                for name, (proc, _) in pending.items()
            )
            raise LocalCloudError(
                f"not ready after {timeout_s:.0f} s: {', '.join(pending)}\n{details}"
            )
        time.sleep(0.1)
