"""The shapes a clip is published in, and what each asks of the source picture."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PresetName = Literal["vertical", "vertical-1080", "square", "landscape"]
PRESET_NAMES: tuple[PresetName, ...] = ("vertical", "vertical-1080", "square", "landscape")
FEED_PRESET: PresetName = "vertical"  # what the mobile feed plays


@dataclass(frozen=True)
class Preset:
    name: PresetName
    width: int
    height: int
    # Landscape keeps the source framing and never upscales; the crops are drawn to size.
    keeps_source_framing: bool = False

    @property
    def aspect(self) -> tuple[int, int]:
        return (
            (9, 16)
            if self.width < self.height
            else (1, 1)
            if self.width == self.height
            else (16, 9)
        )


PRESETS: dict[PresetName, Preset] = {
    "vertical": Preset("vertical", 720, 1280),
    "vertical-1080": Preset("vertical-1080", 1080, 1920),
    "square": Preset("square", 1080, 1080),
    "landscape": Preset("landscape", 1920, 1080, keeps_source_framing=True),
}


def preset(name: str) -> Preset:
    try:
        return PRESETS[name]  # type: ignore[index]
    except KeyError:
        raise ValueError(
            f"unknown preset {name!r}: choose one of {', '.join(PRESET_NAMES)}"
        ) from None


def output_size(chosen: Preset, source_width: int, source_height: int) -> tuple[int, int]:
    """Landscape is capped at the source size (so it can be stream-copied); crops are not."""
    if not chosen.keeps_source_framing or source_height >= chosen.height:
        return chosen.width, chosen.height
    width = round(source_height * chosen.width / chosen.height / 2) * 2
    return width, source_height - source_height % 2
