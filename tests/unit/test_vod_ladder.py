from __future__ import annotations

import pytest

from liveclips.domain.vod_ladder import APPLE_RUNGS, ladder_for


def sizes(width: int, height: int) -> list[tuple[int, int]]:
    return [(r.width, r.height) for r in ladder_for(width, height)]


def test_a_1080p_source_gets_the_whole_apple_ladder_best_first():
    ladder = ladder_for(1920, 1080)
    assert [r.name for r in ladder] == ["1080p", "720p", "540p", "360p", "234p"]
    assert sizes(1920, 1080)[-1] == (416, 234)
    assert [r.max_bitrate for r in ladder] == sorted((r.max_bitrate for r in ladder), reverse=True)


def test_the_ladder_stops_at_the_source_instead_of_upscaling():
    assert sizes(1280, 720) == [(1280, 720), (960, 540), (640, 360), (416, 234)]


def test_a_source_between_rungs_keeps_its_own_size_on_top():
    # 480p is no Apple rung: its best picture is kept, at the bitrate of the rung above.
    ladder = ladder_for(854, 480)
    assert [(r.name, r.width, r.height) for r in ladder][:2] == [
        ("480p", 854, 480), ("360p", 640, 360),
    ]  # fmt: skip
    assert ladder[0].max_bitrate == next(r for r in APPLE_RUNGS if r.short_side == 540).max_bitrate


def test_a_tiny_source_still_gets_one_rendition():
    assert sizes(284, 160) == [(284, 160)]


def test_portrait_uploads_scale_by_their_short_side():
    assert sizes(1080, 1920)[:2] == [(1080, 1920), (720, 1280)]


def test_every_size_is_even():
    for width, height in [(1366, 768), (1000, 563), (721, 405)]:
        assert all(w % 2 == 0 and h % 2 == 0 for w, h in sizes(width, height))


@pytest.mark.parametrize("size", [(0, 720), (1280, 0), (-1, -1)])
def test_a_sizeless_source_is_refused(size):
    with pytest.raises(ValueError, match="source size must be positive"):
        ladder_for(*size)
