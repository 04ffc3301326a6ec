"""Scrubbing previews: where each thumbnail sits in a sprite sheet, and the WebVTT that
tells a player (Video.js, JW Player, Mux, hls.js UIs) which tile to show at which time.

Times are kept in whole milliseconds: WebVTT timestamps have millisecond precision, and the
cues must meet end to start with no gap or overlap for every hover position to find a tile.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# A 10x10 sheet of 160x90 tiles is 1600x900: one request, small enough for phones to decode.
MAX_TILES = 100


@dataclass(frozen=True)
class Tile:
    start_s: float
    end_s: float
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class SpriteGrid:
    """The geometry of a sheet of tiles made by sprite_layout."""

    columns: int
    rows: int
    tile_w: int
    tile_h: int
    interval_ms: int

    @property
    def width(self) -> int:
        return self.columns * self.tile_w

    @property
    def height(self) -> int:
        return self.rows * self.tile_h


def sprite_layout(
    duration_s: float, *, interval_s: float, tile_w: int, tile_h: int, columns: int
) -> list[Tile]:
    """One tile per interval_s, row by row, covering [0, duration_s) without gaps.

    Long clips get a longer interval so the sheet holds at most MAX_TILES; a clip shorter
    than one row gets a single row only as wide as it needs.
    """
    if duration_s <= 0 or interval_s <= 0:
        raise ValueError(f"need a positive duration and interval, got {duration_s}, {interval_s}")
    if min(tile_w, tile_h, columns) < 1:
        raise ValueError(f"tile size and columns must be positive: {tile_w}x{tile_h}, {columns}")
    duration_ms = round(duration_s * 1000)
    interval_ms = max(math.ceil(interval_s * 1000), math.ceil(duration_ms / MAX_TILES), 1)
    count = math.ceil(duration_ms / interval_ms)
    columns = min(columns, count)
    return [
        Tile(
            start_s=i * interval_ms / 1000,
            end_s=min((i + 1) * interval_ms, duration_ms) / 1000,
            x=(i % columns) * tile_w,
            y=(i // columns) * tile_h,
            w=tile_w,
            h=tile_h,
        )
        for i in range(count)
    ]


def sprite_grid(tiles: Sequence[Tile]) -> SpriteGrid:
    """The sheet geometry behind a sprite_layout: what the ffmpeg tile filter must draw."""
    if not tiles:
        raise ValueError("a sprite sheet needs at least one tile")
    first = tiles[0]
    return SpriteGrid(
        columns=len({t.x for t in tiles}),
        rows=len({t.y for t in tiles}),
        tile_w=first.w,
        tile_h=first.h,
        # Only the last tile may be cut short, and a lone tile's span is its interval.
        interval_ms=round((first.end_s - first.start_s) * 1000),
    )


def webvtt(tiles: Sequence[Tile], sprite_uri: str) -> str:
    """A WebVTT thumbnails track: one cue per tile, pointing at it with a #xywh fragment.

    `sprite_uri` is written as given; a relative one resolves against the VTT's own URL.
    """
    cues = [
        f"{_timestamp(t.start_s)} --> {_timestamp(t.end_s)}\n"
        f"{sprite_uri}#xywh={t.x},{t.y},{t.w},{t.h}\n"
        for t in tiles
    ]
    return "\n".join(["WEBVTT\n", *cues])


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def rewrite_sprite_uris(vtt_text: str, rewrite: Callable[[str], str]) -> str:
    """The sprite URI of every cue passed through `rewrite` (keeping its #xywh fragment)."""
    lines = []
    for line in vtt_text.splitlines():
        uri, hash_mark, fragment = line.partition("#xywh=")
        lines.append(rewrite(uri) + hash_mark + fragment if hash_mark else line)
    return "\n".join(lines) + "\n"
