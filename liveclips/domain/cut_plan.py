"""Which stretches of a clip can be stream-copied and which must be re-encoded.

A GOP can be copied byte for byte only from one keyframe to the next and only when the
picture is kept as it is. So a frame-accurate cut of an untouched picture encodes at most
the head (clip start -> first keyframe) and the tail (last keyframe -> clip end) and
copies the middle; a cropped picture must be encoded throughout, and a long one is split
at keyframes into chunks that encode in parallel.

Times are seconds from the start of the fetched source file. Boundaries between pieces
sit half a frame before the frame that begins the next piece, so float noise can never
put one frame in two pieces or in none.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

CutMode = Literal["copy", "smart", "encode", "chunked"]


@dataclass(frozen=True)
class Piece:
    start_s: float
    end_s: float
    copy: bool

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class CutPlan:
    pieces: tuple[Piece, ...]

    @property
    def mode(self) -> CutMode:
        copied = [p.copy for p in self.pieces]
        if all(copied):
            return "copy"
        if any(copied):
            return "smart"
        return "chunked" if len(self.pieces) > 1 else "encode"

    @property
    def copied_s(self) -> float:
        return sum(p.duration_s for p in self.pieces if p.copy)

    @property
    def encoded_s(self) -> float:
        return sum(p.duration_s for p in self.pieces if not p.copy)


def plan_cut(
    keyframes: Sequence[float],
    start_s: float,
    end_s: float,
    *,
    frame_s: float,
    copy_allowed: bool,
    chunk_s: float | None = None,
) -> CutPlan:
    half = frame_s / 2
    if keyframes:
        # A stream begins with a keyframe: nothing is before it to encode (a fetched
        # segment's first frame sits a few ms after 0, where a clip on its bound starts).
        start_s = max(start_s, min(keyframes) - half)
    if end_s - start_s < frame_s:
        raise ValueError(f"a clip of {end_s - start_s:.3f}s is shorter than one frame")
    inside = sorted(k for k in keyframes if start_s - half <= k <= end_s + half)
    if copy_allowed and len(inside) >= 2:
        return _smart(inside, start_s, end_s, half)
    return CutPlan(_chunks(inside, start_s, end_s, half, chunk_s))


def _smart(inside: list[float], start_s: float, end_s: float, half: float) -> CutPlan:
    first, last = inside[0], inside[-1]
    pieces: list[Piece] = []
    copy_from = start_s
    # The head is encoded only if a frame lies before the first keyframe: a start in the
    # last frame interval before it begins the clip on the keyframe itself.
    if frames_between(start_s, first - half, anchor_s=first, frame_s=2 * half) > 0:
        pieces.append(Piece(start_s, first - half, copy=False))
        copy_from = first - half
    if end_s - last > half:
        pieces.append(Piece(copy_from, last - half, copy=True))
        pieces.append(Piece(last - half, end_s, copy=False))
    else:
        pieces.append(Piece(copy_from, end_s, copy=True))
    return CutPlan(tuple(pieces))


def _chunks(
    keyframes: list[float], start_s: float, end_s: float, half: float, chunk_s: float | None
) -> tuple[Piece, ...]:
    """Split at the keyframe nearest each chunk_s step, so each chunk decodes from its own
    keyframe instead of every worker decoding the GOP before its start."""
    if chunk_s is None or end_s - start_s < 2 * chunk_s:
        return (Piece(start_s, end_s, copy=False),)
    cuts: list[float] = []
    step = start_s + chunk_s
    while end_s - step >= chunk_s / 2:
        cut = _nearest(keyframes, step) if keyframes else step
        if cut - half > (cuts[-1] if cuts else start_s) + half and end_s - cut > half:
            cuts.append(cut - half)
        step += chunk_s
    bounds = [start_s, *cuts, end_s]
    return tuple(Piece(a, b, copy=False) for a, b in itertools.pairwise(bounds))


def _nearest(sorted_values: list[float], target: float) -> float:
    i = bisect.bisect_left(sorted_values, target)
    candidates = sorted_values[max(0, i - 1) : i + 1]
    return min(candidates, key=lambda v: abs(v - target))


def frames_between(start_s: float, end_s: float, *, anchor_s: float, frame_s: float) -> int:
    """How many frames of a constant-rate stream (one at anchor_s) fall in [start_s, end_s)."""

    def first_at_or_after(t: float) -> int:
        return math.ceil((t - anchor_s) / frame_s - 1e-6)

    return max(0, first_at_or_after(end_s) - first_at_or_after(start_s))
