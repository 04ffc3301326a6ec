from __future__ import annotations

import pytest

from liveclips.domain.clip_presets import PRESET_NAMES, output_size, preset
from liveclips.domain.ids import clip_id


def test_landscape_never_upscales_a_smaller_source():
    assert output_size(preset("landscape"), 1280, 720) == (1280, 720)
    assert output_size(preset("landscape"), 3840, 2160) == (1920, 1080)


def test_crops_are_drawn_at_their_own_size():
    assert output_size(preset("vertical"), 1280, 720) == (720, 1280)
    assert output_size(preset("vertical-1080"), 1280, 720) == (1080, 1920)
    assert preset("square").aspect == (1, 1)


def test_an_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match="choose one of vertical"):
        preset("portrait")


def test_each_preset_of_one_moment_is_its_own_clip():
    ids = {clip_id("rec", 10.0, 40.0, name) for name in PRESET_NAMES}
    assert len(ids) == len(PRESET_NAMES)
    assert clip_id("rec", 10.0, 40.0, "vertical") == clip_id("rec", 10.0000001, 40.0, "vertical")
