"""What the renderer must know about a fetched source before planning a cut."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from liveclips.media.ffmpeg import MediaError, ffprobe_json


@dataclass(frozen=True)
class SourceInfo:
    width: int
    height: int
    frame_s: float
    codec: str
    pix_fmt: str
    has_audio: bool
    keyframes: tuple[float, ...]  # seconds from the start of the file

    def copyable_as(self, width: int, height: int) -> bool:
        """Can this source's GOPs go into an output of that size untouched?"""
        return (
            (self.width, self.height) == (width, height)
            and self.codec == "h264"
            and self.pix_fmt == "yuv420p"
        )


def inspect_source(source: Path) -> SourceInfo:
    data = ffprobe_json(
        source,
        [
            "-show_entries",
            "format=start_time:stream=codec_type,codec_name,width,height,pix_fmt,avg_frame_rate,"
            "r_frame_rate:packet=pts_time,flags",
            "-select_streams",
            "v:0",
            "-show_packets",
        ],
    )
    streams: list[dict[str, Any]] = data.get("streams", [])
    if not streams:
        raise MediaError(f"{source} has no video stream")
    video = streams[0]
    start = float(data.get("format", {}).get("start_time", 0.0))
    keyframes = tuple(
        round(float(p["pts_time"]) - start, 6)
        for p in data.get("packets", [])
        if "K" in p.get("flags", "") and p.get("pts_time") not in (None, "N/A")
    )
    rate = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")) or Fraction(30)
    audio = ffprobe_json(source, ["-select_streams", "a", "-show_entries", "stream=index"])
    return SourceInfo(
        width=int(video.get("width", 0)),
        height=int(video.get("height", 0)),
        frame_s=float(1 / rate),
        codec=str(video.get("codec_name", "")),
        pix_fmt=str(video.get("pix_fmt", "")),
        has_audio=bool(audio.get("streams")),
        keyframes=tuple(sorted(keyframes)),
    )


def _rate(text: object) -> Fraction | None:
    if not isinstance(text, str) or "/" not in text:
        return None
    numerator, denominator = text.split("/", 1)
    if int(denominator) == 0 or int(numerator) == 0:
        return None
    return Fraction(int(numerator), int(denominator))
