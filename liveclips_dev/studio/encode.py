"""Encode a video into the IVS auto-record layout on local disk, in one ffmpeg run.

One libx264 encode per rendition (2 s closed GOPs), one AAC encode shared by all, and
ffmpeg's tee muxer cutting each encoded stream into ~10 s recording segments and, for the
top rendition, ~2 s live segments too. Timestamps start at ``ts_offset_s`` like real IVS
segments, which never start at 0.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from liveclips.media.ffmpeg import ffprobe_json, run_ffmpeg
from liveclips_dev.studio.byteranges import segment_byte_ranges
from liveclips_dev.studio.ivs_events import parse_channel_arn
from liveclips_dev.studio.layout import (
    BYTE_RANGE_MULTIVARIANT,
    BYTE_RANGE_PLAYLIST,
    DEFAULT_RENDITIONS,
    HLS_DIR,
    LIVE_DIR,
    MASTER_PLAYLIST,
    MEDIA_PLAYLIST,
    EncodedShow,
    LiveSegment,
    RecordingSegment,
    Rendition,
)
from liveclips_dev.studio.playlists import (
    Variant,
    byte_range_playlist,
    media_playlist,
    multivariant_playlist,
    parse_extinf,
    target_duration,
)

RECORDING_SEGMENT_S = 10
LIVE_SEGMENT_S = 2
KEYFRAME_INTERVAL_S = 2
FFMPEG_PLAYLIST = "ffmpeg.m3u8"  # ffmpeg's own list, parsed for the real segment durations
LOCAL_CHANNEL_ARN = "arn:aws:ivs:us-east-1:123456789012:channel/LocalStudio01"
AUDIO_CODEC = "mp4a.40.2"

_RENDITION_PATH = re.compile(r"[A-Za-z0-9_-]+")
# RFC 6381 avc1 profile_idc + constraint flags, as x264 signals each profile.
_AVC_PROFILES = {
    "Constrained Baseline": "42C0",
    "Baseline": "4200",
    "Main": "4D40",
    "High": "6400",
}


def _check_renditions(renditions: Sequence[Rendition]) -> None:
    if not renditions:
        raise ValueError("at least one rendition is needed")
    paths = [r.path for r in renditions]
    if len(set(paths)) != len(paths):
        raise ValueError(f"rendition paths must be unique: {paths}")
    for r in renditions:
        if not _RENDITION_PATH.fullmatch(r.path):
            raise ValueError(f"rendition path {r.path!r} must match {_RENDITION_PATH.pattern}")
        if r.width <= 0 or r.height <= 0 or r.width % 2 or r.height % 2 or r.bitrate <= 0:
            raise ValueError(f"rendition {r} needs even positive dimensions and a bitrate")


def _has_audio(source: Path) -> bool:
    streams = ffprobe_json(source, ["-show_entries", "stream=codec_type"]).get("streams", [])
    return any(s.get("codec_type") == "audio" for s in streams)


def _filter_graph(renditions: Sequence[Rendition], fps: int) -> str:
    outs = "".join(f"[s{i}]" for i in range(len(renditions)))
    chains = [f"[0:v]split={len(renditions)}{outs}"]
    for i, r in enumerate(renditions):
        chains.append(
            f"[s{i}]scale={r.width}:{r.height}:force_original_aspect_ratio=decrease"
            f":force_divisible_by=2,pad={r.width}:{r.height}:(ow-iw)/2:(oh-ih)/2,"
            f"setsar=1,fps={fps},format=yuv420p[v{i}]"
        )
    return ";".join(chains)


def _hls_slave(select: str, seconds: int, folder: str, playlist_type: str = "vod") -> str:
    # Paths are relative to ffmpeg's working directory so they need no tee escaping.
    # "event" (a live input) rewrites the playlist after each segment; "vod" at the end.
    return (
        f"[select=\\'{select}\\':f=hls:hls_time={seconds}:hls_list_size=0"
        f":hls_playlist_type={playlist_type}:hls_segment_filename={folder}/%d.ts]"
        f"{folder}/{FFMPEG_PLAYLIST}"
    )


def ffmpeg_args(
    source: Path | Sequence[str],
    renditions: Sequence[Rendition],
    *,
    fps: int,
    ts_offset_s: float,
    preset: str,
    max_duration_s: float | None,
    has_audio: bool,
    playlist_type: str = "vod",
) -> list[str]:
    """The one ffmpeg run's arguments; ``source`` is a file, or input arguments (e.g.
    ``["-f", "webm", "-i", "pipe:0"]`` for a live input, with ``playlist_type="event"``)."""
    args = ["-i", str(source.resolve())] if isinstance(source, Path) else list(source)
    if not has_audio:
        args += ["-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=48000"]
    if max_duration_s is not None:
        args += ["-t", f"{max_duration_s:.3f}"]
    args += ["-filter_complex", _filter_graph(renditions, fps)]
    for i in range(len(renditions)):
        args += ["-map", f"[v{i}]"]
    args += ["-map", "0:a:0" if has_audio else "1:a:0"]
    if not has_audio:
        args.append("-shortest")
    # Fixed closed GOPs so the 10 s and 2 s cuts and every byte range land on keyframes.
    gop = str(KEYFRAME_INTERVAL_S * fps)
    args += ["-c:v", "libx264", "-preset", preset, "-profile:v", "main"]
    args += ["-g", gop, "-keyint_min", gop, "-sc_threshold", "0"]
    for i, r in enumerate(renditions):
        args += [f"-b:v:{i}", str(r.bitrate), f"-maxrate:v:{i}", str(r.bitrate)]
        args += [f"-bufsize:v:{i}", str(2 * r.bitrate)]
    args += ["-c:a", "aac", "-ar", "48000", "-ac", "2", "-b:a", "128k"]
    args += ["-output_ts_offset", f"{ts_offset_s:.3f}"]
    # One output, tee'd: the AAC encode (and the top video encode) is shared by all slaves.
    slaves = [
        _hls_slave(f"v:{i},a", RECORDING_SEGMENT_S, f"{HLS_DIR}/{r.path}", playlist_type)
        for i, r in enumerate(renditions)
    ]
    slaves.append(_hls_slave("v:0,a", LIVE_SEGMENT_S, LIVE_DIR, playlist_type))
    return [*args, "-f", "tee", "|".join(slaves)]


def _avc_codecs(segment: Path) -> str:
    streams = ffprobe_json(
        segment, ["-select_streams", "v:0", "-show_entries", "stream=profile,level"]
    ).get("streams", [])
    if not streams or streams[0].get("profile") not in _AVC_PROFILES:
        raise ValueError(f"cannot name the H.264 profile of {segment}: {streams}")
    video = streams[0]
    return f"avc1.{_AVC_PROFILES[video['profile']]}{int(video['level']):02X},{AUDIO_CODEC}"


def _read_recording(folder: Path) -> tuple[RecordingSegment, ...]:
    segments: list[RecordingSegment] = []
    start = 0.0
    entries = parse_extinf((folder / FFMPEG_PLAYLIST).read_text())
    for index, (duration, uri) in enumerate(entries):
        file = folder / uri
        ranges = segment_byte_ranges(file, segment_start_s=start, segment_duration_s=duration)
        segments.append(RecordingSegment(index, start, duration, file, ranges))
        start += duration
    if not segments:
        raise ValueError(f"ffmpeg wrote no segments in {folder}")
    return tuple(segments)


def _read_live(folder: Path) -> tuple[LiveSegment, ...]:
    segments: list[LiveSegment] = []
    start = 0.0
    for index, (duration, uri) in enumerate(parse_extinf((folder / FFMPEG_PLAYLIST).read_text())):
        segments.append(LiveSegment(index, start, duration, folder / uri))
        start += duration
    return tuple(segments)


def _write_playlists(show: EncodedShow, channel_arn: str) -> None:
    """The finished recording's playlists, so the staging dir is a complete local copy."""
    arn = parse_channel_arn(channel_arn)
    hls = show.staging / HLS_DIR
    ended_at = show.started_at + timedelta(seconds=show.duration_s)
    variants = []
    for r in show.renditions:
        segments = show.segments(r)
        target = target_duration([s.duration_s for s in segments])
        (hls / r.path / MEDIA_PLAYLIST).write_text(
            media_playlist(
                segments,
                started_at=show.started_at,
                target_duration_s=target,
                written_at=ended_at,
                ended=True,
            )
        )
        (hls / r.path / BYTE_RANGE_PLAYLIST).write_text(
            byte_range_playlist(
                segments, started_at=show.started_at, target_duration_s=target, ended=True
            )
        )
        variants.append(Variant(r, show.bandwidth[r.path], show.codecs[r.path]))
    for name, byte_range in ((MASTER_PLAYLIST, False), (BYTE_RANGE_MULTIVARIANT, True)):
        (hls / name).write_text(
            multivariant_playlist(
                variants, channel_id=arn.channel_id, account=arn.account, byte_range=byte_range
            )
        )


def encode_ivs_layout(
    source: Path,
    staging: Path,
    *,
    renditions: Sequence[Rendition] = DEFAULT_RENDITIONS,
    ts_offset_s: float = 10.0,
    started_at: datetime,
    fps: int = 30,
    preset: str = "ultrafast",
    max_duration_s: float | None = None,
    channel_arn: str = LOCAL_CHANNEL_ARN,
) -> EncodedShow:
    """Encode ``source`` under ``staging`` (media/hls/<rendition>/, live/) and describe
    it.

    ``renditions[0]`` is the top rendition, the one the live playlist carries.
    ``channel_arn`` only fills the SESSION-DATA of the staged multivariant playlists.
    """
    _check_renditions(renditions)
    if not source.is_file():
        raise FileNotFoundError(f"source video not found: {source}")
    for folder in (staging / HLS_DIR, staging / LIVE_DIR):
        shutil.rmtree(folder, ignore_errors=True)  # stale segments would be re-uploaded
    for r in renditions:
        (staging / HLS_DIR / r.path).mkdir(parents=True)
    (staging / LIVE_DIR).mkdir(parents=True)
    args = ffmpeg_args(
        source,
        renditions,
        fps=fps,
        ts_offset_s=ts_offset_s,
        preset=preset,
        max_duration_s=max_duration_s,
        has_audio=_has_audio(source),
    )
    run_ffmpeg(args, cwd=staging)
    recording = {r.path: _read_recording(staging / HLS_DIR / r.path) for r in renditions}
    show = EncodedShow(
        staging=staging,
        renditions=tuple(renditions),
        recording=recording,
        codecs={r.path: _avc_codecs(recording[r.path][0].file) for r in renditions},
        bandwidth={
            path: max(int(s.file.stat().st_size * 8 / s.duration_s) for s in segments)
            for path, segments in recording.items()
        },
        live=_read_live(staging / LIVE_DIR),
        duration_s=sum(s.duration_s for s in recording[renditions[0].path]),
        started_at=started_at,
    )
    _write_playlists(show, channel_arn)
    return show
