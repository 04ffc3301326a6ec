"""Running ffmpeg/ffprobe as subprocesses with errors that say what went wrong."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_STDERR_TAIL_LINES = 25


class MediaToolError(RuntimeError):
    """ffmpeg or ffprobe failed; the message carries the command and the end of its stderr."""


def _tail(text: str) -> str:
    return "\n".join(text.strip().splitlines()[-_STDERR_TAIL_LINES:])


def run_ffmpeg(args: Sequence[str], *, cwd: Path | None = None) -> None:
    """Run ffmpeg with ``args`` (everything after the program name)."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
    except FileNotFoundError as exc:
        raise MediaToolError("ffmpeg is not installed or not on PATH") from exc
    if result.returncode != 0:
        raise MediaToolError(
            f"ffmpeg exited with {result.returncode}: {' '.join(command)}\n{_tail(result.stderr)}"
        )


def ffprobe_json(path: Path, args: Sequence[str]) -> dict[str, Any]:
    """ffprobe ``path`` with ``args`` (e.g. -show_entries ...) and return its JSON output."""
    command = ["ffprobe", "-v", "error", "-of", "json", *args, str(path)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise MediaToolError("ffprobe is not installed or not on PATH") from exc
    if result.returncode != 0:
        raise MediaToolError(
            f"ffprobe exited with {result.returncode} on {path}\n{_tail(result.stderr)}"
        )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def run_ffmpeg_stderr(args: Sequence[str]) -> str:
    """Run ffmpeg and return its stderr, for filters that report measurements there."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MediaToolError(
            f"ffmpeg exited with {result.returncode}: {' '.join(command)}\n{_tail(result.stderr)}"
        )
    return result.stderr
