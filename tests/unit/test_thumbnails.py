"""Sprite sheet layout and the WebVTT thumbnails track (no ffmpeg here)."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.thumbnails import MAX_TILES, Tile, sprite_grid, sprite_layout, webvtt

CUE = re.compile(
    r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})\n"
    r"(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)$"
)


def parse_vtt(text: str) -> list[tuple[int, int, str, tuple[int, ...]]]:
    """(start ms, end ms, uri, xywh) per cue; asserts the WEBVTT header and cue syntax."""
    header, *blocks = text.strip().split("\n\n")
    assert header == "WEBVTT"
    cues = []
    for block in blocks:
        match = CUE.match(block)
        assert match, f"not a thumbnail cue: {block!r}"
        g = match.groups()
        start = ((int(g[0]) * 60 + int(g[1])) * 60 + int(g[2])) * 1000 + int(g[3])
        end = ((int(g[4]) * 60 + int(g[5])) * 60 + int(g[6])) * 1000 + int(g[7])
        cues.append((start, end, g[8], tuple(int(v) for v in g[9:])))
    return cues


def test_tiles_run_row_by_row_one_per_interval() -> None:
    tiles = sprite_layout(10.0, interval_s=2.0, tile_w=160, tile_h=90, columns=3)
    assert [(t.start_s, t.end_s) for t in tiles] == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    assert [(t.x, t.y) for t in tiles] == [(0, 0), (160, 0), (320, 0), (0, 90), (160, 90)]
    assert {(t.w, t.h) for t in tiles} == {(160, 90)}


def test_the_last_tile_ends_with_the_video() -> None:
    tiles = sprite_layout(9.5, interval_s=2.0, tile_w=160, tile_h=90, columns=5)
    assert len(tiles) == 5
    assert (tiles[-1].start_s, tiles[-1].end_s) == (8.0, 9.5)


def test_long_clips_get_a_longer_interval_not_more_tiles() -> None:
    # GIVEN a 10 minute clip and a 1 s interval (600 tiles)
    tiles = sprite_layout(600.0, interval_s=1.0, tile_w=160, tile_h=90, columns=10)
    # THEN the sheet stays at MAX_TILES and still covers the whole clip
    assert len(tiles) == MAX_TILES
    assert tiles[-1].end_s == 600.0
    assert tiles[1].start_s == pytest.approx(600.0 / MAX_TILES)


def test_a_clip_shorter_than_a_row_gets_a_narrow_sheet() -> None:
    grid = sprite_grid(sprite_layout(3.0, interval_s=1.0, tile_w=160, tile_h=90, columns=10))
    assert (grid.columns, grid.rows, grid.width, grid.height) == (3, 1, 480, 90)
    assert grid.interval_ms == 1000


def test_grid_describes_the_layout_it_came_from() -> None:
    tiles = sprite_layout(25.0, interval_s=2.5, tile_w=128, tile_h=72, columns=4)
    grid = sprite_grid(tiles)
    assert (grid.columns, grid.rows, grid.interval_ms) == (4, 3, 2500)
    assert all(t.x + t.w <= grid.width and t.y + t.h <= grid.height for t in tiles)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"duration_s": 0.0},
        {"interval_s": 0.0},
        {"columns": 0},
        {"tile_w": 0},
    ],
)
def test_nonsense_layouts_are_refused(kwargs: dict[str, float]) -> None:
    args: dict[str, float] = {
        "duration_s": 10.0, "interval_s": 1.0, "tile_w": 160, "tile_h": 90, "columns": 5,
    }  # fmt: skip
    with pytest.raises(ValueError):
        sprite_layout(**{**args, **kwargs})  # type: ignore[arg-type]


def test_vtt_points_each_cue_at_its_tile_and_covers_the_clip() -> None:
    tiles = sprite_layout(7.25, interval_s=2.0, tile_w=160, tile_h=90, columns=2)
    cues = parse_vtt(webvtt(tiles, "sprite.jpg"))
    assert len(cues) == len(tiles)
    assert cues[0][0] == 0
    assert cues[-1][1] == 7250
    for (_, end, _, _), (start, _, _, _) in itertools.pairwise(cues):
        assert start == end  # no gap, no overlap
    for (start, end, uri, xywh), tile in zip(cues, tiles, strict=True):
        assert (start, end) == (round(tile.start_s * 1000), round(tile.end_s * 1000))
        assert uri == "sprite.jpg"
        assert xywh == (tile.x, tile.y, tile.w, tile.h)


def test_vtt_timestamps_carry_hours_and_milliseconds() -> None:
    tiles = [Tile(start_s=3723.004, end_s=3725.5, x=0, y=0, w=10, h=10)]
    assert "01:02:03.004 --> 01:02:05.500" in webvtt(tiles, "s.jpg")


@given(
    duration_ms=st.integers(min_value=1, max_value=4 * 3600 * 1000),
    interval_ms=st.integers(min_value=1, max_value=60_000),
    columns=st.integers(min_value=1, max_value=12),
)
def test_any_layout_is_bounded_gapless_and_fits_its_grid(
    duration_ms: int, interval_ms: int, columns: int
) -> None:
    tiles = sprite_layout(
        duration_ms / 1000, interval_s=interval_ms / 1000, tile_w=16, tile_h=9, columns=columns
    )
    grid = sprite_grid(tiles)
    assert 1 <= len(tiles) <= MAX_TILES
    assert len(tiles) <= grid.columns * grid.rows < len(tiles) + grid.columns
    cues = parse_vtt(webvtt(tiles, "s.jpg"))
    assert cues[0][0] == 0
    assert cues[-1][1] == duration_ms
    assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(cues))
    assert all(t.x + t.w <= grid.width and t.y + t.h <= grid.height for t in tiles)
