"""Render one clip from a fetched source file into every output a player needs.

Video and audio are made side by side and joined at the end: the video as pieces (copied
GOPs and/or encoded chunks, several ffmpeg processes at once), the audio in one
loudness-normalised pass. Then the MP4 is packaged as HLS and drawn as poster and sprite.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from domain.clip_presets import Preset, output_size
from domain.cut_plan import CutPlan, Piece, frames_between, plan_cut
from domain.loudness import OutputLoudness, plan_loudnorm
from domain.reframe import crop_filter, crop_window, plan_crop_path
from domain.thumbnails import sprite_layout, webvtt
from media import artwork, loudness, packaging
from media.ffmpeg import MediaInfo, probe, run_ffmpeg
from media.source_info import SourceInfo, inspect_source
from media.subject import subject_samples

# A keyframe every 2 s, as IVS sends: the HLS package can only cut at keyframes.
# superfast: on 2 vCPU the 30 s vertical clip's encode is the critical path (veryfast took
# 7.9 s of it, superfast 6.0 s; docs/benchmarks.md), and crf holds the quality level.
X264 = (
    "-c:v", "libx264", "-preset", "superfast", "-crf", "21", "-pix_fmt", "yuv420p",
    "-force_key_frames", "expr:gte(t,n_forced*2)",
)  # fmt: skip
AUDIO_RATE = "48000"  # loudnorm resamples to 192 kHz internally; say what we want back
SPRITE_TILE = (160, 90)
SPRITE_INTERVAL_S = 1.0  # the layout widens it for long clips
SPRITE_COLUMNS = 10


@dataclass(frozen=True)
class RenderOptions:
    chunk_s: float | None = 10.0  # None: never split an encode
    workers: int = os.cpu_count() or 1
    outputs: bool = True  # HLS, poster, sprite: off for quick renders (benchmarks)


@dataclass(frozen=True)
class RenderedClip:
    mp4: Path
    hls_playlist: Path | None
    poster: Path | None
    sprite: Path | None
    thumbnails_vtt: Path | None
    info: MediaInfo
    loudness: OutputLoudness | None
    loudness_mode: str
    cut: CutPlan
    render_s: float


def render_clip(
    source: Path,
    *,
    start_s: float,
    end_s: float,
    chosen: Preset,
    out_dir: Path,
    options: RenderOptions | None = None,
) -> RenderedClip:
    options = options or RenderOptions()
    began = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pieces-", dir=out_dir) as scratch:
        rendered = _render(
            source,
            start_s=start_s,
            end_s=end_s,
            chosen=chosen,
            mp4=out_dir / "clip.mp4",
            work=Path(scratch),
            options=options,
        )
    if options.outputs:
        rendered = _with_outputs(rendered, out_dir)
    return replace(rendered, render_s=time.perf_counter() - began)


def _render(
    source: Path,
    *,
    start_s: float,
    end_s: float,
    chosen: Preset,
    mp4: Path,
    work: Path,
    options: RenderOptions,
) -> RenderedClip:
    source = _indexed(source, work)
    info = inspect_source(source)
    width, height = output_size(chosen, info.width, info.height)
    cut = plan_cut(
        info.keyframes,
        start_s,
        end_s,
        frame_s=info.frame_s,
        copy_allowed=info.copyable_as(width, height),
        chunk_s=options.chunk_s if options.workers > 1 else None,
    )
    with ThreadPoolExecutor(max_workers=max(2, options.workers)) as pool:
        # Audio needs no picture: it runs while the subject is being tracked.
        audio: Future[tuple[Path, str]] | None = None
        if info.has_audio:
            audio = pool.submit(_audio, source, start_s, end_s, work)
        picture = _picture_filter(
            source, info, start_s=start_s, end_s=end_s, chosen=chosen, width=width, height=height
        )
        pieces = [
            pool.submit(
                _video_piece,
                source,
                piece,
                target=work / f"piece-{index:03d}.ts",
                clip_start_s=start_s,
                info=info,
                picture=picture,
            )
            for index, piece in enumerate(cut.pieces)
        ]
        video_files = [p.result() for p in pieces]
        audio_file, loudness_mode = audio.result() if audio else (None, "none")

    _mux(video_files, audio_file, end_s - start_s, mp4, work)
    return RenderedClip(
        mp4=mp4,
        hls_playlist=None,
        poster=None,
        sprite=None,
        thumbnails_vtt=None,
        info=probe(mp4),
        loudness=loudness.measure_output(mp4) if info.has_audio else None,
        loudness_mode=loudness_mode,
        cut=cut,
        render_s=0.0,
    )


def _indexed(source: Path, work: Path) -> Path:
    """MPEG-TS has no index: ffmpeg seeks in it by bytes and can land a GOP late, losing
    the frames before. A copy into MP4 (a fraction of a second) makes every seek exact."""
    indexed = work / "source.mp4"
    run_ffmpeg(["-i", str(source), "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", str(indexed)])
    return indexed


def _picture_filter(
    source: Path,
    info: SourceInfo,
    *,
    start_s: float,
    end_s: float,
    chosen: Preset,
    width: int,
    height: int,
) -> str | None:
    """The crop (following the subject) and scale that turn the source into the preset."""
    scale = f"scale={width}:{height}:flags=lanczos,setsar=1"
    if chosen.keeps_source_framing:
        return None if (info.width, info.height) == (width, height) else scale
    window = crop_window(info.width, info.height, *chosen.aspect)
    samples = subject_samples(source, seek_s=start_s, duration_s=end_s - start_s)
    path = plan_crop_path(samples, info.width, info.height, window, end_s - start_s)
    return f"{crop_filter(path)},{scale}"


def _video_piece(
    source: Path,
    piece: Piece,
    *,
    target: Path,
    clip_start_s: float,
    info: SourceInfo,
    picture: str | None,
) -> Path:
    if piece.copy:
        _copy_gops(source, piece, target, info.frame_s)
        return target
    # A frame count, not a duration: -t rounds at the joins and can keep a frame twice.
    anchor = info.keyframes[0] if info.keyframes else 0.0
    frames = frames_between(piece.start_s, piece.end_s, anchor_s=anchor, frame_s=info.frame_s)
    # Every piece starts its own clock at 0 so that the pieces join without gaps; the crop
    # path is a function of clip time, so it sees the piece's offset in the clip.
    chain = "setpts=PTS-STARTPTS"
    if picture is not None:
        offset = piece.start_s - clip_start_s
        chain = f"setpts=PTS-STARTPTS+{offset:.6f}/TB,{picture},setpts=PTS-STARTPTS"
    run_ffmpeg(
        [
            "-ss", f"{piece.start_s:.6f}", "-i", str(source), "-frames:v", str(frames),
            "-map", "0:v:0", "-vf", chain, "-fps_mode", "passthrough",
            *X264, "-an", "-f", "mpegts", str(target),
        ]
    )  # fmt: skip
    return target


def _copy_gops(source: Path, piece: Piece, target: Path, frame_s: float) -> None:
    """The segment muxer cuts at the first keyframe at or after each time: half a frame
    before a piece's bounds lands on exactly the keyframes the plan found."""
    parts = target.with_suffix("")
    cuts = [piece.start_s - frame_s / 2, piece.end_s - frame_s / 2]
    wanted = 1
    if cuts[0] <= 0:  # the piece starts the file: nothing to cut off before it
        cuts, wanted = cuts[1:], 0
    run_ffmpeg(
        [
            "-i", str(source), "-map", "0:v:0", "-c", "copy", "-f", "segment",
            "-segment_times", ",".join(f"{c:.6f}" for c in cuts),
            "-reset_timestamps", "1", "-segment_format", "mpegts", f"{parts}-%d.ts",
        ]
    )  # fmt: skip
    Path(f"{parts}-{wanted}.ts").rename(target)
    for leftover in parts.parent.glob(f"{parts.name}-*.ts"):
        leftover.unlink()


def _audio(source: Path, start_s: float, end_s: float, work: Path) -> tuple[Path, str]:
    measured = loudness.measure(source, seek_s=start_s, duration_s=end_s - start_s)
    plan = plan_loudnorm(measured, duration_s=end_s - start_s)
    target = work / "audio.m4a"
    run_ffmpeg(
        [
            "-ss", f"{start_s:.6f}", "-i", str(source), "-t", f"{end_s - start_s:.6f}",
            "-map", "0:a:0", "-af", plan.filter, "-ar", AUDIO_RATE,
            "-c:a", "aac", "-b:a", "128k", str(target),
        ]
    )  # fmt: skip
    return target, plan.mode


def _mux(videos: list[Path], audio: Path | None, duration_s: float, mp4: Path, work: Path) -> None:
    listing = work / "pieces.txt"
    listing.write_text("".join(f"file '{v.name}'\n" for v in videos))
    audio_input = ["-i", str(audio), "-map", "1:a:0"] if audio else []
    run_ffmpeg(
        [
            "-f", "concat", "-safe", "0", "-i", str(listing), *audio_input, "-map", "0:v:0",
            "-c", "copy", "-t", f"{duration_s:.6f}", "-movflags", "+faststart", str(mp4),
        ]
    )  # fmt: skip


def _with_outputs(rendered: RenderedClip, out_dir: Path) -> RenderedClip:
    """Poster, sprite and HLS each read the finished MP4: made side by side."""
    poster = out_dir / "poster.jpg"
    tile_w, tile_h = SPRITE_TILE
    if rendered.info.height > rendered.info.width:
        tile_w, tile_h = tile_h, tile_w
    layout = sprite_layout(
        rendered.info.duration_s,
        interval_s=SPRITE_INTERVAL_S,
        tile_w=tile_w,
        tile_h=tile_h,
        columns=SPRITE_COLUMNS,
    )
    sprite, vtt = out_dir / "sprite.jpg", out_dir / "thumbnails.vtt"
    vtt.write_text(webvtt(layout, sprite.name))
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(artwork.poster, rendered.mp4, poster),
            pool.submit(artwork.sprite_sheet, rendered.mp4, sprite, layout),
        ]
        hls = pool.submit(packaging.package_hls, rendered.mp4, out_dir / "hls").result()
        for job in jobs:
            job.result()
    return replace(rendered, hls_playlist=hls, poster=poster, sprite=sprite, thumbnails_vtt=vtt)
