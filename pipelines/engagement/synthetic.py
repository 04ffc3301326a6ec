"""Realistic synthetic player events (JSONL) for demos, backfill tests and the benchmark.

A few channels each broadcasting one live stream, a few VOD titles and a feed of clips;
viewers join and leave live streams, watch titles partway (heartbeats every 10 s with
positions), scroll the feed (impressions, some plays and shares), with stalls, resent
duplicates and a sprinkle of rows the job must reject. Seeded: same arguments, same file.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
PLATFORMS = ("ios", "android", "web")
BAD_ROWS = (
    "{not json",
    '["a", "list"]',
    '{"event_id": "bad-1", "kind": "teleport", "occurred_at": "2026-01-05T18:00:00Z"}',
    '{"event_id": "bad-2", "kind": "play_start", "session_id": "s", "user_id": "u",'
    ' "stream_id": "x", "occurred_at": "2026-01-05T18:00:00Z"}',  # no ttff_ms
)


@dataclass
class _World:
    rng: random.Random
    span_s: float
    channels: list[str] = field(default_factory=lambda: [f"channel{i}" for i in range(1, 4)])
    titles: dict[str, tuple[str, float]] = field(default_factory=dict)
    clips: dict[str, str] = field(default_factory=dict)
    next_id: int = 0

    def __post_init__(self) -> None:
        for i in range(1, 5):
            self.titles[f"title{i}"] = (self.channels[i % 3], self.rng.choice((600, 1800, 3600)))
        for i in range(1, 13):
            self.clips[f"clip{i}"] = self.channels[i % 3]

    def event(
        self, kind: str, at: datetime, session: str, user: str, **extra: Any
    ) -> dict[str, Any]:
        self.next_id += 1
        return {
            "event_id": f"e{self.next_id}",
            "kind": kind,
            "occurred_at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "session_id": session,
            "user_id": user,
            **{k: v for k, v in extra.items() if v is not None},
        }


def _live(w: _World, at: datetime, session: str, user: str) -> Iterator[dict[str, Any]]:
    channel = w.rng.choice(w.channels)
    about = {"stream_id": f"stream-{channel}", "channel_id": channel}
    platform = w.rng.choice(PLATFORMS)
    yield w.event("live_join", at, session, user, platform=platform, **about)
    ttff = int(w.rng.lognormvariate(6.6, 0.5))  # ~700 ms median, a long tail
    yield w.event(
        "play_start", at, session, user, ttff_ms=min(ttff, 120_000), platform=platform, **about
    )
    for beat in range(1, int(w.rng.expovariate(1 / 480)) // 10 + 2):
        t = at + timedelta(seconds=10 * beat + w.rng.uniform(-0.5, 0.5))
        yield w.event("heartbeat", t, session, user, platform=platform, **about)
        if w.rng.random() < 0.02:
            stall = int(w.rng.expovariate(1 / 1500))
            yield w.event("stall", t, session, user, stall_ms=stall, platform=platform, **about)
    yield w.event("live_leave", t + timedelta(seconds=3), session, user, **about)


def _vod(w: _World, at: datetime, session: str, user: str) -> Iterator[dict[str, Any]]:
    title = w.rng.choice(list(w.titles))
    channel, duration = w.titles[title]
    about = {"title_id": title, "channel_id": channel, "duration_s": duration}
    platform = w.rng.choice(PLATFORMS)
    yield w.event(
        "play_start",
        at,
        session,
        user,
        ttff_ms=int(w.rng.lognormvariate(6.2, 0.4)),
        platform=platform,
        position_s=0.0,
        **about,
    )
    watched = min(duration, w.rng.expovariate(1 / (duration * 0.4)))
    position = 0.0
    for beat in range(1, int(watched // 10) + 1):
        position = min(duration, 10.0 * beat)
        t = at + timedelta(seconds=10 * beat)
        yield w.event(
            "heartbeat", t, session, user, position_s=position, platform=platform, **about
        )
    end = at + timedelta(seconds=watched + 1)
    yield w.event("stop", end, session, user, position_s=min(duration, watched), **about)


def _feed(w: _World, at: datetime, session: str, user: str) -> Iterator[dict[str, Any]]:
    t = at
    for _ in range(w.rng.randint(3, 10)):
        clip = w.rng.choice(list(w.clips))
        about = {"clip_id": clip, "channel_id": w.clips[clip]}
        yield w.event("clip_impression", t, session, user, **about)
        if w.rng.random() < 0.3:
            t += timedelta(seconds=1)
            yield w.event("clip_play", t, session, user, **about)
            if w.rng.random() < 0.1:
                yield w.event("share", t + timedelta(seconds=5), session, user, **about)
        t += timedelta(seconds=w.rng.uniform(2, 20))


def events(
    n: int,
    *,
    seed: int = 7,
    span_s: float = 2 * 3600,
    bad_ratio: float = 0.005,
    duplicate_ratio: float = 0.01,
) -> list[str]:
    """n JSONL lines in time order (as an export of the topic would be), including bad rows
    and resent duplicates at about the given ratios."""
    rng = random.Random(seed)  # noqa: S311  (seeded test data, not secrets)
    w = _World(rng, span_s)
    out: list[tuple[str, str]] = []
    sessions = 0
    while len(out) < n:
        sessions += 1
        at = START + timedelta(seconds=rng.uniform(0, span_s))
        kind = rng.choices((_live, _vod, _feed), weights=(5, 3, 2))[0]
        for event in kind(w, at, f"s{sessions}", f"u{rng.randint(1, 5000)}"):
            line = json.dumps(event, separators=(",", ":"))
            out.append((event["occurred_at"], line))
            if rng.random() < duplicate_ratio:
                out.append((event["occurred_at"], line))
            if rng.random() < bad_ratio:
                out.append((event["occurred_at"], rng.choice(BAD_ROWS)))
    out.sort(key=lambda pair: pair[0])
    return [line for _, line in out[:n]]
