"""Deterministic ids: the same input always names the same thing, which is what makes
redelivered events and retried tasks collapse into one row, one task, one clip."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1d8c3e-5b7a-4c2e-9a51-2f0d3b8e7c10")


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def highlight_id(recording_id: str, moment_start_s: float) -> str:
    # Millisecond rounding keeps float noise from minting a second id for one moment.
    return stable_id("highlight", recording_id, round(moment_start_s * 1000))


def clip_id(recording_id: str, start_s: float, end_s: float, preset: str) -> str:
    return stable_id("clip", recording_id, round(start_s * 1000), round(end_s * 1000), preset)
