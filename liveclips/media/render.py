"""Render one clip from a fetched source file into every output a player needs.

Video and audio are made side by side and joined at the end: the video as pieces (copied
GOPs and/or encoded chunks, several ffmpeg processes at once), the audio in one
loudness-normalised pass. Then the MP4 is packaged as HLS and drawn as poster and sprite.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from liveclips.domain.clip_presets import Preset, output_size
from liveclips.domain.cut_plan import CutPlan, Piece, frames_between, plan_cut
from liveclips.domain.loudness import OutputLoudness, plan_loudnorm
from liveclips.domain.reframe import SubjectSample, crop_filter, crop_window, plan_crop_path
from liveclips.domain.thumbnails import Tile, sprite_layout, webvtt
from liveclips.media import artwork, loudness, packaging
from liveclips.media.ffmpeg import MediaInfo, probe, run_ffmpeg
from liveclips.media.source_info import SourceInfo, inspect_source
from liveclips.media.subject import subject_samples

# On 2 vCPU the encode is the critical path and everything else (loudness, tracking,
# artwork) takes CPU from it. superfast at x264's default crf 23: the naive re-encode's crf
# at a cheaper preset; on grainy camera footage crf 21 spent its extra bits on grain
# (docs/benchmarks.md, "Clip render speed", has the speed and SSIM/PSNR of both).
X264 = ("-c:v", "libx264", "-preset", "superfast", "-crf", "23", "-pix_fmt", "yuv420p")
# bicubic, ffmpeg's default and the naive command's: lanczos cost more per upscaled 9:16
# frame for a difference the encode at crf 23 does not keep.
SCALE_FLAGS = "bicubic"
# A keyframe every 2 s of clip time, as IVS sends: the HLS package can only cut at
# keyframes, and a grid in clip time (not in each chunk's own time) keeps its segments even
# across chunk joins.
KEYFRAME_S = 2
AUDIO_RATE = "48000"  # loudnorm resamples to 192 kHz internally; say what we want back
SPRITE_TILE = (160, 90)
SPRITE_INTERVAL_S = 1.0  # the layout widens it for long clips
SPRITE_COLUMNS = 10


@dataclass(frozen=True)
class PieceJob:
    """Everything an encode of one piece needs besides the source: plain values, so that
    another instance can do it (clip_workers/pieces.py)."""

    start_s: float
    end_s: float
    clip_start_s: float
    frame_s: float
    anchor_s: float  # the source's first keyframe: frame counts are taken from it
    picture: str | None  # crop + scale filter, a function of clip time


# (indexed source, job, target .ts) -> target: where encode pieces of a chunked cut go.
PieceEncoder = Callable[[Path, PieceJob, Path], Path]


@dataclass(frozen=True)
class RenderOptions:
    chunk_s: float | None = 10.0  # None: never split an encode
    workers: int = os.cpu_count() or 1
    outputs: bool = True  # HLS, poster, sprite: off for quick renders (benchmarks)
    # Encodes the chunks elsewhere (other Cloud Run instances) instead of in this pool.
    encoder: PieceEncoder | None = None


@dataclass(frozen=True)
class TrackingCopy:
    """The clip in a smaller rendition of the same recording, to find the subject in:
    decoding 160p or 360p costs a fraction of the rendition the clip is cut from."""

    path: Path
    start_s: float  # where the clip starts in it


@dataclass(frozen=True)
class _Artwork:
    poster: Path
    sprite: Path
    layout: list[Tile]


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
    tracking: TrackingCopy | None = None,
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
            out_dir=out_dir,
            work=Path(scratch),
            options=options,
            tracking=tracking,
        )
    return replace(rendered, render_s=time.perf_counter() - began)


def _render(
    source: Path,
    *,
    start_s: float,
    end_s: float,
    chosen: Preset,
    out_dir: Path,
    work: Path,
    options: RenderOptions,
    tracking: TrackingCopy | None,
) -> RenderedClip:
    source = _indexed(source, work)
    with ThreadPoolExecutor(max_workers=max(2, options.workers)) as pool:
        # The subject is tracked while the source is probed and the audio made: the crop
        # it yields is what the video encode waits for.
        subject = None
        if not chosen.keeps_source_framing:
            tracked = tracking or TrackingCopy(source, start_s)
            subject = pool.submit(_track_subject, tracked, work, duration_s=end_s - start_s)
        info = inspect_source(source)
        width, height = output_size(chosen, info.width, info.height)
        cut = plan_cut(
            info.keyframes,
            start_s,
            end_s,
            frame_s=info.frame_s,
            copy_allowed=info.copyable_as(width, height),
            chunk_s=options.chunk_s if options.workers > 1 or options.encoder else None,
        )
        layout = _sprite_layout(end_s - start_s, width, height)
        # A single encode decodes every frame of the clip anyway: it draws poster and
        # sprite too, which saves decoding the finished MP4 again after the encode.
        drawn = None
        if options.outputs and cut.mode == "encode":
            drawn = _Artwork(out_dir / "poster.jpg", out_dir / "sprite.jpg", layout)
        audio: Future[tuple[Path, str, OutputLoudness]] | None = None
        if info.has_audio:
            audio = pool.submit(_audio, source, start_s, end_s, work)
        picture = _picture_filter(
            info,
            chosen,
            size=(width, height),
            samples=subject.result() if subject else None,
            duration_s=end_s - start_s,
        )
        jobs = [
            PieceJob(piece.start_s, piece.end_s, start_s, info.frame_s,
                     info.keyframes[0] if info.keyframes else 0.0, picture)
            for piece in cut.pieces
        ]  # fmt: skip
        remote = options.encoder if options.encoder and cut.mode == "chunked" else None
        # Remote encodes only wait on the network: one thread each, beside the pool.
        with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as waiting:
            pieces = [
                waiting.submit(remote, source, job, work / f"piece-{index:03d}.ts")
                if remote and not piece.copy
                else pool.submit(_video_piece, source, piece, job,
                                 target=work / f"piece-{index:03d}.ts", drawn=drawn)
                for index, (piece, job) in enumerate(zip(cut.pieces, jobs, strict=True))
            ]  # fmt: skip
            video_files = [p.result() for p in pieces]
        audio_file, loudness_mode, measured = audio.result() if audio else (None, "none", None)

    mp4 = out_dir / "clip.mp4"
    _mux(video_files, audio_file, end_s - start_s, mp4, work)
    rendered = RenderedClip(
        mp4=mp4,
        hls_playlist=None,
        poster=None,
        sprite=None,
        thumbnails_vtt=None,
        info=probe(mp4),
        loudness=measured,
        loudness_mode=loudness_mode,
        cut=cut,
        render_s=0.0,
    )
    return _with_outputs(rendered, out_dir, layout, drawn) if options.outputs else rendered


def _indexed(source: Path, work: Path, name: str = "source") -> Path:
    """MPEG-TS has no index: ffmpeg seeks in it by bytes and can land a GOP late, losing
    the frames before. A copy into MP4 (a fraction of a second) makes every seek exact."""
    indexed = work / f"{name}.mp4"
    run_ffmpeg(["-i", str(source), "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", str(indexed)])
    return indexed


def _track_subject(tracked: TrackingCopy, work: Path, *, duration_s: float) -> list[SubjectSample]:
    media = tracked.path
    if media.suffix != ".mp4":  # fetched MPEG-TS: see _indexed
        media = _indexed(media, work, "tracking")
    return subject_samples(media, seek_s=tracked.start_s, duration_s=duration_s)


def _picture_filter(
    info: SourceInfo,
    chosen: Preset,
    *,
    size: tuple[int, int],
    samples: list[SubjectSample] | None,
    duration_s: float,
) -> str | None:
    """The crop (following the subject) and scale that turn the source into the preset."""
    scale = f"scale={size[0]}:{size[1]}:flags={SCALE_FLAGS},setsar=1"
    if samples is None:
        return None if (info.width, info.height) == size else scale
    window = crop_window(info.width, info.height, *chosen.aspect)
    path = plan_crop_path(samples, info.width, info.height, window, duration_s)
    return f"{crop_filter(path)},{scale}"


def _video_piece(
    source: Path, piece: Piece, job: PieceJob, *, target: Path, drawn: _Artwork | None
) -> Path:
    if piece.copy:
        _copy_gops(source, piece, target, job.frame_s)
        return target
    return encode_piece(source, job, target, drawn=drawn)


def encode_piece(
    source: Path, job: PieceJob, target: Path, *, drawn: _Artwork | None = None
) -> Path:
    """Encode one piece of the clip into MPEG-TS, on the clip's keyframe grid."""
    # A frame count, not a duration: -t rounds at the joins and can keep a frame twice.
    frames = frames_between(job.start_s, job.end_s, anchor_s=job.anchor_s, frame_s=job.frame_s)
    # Every piece starts its own clock at 0 so that the pieces join without gaps; the crop
    # path is a function of clip time, so it sees the piece's offset in the clip.
    offset = job.start_s - job.clip_start_s
    chain = "setpts=PTS-STARTPTS"
    if job.picture is not None:
        chain = f"setpts=PTS-STARTPTS+{offset:.6f}/TB,{job.picture},setpts=PTS-STARTPTS"
    # trim ends every branch of the graph at the piece's last frame, not just the encode.
    # The pixel format is fixed before any split: left open, ffmpeg negotiates the JPEG
    # branch's full-range format up the chain and converts every frame back for x264.
    graph = f"[0:v:0]trim=end_frame={frames},{chain},format=yuv420p"
    artwork_outputs: list[str] = []
    if drawn is None:
        graph += "[clip]"
    else:
        start_s, window_s = artwork.poster_window(frames * job.frame_s)
        graph += (
            ",split=3[clip][tiles][candidates];"
            f"[tiles]{artwork.sprite_filter(drawn.layout)}[sprite];"
            f"[candidates]trim=start={start_s:.6f}:duration={window_s:.6f},"
            f"{artwork.poster_picker(window_s)},format=yuvj420p[poster]"
        )
        artwork_outputs = [
            "-map", "[sprite]", *artwork.ONE_IMAGE, "-q:v", artwork.SPRITE_QUALITY,
            str(drawn.sprite),
            "-map", "[poster]", *artwork.ONE_IMAGE, "-q:v", artwork.POSTER_QUALITY,
            str(drawn.poster),
        ]  # fmt: skip
    keyframes = f"expr:gte(t,n_forced*{KEYFRAME_S}-{offset % KEYFRAME_S:.6f})"
    run_ffmpeg(
        [
            "-ss", f"{job.start_s:.6f}", "-i", str(source), "-filter_complex", graph,
            "-map", "[clip]", "-frames:v", str(frames), "-fps_mode", "passthrough",
            *X264, "-force_key_frames", keyframes, "-an", "-f", "mpegts", str(target),
            *artwork_outputs,
        ]
    )  # fmt: skip
    if drawn is not None:
        artwork.check_written(drawn.sprite, source)
        artwork.check_written(drawn.poster, source)
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


def _audio(
    source: Path, start_s: float, end_s: float, work: Path
) -> tuple[Path, str, OutputLoudness]:
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
    # Checked here, while the video still encodes: the mux copies these very samples.
    return target, plan.mode, loudness.measure_output(target)


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


def _sprite_layout(duration_s: float, width: int, height: int) -> list[Tile]:
    tile_w, tile_h = SPRITE_TILE
    if height > width:
        tile_w, tile_h = tile_h, tile_w
    return sprite_layout(
        duration_s, interval_s=SPRITE_INTERVAL_S, tile_w=tile_w, tile_h=tile_h,
        columns=SPRITE_COLUMNS,
    )  # fmt: skip


def _with_outputs(
    rendered: RenderedClip, out_dir: Path, layout: list[Tile], drawn: _Artwork | None
) -> RenderedClip:
    """HLS, and poster and sprite unless the encode drew them: each reads the finished MP4."""
    poster, sprite, vtt = out_dir / "poster.jpg", out_dir / "sprite.jpg", out_dir / "thumbnails.vtt"
    vtt.write_text(webvtt(layout, sprite.name))
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = []
        if drawn is None:
            jobs.append(pool.submit(artwork.poster, rendered.mp4, poster))
            jobs.append(pool.submit(artwork.sprite_sheet, rendered.mp4, sprite, layout))
        hls = pool.submit(packaging.package_hls, rendered.mp4, out_dir / "hls").result()
        for job in jobs:
            job.result()
    return replace(rendered, hls_playlist=hls, poster=poster, sprite=sprite, thumbnails_vtt=vtt)
