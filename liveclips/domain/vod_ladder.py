"""The on-demand bitrate ladder: Apple's HLS authoring spec, capped at the source.

Rungs and peak bitrates follow the H.264 30 fps table of Apple's "HLS Authoring
Specification for Apple Devices" (1080p 6 Mb/s down to 234p 145 kb/s); QVBR encodes each
rung at a constant quality and spends up to its peak only where the picture needs it. A
rung taller than the source would only upscale, so the ladder stops at the source; a
source between two rungs gets a top rung of its own size, so its best picture is kept.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    short_side: int  # the height of a landscape picture, the width of a portrait one
    max_bitrate: int  # bits per second, QVBR's ceiling
    qvbr_quality: int  # 1..10; Apple-like quality at 7, a notch higher for the top rungs


APPLE_RUNGS: tuple[Rung, ...] = (
    Rung(1080, 6_000_000, 8),
    Rung(720, 3_000_000, 7),
    Rung(540, 2_000_000, 7),
    Rung(360, 730_000, 7),
    Rung(234, 145_000, 6),
)
AUDIO_BITRATE = 128_000
# H.264 4:2:0 needs even sizes; MediaConvert rejects odd widths and heights.
_EVEN = 2


@dataclass(frozen=True)
class Rendition:
    name: str  # e.g. "720p": also the output's name modifier ("_720p")
    width: int
    height: int
    max_bitrate: int
    qvbr_quality: int

    @property
    def name_modifier(self) -> str:
        return f"_{self.name}"


def _even(value: float) -> int:
    return max(_EVEN, round(value / _EVEN) * _EVEN)


def _sized(short_side: int, source_width: int, source_height: int) -> tuple[int, int]:
    if source_width >= source_height:
        return _even(short_side * source_width / source_height), short_side
    return short_side, _even(short_side * source_height / source_width)


def ladder_for(source_width: int, source_height: int) -> tuple[Rendition, ...]:
    """Renditions for a source of that size, best first."""
    if source_width <= 0 or source_height <= 0:
        raise ValueError(f"source size must be positive, got {source_width}x{source_height}")
    source_short = min(source_width, source_height)
    kept = [rung for rung in APPLE_RUNGS if rung.short_side <= source_short]
    if not kept or kept[0].short_side < source_short:
        above = next((r for r in reversed(APPLE_RUNGS) if r.short_side > source_short), None)
        # The source's own size, with the bitrate of the rung it falls under.
        template = above or APPLE_RUNGS[0]
        kept.insert(0, Rung(_even(source_short), template.max_bitrate, template.qvbr_quality))
    renditions = []
    for rung in kept:
        width, height = _sized(rung.short_side, source_width, source_height)
        renditions.append(
            Rendition(f"{rung.short_side}p", width, height, rung.max_bitrate, rung.qvbr_quality)
        )
    return tuple(renditions)
