"""Every ffmpeg and ffprobe run has a timeout, and the clip worker's event loop never
waits on blocking work."""

from __future__ import annotations

import ast
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from liveclips.media import ffmpeg
from liveclips.media.ffmpeg import MediaTimeout, ffprobe_json, run_ffmpeg

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("liveclips", "functions", "clip_workers", "pipelines")
FFMPEG_MODULE = ROOT / "liveclips" / "media" / "ffmpeg.py"
SUBPROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output", "create_subprocess_exec"}


def test_an_endless_ffmpeg_is_killed_at_its_timeout() -> None:
    began = time.monotonic()
    with pytest.raises(MediaTimeout, match="ran past 1 s"):
        # An audio source without end, encoded to nowhere: runs until killed.
        run_ffmpeg(["-f", "lavfi", "-i", "anullsrc", "-f", "null", "-"], timeout_s=1)
    assert time.monotonic() - began < 10


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An HTTP address that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/playlist.m3u8"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_probe_of_a_source_that_never_answers_is_killed_at_its_timeout(
    silent_server: str,
) -> None:
    with pytest.raises(MediaTimeout):
        ffprobe_json(silent_server, ["-show_entries", "format=duration"], timeout_s=1)


def test_the_default_timeouts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVECLIPS_FFMPEG_TIMEOUT_S", "1")
    ffmpeg.timeouts.cache_clear()
    try:
        with pytest.raises(MediaTimeout, match="ran past 1 s"):
            run_ffmpeg(["-f", "lavfi", "-i", "anullsrc", "-f", "null", "-"])
    finally:
        ffmpeg.timeouts.cache_clear()


def test_the_default_timeouts_are_a_backstop_not_a_limit_on_real_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LIVECLIPS_FFMPEG_TIMEOUT_S", raising=False)
    monkeypatch.delenv("LIVECLIPS_FFPROBE_TIMEOUT_S", raising=False)
    ffmpeg.timeouts.cache_clear()
    assert ffmpeg.timeouts().ffmpeg_timeout_s >= 600
    assert ffmpeg.timeouts().ffprobe_timeout_s >= 30


def _calls(path: Path) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            yield node


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def test_ffmpeg_and_ffprobe_run_only_through_the_module_with_timeouts() -> None:
    elsewhere = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for root in RUNTIME
        for path in sorted((ROOT / root).rglob("*.py"))
        if path != FFMPEG_MODULE
        for call in _calls(path)
        if _name(call) in SUBPROCESS_CALLS
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in {"subprocess", "asyncio"}
    ]
    assert elsewhere == []
    runs = [c for c in _calls(FFMPEG_MODULE) if _name(c) in SUBPROCESS_CALLS]
    assert runs and all(any(k.arg == "timeout" for k in c.keywords) for c in runs)


BLOCKING_MODULES = {"pubsub", "s3", "spanner_clips", "spanner", "tasks", "redis_store"}


def test_the_clip_worker_never_calls_blocking_clients_on_its_event_loop() -> None:
    """In its `async def`s, adapters (whose calls block on the network) are only handed to
    a thread (run_in_threadpool, asyncio.to_thread), never called."""
    tree = ast.parse((ROOT / "clip_workers" / "app.py").read_text())
    blocking = [
        f"line {call.lineno}: {ast.unparse(call.func)}"
        for fn in ast.walk(tree)
        if isinstance(fn, ast.AsyncFunctionDef)
        for call in ast.walk(fn)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in BLOCKING_MODULES
    ]
    assert blocking == []
