"""The one place ffmpeg and ffprobe are run, each failure raised with what went wrong."""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from liveclips.errors import LiveclipsError, TransientError

LOUDNESS_STEP_S = 0.1  # ebur128 emits one momentary value per 100 ms of audio
_STDERR_TAIL_LINES = 25


class MediaTimeouts(BaseSettings):
    """How long one ffmpeg or ffprobe run may take before it is killed. A wedged decoder
    or a source URL that stops answering must fail the task (which is then retried),
    not hold a worker forever."""

    model_config = SettingsConfigDict(env_prefix="LIVECLIPS_", extra="ignore")

    # A clip's render or one VOD rendition of a long show; generous, it is a backstop.
    ffmpeg_timeout_s: float = 1800.0
    # A probe reads headers, locally or over HTTP: seconds, unless the far end hangs.
    ffprobe_timeout_s: float = 120.0


@lru_cache(maxsize=1)
def timeouts() -> MediaTimeouts:
    return MediaTimeouts()


class MediaError(LiveclipsError, RuntimeError):
    """ffmpeg or ffprobe failed; the message carries the command and the end of its stderr."""


class MediaTimeout(MediaError, TransientError):
    """ffmpeg or ffprobe ran past its timeout and was killed."""


def _run(
    command: list[str], cwd: Path | None = None, *, timeout_s: float | None = None
) -> subprocess.CompletedProcess[str]:
    limit = timeout_s if timeout_s is not None else _default_timeout(command[0])
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=cwd, timeout=limit
        )
    except FileNotFoundError as exc:
        raise MediaError(f"{command[0]} is not installed or not on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise MediaTimeout(f"{command[0]} ran past {limit:g} s: {' '.join(command)}") from exc
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-_STDERR_TAIL_LINES:])
        raise MediaError(f"{command[0]} exited with {done.returncode}: {' '.join(command)}\n{tail}")
    return done


def _default_timeout(program: str) -> float:
    settings = timeouts()
    return settings.ffprobe_timeout_s if program == "ffprobe" else settings.ffmpeg_timeout_s


def run_ffmpeg(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    log_level: str = "error",
    timeout_s: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg with `args` (everything after the program name); output files overwritten.

    Filters that report measurements on stderr (ebur128, astats) need log_level "info".
    Killed after `timeout_s` (default: LIVECLIPS_FFMPEG_TIMEOUT_S) with MediaTimeout.
    """
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", log_level, "-y"]
    return _run([*command, *args], cwd, timeout_s=timeout_s)


def ffprobe_json(
    target: Path | str, args: Sequence[str], *, timeout_s: float | None = None
) -> dict[str, Any]:
    """ffprobe a file or URL with `args` (e.g. -show_entries ...) and return its JSON.
    Killed after `timeout_s` (default: LIVECLIPS_FFPROBE_TIMEOUT_S) with MediaTimeout."""
    data: dict[str, Any] = json.loads(
        _run(
            ["ffprobe", "-v", "error", "-of", "json", *args, str(target)], timeout_s=timeout_s
        ).stdout
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


def ffmpeg_stdout(
    args: Sequence[str], *, log_level: str = "error", timeout_s: float | None = None
) -> bytes:
    """Run ffmpeg with `args` that write to "-" (e.g. `-f rawvideo -`); return those bytes.
    Killed after `timeout_s` (default: LIVECLIPS_FFMPEG_TIMEOUT_S) with MediaTimeout."""
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", log_level, *args]
    limit = timeout_s if timeout_s is not None else timeouts().ffmpeg_timeout_s
    try:
        done = subprocess.run(command, capture_output=True, check=False, timeout=limit)
    except FileNotFoundError as exc:
        raise MediaError("ffmpeg is not installed or not on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise MediaTimeout(f"ffmpeg ran past {limit:g} s: {' '.join(command)}") from exc
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace").strip().splitlines()
        tail = "\n".join(stderr[-_STDERR_TAIL_LINES:])
        raise MediaError(f"ffmpeg exited with {done.returncode}: {' '.join(command)}\n{tail}")
    return done.stdout
