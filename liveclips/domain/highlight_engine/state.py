"""Everything LiveDetector remembers, as plain JSON for Redis between segments.

Only what later seconds can still need is kept (see `prune`), so the state stays a few
tens of KB however long the show runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from liveclips.domain.highlight_engine.config import EngineConfig
from liveclips.domain.highlight_engine.fusion import Fused
from liveclips.domain.highlight_engine.normalize import Normalizer
from liveclips.domain.highlight_engine.policy import Emitted

STATE_VERSION = 1
RAID_WINDOW_S = 5
JOINS_WINDOW_S = 10


@dataclass
class Region:
    """An open moment: fused seconds from `start`, last above exit_score at `last_high`."""

    start: int
    last_high: int
    above: int  # seconds at or above exit_score so far
    peak_s: int
    peak: float


@dataclass
class DetectorState:
    norm: Normalizer
    out: Emitted = field(default_factory=Emitted)
    last_t: int | None = None
    frontier: int = 0  # next second to fuse
    z: dict[int, dict[str, float]] = field(default_factory=dict)
    raw: dict[int, dict[str, float]] = field(default_factory=dict)  # for raid checks
    raid_until: int = -1
    fused: dict[int, Fused] = field(default_factory=dict)
    region: Region | None = None
    armed: bool = True  # hysteresis: the score has dipped since the last moment
    closed_until: int = -1  # seconds up to here belong to a finished moment
    markers: list[int] = field(default_factory=list)  # pending, by second
    lufs: dict[int, float] = field(default_factory=dict)  # momentary LUFS per 100 ms
    # (second, strength) of the chat-only reactions closed within chat_rank_window_s.
    chat_strengths: list[tuple[int, float]] = field(default_factory=list)

    def prune(self, now: int, cfg: EngineConfig) -> None:
        keep_z = now - int(cfg.max_clip_s) - cfg.lookahead_s - JOINS_WINDOW_S
        keep_f = now - int(cfg.max_clip_s + cfg.marker_lookback_s) - cfg.lookahead_s - 5
        if self.region is not None:
            keep_f = min(keep_f, self.region.start - cfg.backtrack_s)
        self.z = {u: v for u, v in self.z.items() if u >= keep_z}
        self.raw = {u: v for u, v in self.raw.items() if u > now - RAID_WINDOW_S}
        self.fused = {u: v for u, v in self.fused.items() if u >= keep_f}
        self.lufs = {i: v for i, v in self.lufs.items() if i >= (keep_f - 5) * 10}
        horizon = now - cfg.chat_rank_window_s
        self.chat_strengths = [(u, v) for u, v in self.chat_strengths if u >= horizon]
        self.out.prune(now, cfg)

    def to_dict(self) -> dict[str, Any]:
        r = self.region
        return {
            "v": STATE_VERSION,
            "last_t": self.last_t,
            "frontier": self.frontier,
            "norm": self.norm.to_dict(),
            "z": [[u, v] for u, v in self.z.items()],
            "raw": [[u, v] for u, v in self.raw.items()],
            "raid_until": self.raid_until,
            "fused": [f.to_list() for f in self.fused.values()],
            "region": None if r is None else [r.start, r.last_high, r.above, r.peak_s, r.peak],
            "armed": self.armed,
            "closed_until": self.closed_until,
            "markers": list(self.markers),
            "lufs": [[i, v] for i, v in self.lufs.items()],
            "chat_strengths": [[u, v] for u, v in self.chat_strengths],
            "out": self.out.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], config: EngineConfig) -> DetectorState:
        if data.get("v") != STATE_VERSION:
            raise ValueError(f"unknown detector state version {data.get('v')!r}")
        r = data["region"]
        return cls(
            norm=Normalizer.from_dict(data["norm"], config),
            out=Emitted.from_dict(data["out"]),
            last_t=None if data["last_t"] is None else int(data["last_t"]),
            frontier=int(data["frontier"]),
            z={int(u): dict(v) for u, v in data["z"]},
            raw={int(u): dict(v) for u, v in data["raw"]},
            raid_until=int(data["raid_until"]),
            fused={int(f[0]): Fused.from_list(f) for f in data["fused"]},
            region=None if r is None else Region(r[0], r[1], r[2], r[3], float(r[4])),
            armed=bool(data["armed"]),
            closed_until=int(data["closed_until"]),
            markers=[int(m) for m in data["markers"]],
            lufs={int(i): float(v) for i, v in data["lufs"]},
            # Absent in states saved before the rank test: an empty history ranks nothing.
            chat_strengths=[(int(u), float(v)) for u, v in data.get("chat_strengths", [])],
        )
