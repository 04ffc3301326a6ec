"""From per-signal z-scores to one score per second, and whether a peak is believable.

Viewers react after the moment, so lagging signals (chat, reactions, joins) are aligned
back: the fused score of second s uses the strongest lagging z in
[s + lag - spread, s + lag]. A peak must be corroborated: two independent
families (media, chat, reactions) firing together, or, when a show has only one of them,
several signals of that family agreeing. Loud music (media without chat), a raid (chat
and joins without media) and spam (one user) all fail that test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from liveclips.domain.highlight_engine.config import (
    AUDIENCE_SIGNALS,
    CHAT_SIGNALS,
    LAGGING_SIGNALS,
    MEDIA_SIGNALS,
    REACTION_SIGNALS,
    EngineConfig,
)
from liveclips.domain.highlight_engine.normalize import weighted_mean

FAMILIES: Mapping[str, tuple[str, ...]] = {
    "media": MEDIA_SIGNALS,
    "chat": CHAT_SIGNALS,
    "reactions": REACTION_SIGNALS,
    "audience": AUDIENCE_SIGNALS,
}
# Joins and concurrency move with raids and hosts: they add to the score, never vouch.
WITNESSES = ("media", "chat", "reactions")
ALL_SIGNALS = MEDIA_SIGNALS + LAGGING_SIGNALS


@dataclass(frozen=True)
class Fused:
    s: int
    score: float
    family: Mapping[str, float]
    z: Mapping[str, float]  # media at s, lagging signals aligned to s

    def to_list(self) -> list[Any]:
        return [self.s, self.score, dict(self.family), dict(self.z)]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> Fused:
        return cls(int(data[0]), float(data[1]), dict(data[2]), dict(data[3]))


def fuse(
    s: int,
    z_by_t: Mapping[int, Mapping[str, float]],
    present: frozenset[str],
    cfg: EngineConfig,
) -> Fused:
    here = z_by_t.get(s, {})
    z = {name: here[name] for name in MEDIA_SIGNALS if name in here}
    lo = s + max(0, cfg.chat_lag_s - cfg.chat_lag_spread_s)
    window = [z_by_t[u] for u in range(lo, s + cfg.chat_lag_s + 1) if u in z_by_t]
    for name in LAGGING_SIGNALS:
        seen = [w[name] for w in window if name in w]
        if seen:
            z[name] = max(seen)
    family = {f: weighted_mean(z, names, cfg.weights, present)[0] for f, names in FAMILIES.items()}
    score, _ = weighted_mean(z, ALL_SIGNALS, cfg.weights, present)
    return Fused(s, score, family, z)


def present_witnesses(present: frozenset[str], cfg: EngineConfig) -> set[str]:
    return {
        f for f in WITNESSES if any(n in present and cfg.weights.get(n, 0) > 0 for n in FAMILIES[f])
    }


def corroborated(recs: Sequence[Fused], present: frozenset[str], cfg: EngineConfig) -> bool:
    if not recs:
        return False
    peaks = {f: _peak(recs, f) for f in WITNESSES}
    firing = {f for f, r in peaks.items() if r.family[f] >= cfg.fire_z}
    if len(firing) != 1:
        return len(firing) >= 2
    (only,) = firing
    if firing == present_witnesses(present, cfg):
        if only == "chat" and peaks["chat"].family["chat"] < cfg.chat_peak_z:
            return False
        return _agrees(only, recs, present, cfg)
    if only == "chat" and cfg.lone_chat_z is not None:
        # Something the camera cannot see (a joke, an off-screen event): only a strong,
        # broad, laughing reaction counts. Raid chat has already been discounted.
        z = peaks["chat"].z
        return (
            peaks["chat"].family["chat"] >= cfg.lone_chat_z
            and z.get("chat_hype", 0.0) >= cfg.agree_z
            and z.get("chat_unique", 0.0) >= cfg.agree_z
        )
    return False


def _agrees(family: str, recs: Sequence[Fused], present: frozenset[str], cfg: EngineConfig) -> bool:
    """The only witness a show has must agree with itself somewhere in the moment: the
    room erupts and the picture cuts or moves; many chatters laugh."""
    names = [n for n in FAMILIES[family] if n in present and cfg.weights.get(n, 0) > 0]
    best = {n: max(r.z.get(n, 0.0) for r in recs) for n in names}
    if family == "chat" and "chat_hype" in best:
        # Rate and unique chatters move together once spam is discounted; what a raid's
        # welcomes or a busy stretch lack is laughter and hype.
        broad = max(best.get("chat_unique", 0.0), best.get("chat_rate", 0.0))
        return min(broad, best["chat_hype"]) >= cfg.agree_z
    return sum(1 for z in best.values() if z >= cfg.agree_z) >= min(2, len(names))


def _peak(recs: Sequence[Fused], family: str) -> Fused:
    return max(recs, key=lambda r: r.family[family])


def chat_burst(
    z_by_t: Mapping[int, Mapping[str, float]],
    recs: Sequence[Fused],
    present: frozenset[str],
    cfg: EngineConfig,
) -> tuple[int, int] | None:
    """The chat burst a region was aligned from, if chat locates it: (the second chat
    began reacting, the second after its last one at `chat_span_share` of the peak).
    A reaction's long, lumpy tail says little about when the moment ended.
    """
    lo = recs[0].s + max(0, cfg.chat_lag_s - cfg.chat_lag_spread_s)
    chat = {
        u: weighted_mean(z_by_t[u], CHAT_SIGNALS, cfg.weights, present)[0]
        for u in range(lo, recs[-1].s + cfg.chat_lag_s + 1)
        if u in z_by_t
    }
    if not chat or max(chat.values()) < cfg.locate_z:
        return None
    level = max(cfg.locate_z, cfg.chat_span_share * max(chat.values()))
    onset = min(u for u, v in chat.items() if v >= cfg.locate_z)
    last = max(u for u, v in chat.items() if v >= level)
    return onset, last + 1


def media_span(recs: Sequence[Fused], cfg: EngineConfig) -> tuple[int, int] | None:
    """[first, last + 1] of the seconds where media locates the moment, if it does."""
    located = [r.s for r in recs if r.family["media"] >= cfg.locate_z]
    if not located or max(r.family["media"] for r in recs) < cfg.fire_z:
        return None
    return located[0], located[-1] + 1


def evidence(rec: Fused, present: frozenset[str], cfg: EngineConfig) -> dict[str, float]:
    """Each signal's share of the fused score at the peak (they sum to the score)."""
    _, total = weighted_mean(rec.z, ALL_SIGNALS, cfg.weights, present)
    if total <= 0.0:
        return {}
    return {
        n: round(cfg.weights.get(n, 0.0) * z / total, 4)
        for n, z in rec.z.items()
        if n in present and cfg.weights.get(n, 0.0) > 0.0
    }


def raid_like(
    raw: Sequence[Mapping[str, float]], joins_z: Sequence[float], cfg: EngineConfig
) -> bool:
    """A raid: a wave of first-timers pasting one line, or a join spike with copy-paste chat.

    `raw` holds the last few seconds of raw chat features, `joins_z` recent join z-scores.
    features.chat_features already leaves raid lines out of the chat features; this keeps
    the rest of the raiders' chatter (and feature sources without "chat_raid") in check.
    """
    if sum(r.get("chat_raid", 0.0) for r in raw) >= cfg.raid_min_chatters:
        return True
    if not raw or not joins_z or max(joins_z) < cfg.raid_joins_z:
        return False
    rate = sum(r.get("chat_rate", 0.0) for r in raw)
    storm = raw[-1].get("chat_storm", 0.0)
    return storm >= cfg.raid_min_chatters and storm >= cfg.raid_storm_share * rate
