"""A MediaConvert HLS + frame-capture job, run by ffmpeg in one process.

The local stand-in (liveclips_dev/localcloud/mediaconvert.py) reads the job's own settings (the AWS
model's PascalCase, as liveclips.domain.vod_job builds them) and this turns them into one ffmpeg
run: the decoded picture is split once per rendition plus once for the frame captures,
and the HLS muxer writes every rendition and the master playlist (var_stream_map), with
MediaConvert's file names, so that everything downstream reads the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from liveclips.media.ffmpeg import MediaError, ffprobe_json, run_ffmpeg

# QVBR quality 1..10 onto x264's CRF: 7 (the ladder's usual level) is CRF 23, x264's own
# default; each level is worth about 1.7 CRF steps.
_CRF_AT_QVBR_7 = 23.0
_CRF_PER_QVBR_LEVEL = 1.7
# The stand-in runs on a laptop or a 2 vCPU CI box; MediaConvert's quality is not the point.
_X264_PRESET = "superfast"


@dataclass(frozen=True)
class SourceProbe:
    duration_s: float
    fps: Fraction
    width: int
    height: int
    has_audio: bool


@dataclass(frozen=True)
class HlsOutput:
    name_modifier: str
    width: int
    height: int
    max_bitrate: int
    crf: float
    audio_bitrate: int


@dataclass(frozen=True)
class JobPlan:
    """What of a job's settings the stand-in runs, with MediaConvert's output names."""

    hls_destination: str  # s3://bucket/prefix/name (no extension)
    segment_s: int
    outputs: tuple[HlsOutput, ...]
    frames_destination: str | None
    frame_every_s: float
    frame_size: tuple[int, int]


def probe_source(path: Path | str) -> SourceProbe:
    data = ffprobe_json(
        path,
        ["-show_entries", "format=duration:stream=codec_type,width,height,avg_frame_rate"],
    )
    streams: list[dict[str, Any]] = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise MediaError(f"{path}: no video stream")
    rate = video.get("avg_frame_rate", "0/0")
    fps = Fraction(rate) if rate not in ("0/0", "") else Fraction(30)
    return SourceProbe(
        duration_s=float(data.get("format", {}).get("duration", 0.0)),
        fps=fps,
        width=int(video["width"]),
        height=int(video["height"]),
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def plan_job(settings: dict[str, Any]) -> JobPlan:
    """Read the HLS and frame-capture groups of a job's Settings; reject what we cannot run."""
    hls = frames = None
    for group in settings.get("OutputGroups", []):
        kind = group["OutputGroupSettings"]["Type"]
        if kind == "HLS_GROUP_SETTINGS":
            hls = group
        elif kind == "FILE_GROUP_SETTINGS":
            frames = group
        else:
            raise ValueError(f"the local transcoder runs HLS and frame-capture groups, not {kind}")
    if hls is None:
        raise ValueError("the job has no HLS output group")
    hls_settings = hls["OutputGroupSettings"]["HlsGroupSettings"]
    frame_every, frame_size, frames_destination = 10.0, (480, 270), None
    if frames is not None:
        video = frames["Outputs"][0]["VideoDescription"]
        capture = video["CodecSettings"]["FrameCaptureSettings"]
        frame_every = capture["FramerateDenominator"] / capture["FramerateNumerator"]
        frame_size = (video["Width"], video["Height"])
        frames_destination = frames["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    return JobPlan(
        hls_destination=hls_settings["Destination"],
        segment_s=int(hls_settings["SegmentLength"]),
        outputs=tuple(_hls_output(output) for output in hls["Outputs"]),
        frames_destination=frames_destination,
        frame_every_s=frame_every,
        frame_size=frame_size,
    )


def _hls_output(output: dict[str, Any]) -> HlsOutput:
    video = output["VideoDescription"]
    h264 = video["CodecSettings"]["H264Settings"]
    quality = h264.get("QvbrSettings", {}).get("QvbrQualityLevel", 7)
    audio = output["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]
    return HlsOutput(
        name_modifier=output["NameModifier"],
        width=video["Width"],
        height=video["Height"],
        max_bitrate=h264["MaxBitrate"],
        crf=round(_CRF_AT_QVBR_7 - (quality - 7) * _CRF_PER_QVBR_LEVEL, 1),
        audio_bitrate=audio["Bitrate"],
    )


def transcode(source: Path, plan: JobPlan, hls_dir: Path, frames_dir: Path) -> SourceProbe:
    """Write `<hls_dir>/<name>.m3u8`, its renditions and segments, and the frame captures."""
    probe = probe_source(source)
    hls_dir.mkdir(parents=True, exist_ok=True)
    frames_dir.mkdir(parents=True, exist_ok=True)
    name = plan.hls_destination.rstrip("/").rsplit("/", 1)[-1]
    count = len(plan.outputs)
    splits = "".join(f"[s{i}]" for i in range(count + 1))
    graph = [f"[0:v]split={count + 1}{splits}"]
    graph += [f"[s{i}]scale={o.width}:{o.height}[v{i}]" for i, o in enumerate(plan.outputs)]
    width, height = plan.frame_size
    graph.append(f"[s{count}]fps=1/{plan.frame_every_s},scale={width}:{height}[frames]")
    audio_input = ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"] if not probe.has_audio else []
    audio = "0:a:0" if probe.has_audio else "1:a:0"
    gop = max(1, round(probe.fps * plan.segment_s))
    args = ["-i", str(source), *audio_input, "-filter_complex", ";".join(graph)]
    for i, output in enumerate(plan.outputs):
        args += ["-map", f"[v{i}]", "-map", audio]
        args += [
            f"-crf:v:{i}", str(output.crf),
            f"-maxrate:v:{i}", str(output.max_bitrate),
            f"-bufsize:v:{i}", str(2 * output.max_bitrate),
            f"-b:a:{i}", str(output.audio_bitrate),
        ]  # fmt: skip
    streams = " ".join(f"v:{i},a:{i},name:{o.name_modifier}" for i, o in enumerate(plan.outputs))
    args += [
        "-c:v", "libx264", "-preset", _X264_PRESET, "-pix_fmt", "yuv420p",
        # Closed GOPs of exactly one segment: every segment of every rung starts on a
        # keyframe at the same instant, so players can switch rungs anywhere.
        "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-flags", "+cgop",
        "-c:a", "aac", "-ac", "2", "-ar", "48000", "-shortest",
        "-f", "hls", "-hls_time", str(plan.segment_s), "-hls_playlist_type", "vod",
        "-hls_flags", "independent_segments", "-start_number", "1",
        "-hls_segment_filename", str(hls_dir / f"{name}%v_%05d.ts"),
        "-master_pl_name", f"{name}.m3u8", "-var_stream_map", streams,
        str(hls_dir / f"{name}%v.m3u8"),
        "-map", "[frames]", "-q:v", "3", "-start_number", "0",
        str(frames_dir / f"{_frames_name(plan)}.%07d.jpg"),
    ]  # fmt: skip
    run_ffmpeg(args)
    return probe


def _frames_name(plan: JobPlan) -> str:
    destination = plan.frames_destination or "frame"
    return destination.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SegmentProbe:
    width: int
    height: int
    has_audio: bool


def probe_segment(path: Path) -> SegmentProbe:
    """Does a segment decode, and as what picture size (the VOD check's "it plays")?"""
    source = probe_source(path)
    # Decoding a frame proves more than the header does: a truncated upload parses fine.
    run_ffmpeg(["-i", str(path), "-frames:v", "1", "-f", "null", "-"])
    return SegmentProbe(source.width, source.height, source.has_audio)
