"""The ffmpeg/ffprobe calls the pipeline makes, each with a clear error on failure."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOUDNESS_STEP_S = 0.1  # ebur128 emits one momentary value per 100 ms of audio


class MediaError(RuntimeError):
    pass


def run(args: list[str], *, what: str) -> str:
    """Run ffmpeg/ffprobe; on failure raise with the tail of stderr, which names the cause."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-6:])
        raise MediaError(f"{what} failed (exit {done.returncode}): {tail}")
    return done.stdout


_MOMENTARY = re.compile(r"lavfi\.r128\.M=(-?[\d.]+|-?inf|nan)")


def momentary_loudness(path: Path) -> list[float]:
    """EBU R128 momentary loudness (LUFS), one value per LOUDNESS_STEP_S from the first sample."""
    out = run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-nostats",
            "-loglevel",
            "error",
            "-i",
            str(path),
            "-vn",
            "-af",
            "ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.M:file=-",
            "-f",
            "null",
            "-",
        ],
        what=f"loudness analysis of {path.name}",
    )
    values = []
    for match in _MOMENTARY.finditer(out):
        text = match.group(1)
        values.append(-120.0 if "inf" in text or text == "nan" else max(float(text), -120.0))
    return values


@dataclass(frozen=True)
class MediaInfo:
    duration_s: float
    width: int
    height: int
    size_bytes: int


def probe(path: Path | str) -> MediaInfo:
    """Probe a file or URL."""
    out = run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_entries",
            "format=duration,size:stream=codec_type,width,height",
            str(path),
        ],
        what=f"probe of {path}",
    )
    data: dict[str, Any] = json.loads(out)
    streams: list[dict[str, Any]] = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), {})
    fmt = data.get("format", {})
    return MediaInfo(
        duration_s=float(fmt.get("duration", 0.0)),
        width=int(video.get("width", 0)),
        height=int(video.get("height", 0)),
        size_bytes=int(fmt.get("size", 0)),
    )


def cut_clip(source: Path, target: Path, *, seek_s: float, duration_s: float) -> None:
    """Frame-accurate cut to a web-ready MP4 (H.264/AAC, moov atom first)."""
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{seek_s:.3f}",
            "-i",
            str(source),
            "-t",
            f"{duration_s:.3f}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "21",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-movflags",
            "+faststart",
            str(target),
        ],
        what=f"cut of {source.name}",
    )
