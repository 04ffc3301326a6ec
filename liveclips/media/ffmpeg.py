"""The one place ffmpeg and ffprobe are run, each failure raised with what went wrong."""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOUDNESS_STEP_S = 0.1  # ebur128 emits one momentary value per 100 ms of audio
_STDERR_TAIL_LINES = 25


class MediaError(RuntimeError):
    """ffmpeg or ffprobe failed; the message carries the command and the end of its stderr."""


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)
    except FileNotFoundError as exc:
        raise MediaError(f"{command[0]} is not installed or not on PATH") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-_STDERR_TAIL_LINES:])
        raise MediaError(f"{command[0]} exited with {done.returncode}: {' '.join(command)}\n{tail}")
    return done


def run_ffmpeg(
    args: Sequence[str], *, cwd: Path | None = None, log_level: str = "error"
) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg with `args` (everything after the program name); output files overwritten.

    Filters that report measurements on stderr (ebur128, astats) need log_level "info".
    """
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", log_level, "-y"]
    return _run([*command, *args], cwd)


def ffprobe_json(target: Path | str, args: Sequence[str]) -> dict[str, Any]:
    """ffprobe a file or URL with `args` (e.g. -show_entries ...) and return its JSON."""
    data: dict[str, Any] = json.loads(
        _run(["ffprobe", "-v", "error", "-of", "json", *args, str(target)]).stdout
    )
    return data


def lufs(text: str) -> float:
    """An ebur128 loudness as printed, floored at -120.0 (silence: -inf, nan, -120.691)."""
    value = float(text)  # float() reads "inf", "-inf" and "nan"
    return -120.0 if math.isnan(value) else max(value, -120.0)


@dataclass(frozen=True)
class MediaInfo:
    duration_s: float
    width: int
    height: int
    size_bytes: int


def probe(target: Path | str) -> MediaInfo:
    """Duration, picture size and byte size of a file or URL."""
    data = ffprobe_json(
        target, ["-show_entries", "format=duration,size:stream=codec_type,width,height"]
    )
    streams: list[dict[str, Any]] = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), {})
    fmt = data.get("format", {})
    return MediaInfo(
        duration_s=float(fmt.get("duration", 0.0)),
        width=int(video.get("width", 0)),
        height=int(video.get("height", 0)),
        size_bytes=int(fmt.get("size", 0)),
    )


def ffmpeg_stdout(args: Sequence[str], *, log_level: str = "error") -> bytes:
    """Run ffmpeg with `args` that write to "-" (e.g. `-f rawvideo -`); return those bytes."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", log_level, *args]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise MediaError("ffmpeg is not installed or not on PATH") from exc
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace").strip().splitlines()
        tail = "\n".join(stderr[-_STDERR_TAIL_LINES:])
        raise MediaError(f"ffmpeg exited with {done.returncode}: {' '.join(command)}\n{tail}")
    return done.stdout
