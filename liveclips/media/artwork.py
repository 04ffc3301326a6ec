"""A clip's poster frame and its scrubbing sprite sheet, as JPEGs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from liveclips.domain.thumbnails import Tile, sprite_grid
from liveclips.media.ffmpeg import MediaError, probe, run_ffmpeg

# The default poster is the most typical frame (ffmpeg's thumbnail filter: closest to the
# mean colour histogram, so not a black fade or a flash) of a window around the middle,
# where a highlight clip puts its moment.
POSTER_WINDOW_S = 6.0
# thumbnail holds every candidate frame in memory at full size: sample a few per second.
POSTER_CANDIDATES_PER_S = 2
POSTER_QUALITY = "2"  # mjpeg qscale, 2 (best) .. 31
SPRITE_QUALITY = "5"  # tiles are viewed small; the sheet is fetched on first hover
# A single still image, not an image sequence: without -update the image2 muxer wants a
# %d pattern in the name.
ONE_IMAGE = ["-frames:v", "1", "-update", "1"]


def poster(video: Path | str, out: Path, *, at_s: float | None = None) -> None:
    """A full-size JPEG of the frame at at_s, or by default the most typical frame near the
    middle of the video."""
    out.unlink(missing_ok=True)  # so that check_written cannot pass on an old image
    if at_s is not None:
        run_ffmpeg(["-ss", f"{at_s:.3f}", "-i", str(video), "-map", "0:v:0", *ONE_IMAGE,
                    "-q:v", POSTER_QUALITY, str(out)])  # fmt: skip
    else:
        duration_s = probe(video).duration_s
        start_s, window_s = poster_window(duration_s)
        run_ffmpeg(
            ["-ss", f"{start_s:.3f}", "-t", f"{window_s:.3f}", "-i", str(video),
             "-map", "0:v:0", "-vf", poster_picker(window_s), *ONE_IMAGE,
             "-q:v", POSTER_QUALITY, str(out)]
        )  # fmt: skip
    check_written(out, video)


def sprite_sheet(video: Path, out_jpg: Path, layout: Sequence[Tile]) -> None:
    """Draw the tiles of a liveclips.domain.thumbnails.sprite_layout into one JPEG, in one pass.

    fps keeps, for each interval, the last frame that rounds into it ("near" rounding), i.e.
    a frame about the middle of the tile's span: the picture closest to every hover time in
    it. Pictures of another aspect ratio are letterboxed, never stretched.
    """
    out_jpg.unlink(missing_ok=True)
    # A video a frame longer than the layout makes one frame too many: -frames:v 1 drops
    # the second sheet it would start. One too few leaves the last cell black.
    run_ffmpeg(["-i", str(video), "-map", "0:v:0", "-vf", sprite_filter(layout), *ONE_IMAGE,
                "-q:v", SPRITE_QUALITY, str(out_jpg)])  # fmt: skip
    check_written(out_jpg, video)


def poster_window(duration_s: float) -> tuple[float, float]:
    """(start, length) of the stretch around the middle the poster is picked from."""
    window_s = min(POSTER_WINDOW_S, duration_s) if duration_s > 0 else POSTER_WINDOW_S
    return max(0.0, duration_s / 2 - window_s / 2), window_s


def poster_picker(window_s: float) -> str:
    """Filters that reduce a window of frames to its most typical one."""
    # One batch covering the whole window; at EOF thumbnail returns the best so far.
    batch = math.ceil(window_s * POSTER_CANDIDATES_PER_S) + 1
    return f"fps={POSTER_CANDIDATES_PER_S},thumbnail=n={batch}"


def sprite_filter(layout: Sequence[Tile]) -> str:
    """Filters that draw a video's frames into the sheet of a sprite_layout."""
    grid = sprite_grid(layout)
    w, h = grid.tile_w, grid.tile_h
    return (
        f"fps=1000/{grid.interval_ms},"
        f"scale={w}:{h}:force_original_aspect_ratio=decrease,"
        f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1,"
        f"tile={grid.columns}x{grid.rows}"
    )


def check_written(out: Path, video: Path | str) -> None:
    # Seeking past the last frame is not an error to ffmpeg: it exits 0 having written nothing.
    if not out.exists() or out.stat().st_size == 0:
        raise MediaError(f"ffmpeg wrote no image from {video} to {out} (no frame in range?)")
