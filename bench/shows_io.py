"""What bench/shows.py reads from the local cloud: Spanner rows of a round's recordings,
fresh pull subscriptions, and the content team approving marquee highlights."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from google.cloud import pubsub_v1, spanner

from bench.background import Background
from bench.show_accounting import Clip, Highlight
from liveclips.adapters.spanner import database
from liveclips_dev.localcloud.subscriptions import pull_now

_IDS = {"ids": spanner.param_types.Array(spanner.param_types.STRING)}


def _epoch(at: datetime | None) -> float | None:
    return None if at is None else at.timestamp()


@dataclass
class Rows:
    """One snapshot of the round's recordings in Spanner."""

    highlights: dict[str, list[Highlight]] = field(default_factory=dict)  # by recording
    clips: dict[str, list[Clip]] = field(default_factory=dict)
    stream_states: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever a highlight or clip appears or changes state."""
        return (
            sorted((h.highlight_id, h.status) for hs in self.highlights.values() for h in hs),
            sorted((c.clip_id, c.state, c.published_at) for cs in self.clips.values() for c in cs),
        )

    def waiting(self, presets: Sequence[str]) -> int:
        """Highlights still pending approval or missing a rendered preset."""
        count = 0
        for recording, highlights in self.highlights.items():
            clips = self.clips.get(recording, [])
            done = {(c.highlight_id, c.preset) for c in clips if c.state == "PUBLISHED"}
            for h in highlights:
                if h.status == "PENDING_APPROVAL" or (
                    h.status == "APPROVED" and any((h.highlight_id, p) not in done for p in presets)
                ):
                    count += 1
        return count


class SpannerReader:
    def __init__(self) -> None:
        self._db = database()  # one client for the round, not one per query

    def rows(self, recording_ids: Sequence[str], stream_ids: Sequence[str]) -> Rows:
        rows = Rows({r: [] for r in recording_ids}, {r: [] for r in recording_ids})
        with self._db.snapshot(multi_use=True) as snap:
            for rec, *h in snap.execute_sql(
                "SELECT RecordingId, HighlightId, Status, MomentStartS, MomentEndS, DetectedAt"
                " FROM HighlightCandidates WHERE RecordingId IN UNNEST(@ids)",
                params={"ids": list(recording_ids)},
                param_types=_IDS,
            ):
                rows.highlights[rec].append(Highlight(h[0], h[1], h[2], h[3], _epoch(h[4])))
            for rec, *c, published, rendered, render_s in snap.execute_sql(
                "SELECT RecordingId, ClipId, HighlightId, Preset, State, StartS, EndS,"
                " PublishedAt, RenderedAt, RenderSeconds FROM Clips"
                " WHERE RecordingId IN UNNEST(@ids)",
                params={"ids": list(recording_ids)},
                param_types=_IDS,
            ):
                clip_id, hid, preset, state, start, end = c
                times = _epoch(published), _epoch(rendered), render_s
                rows.clips[rec].append(Clip(clip_id, hid, preset, state, start, end, *times))
            for stream, state in snap.execute_sql(
                "SELECT StreamId, State FROM Streams WHERE StreamId IN UNNEST(@ids)",
                params={"ids": list(stream_ids)},
                param_types=_IDS,
            ):
                rows.stream_states[stream] = state
        return rows


def drain(subscription_path: str, *, empty_pulls: int = 3) -> list[Any]:
    """Every message waiting on the subscription (acknowledged), as PubsubMessages."""
    subscriber = pubsub_v1.SubscriberClient()
    received: list[Any] = []
    empty = 0
    try:
        while empty < empty_pulls:
            got = pull_now(subscriber, subscription_path, max_messages=500)
            received.extend(got)
            empty = 0 if got else empty + 1
            if not got:
                time.sleep(0.3)
    finally:
        subscriber.close()
    return received


class Approver(Background):
    """The content team: approves every marquee highlight waiting (as the demo's watcher
    does), every `every_s`, in a background thread. The bench's cloud is its own, so
    whatever waits is one of its shows'."""

    def __init__(self, api_url: str, headers: dict[str, str], every_s: float = 0.5) -> None:
        self.api_url, self.headers, self.every_s = api_url, headers, every_s
        self.approved: dict[str, float] = {}  # highlight id -> when approved (epoch s)
        self.errors = 0
        super().__init__()

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.api_url, headers=self.headers, timeout=10) as http:
            while not stop.wait(self.every_s):
                try:
                    self._approve(http)
                except httpx.HTTPError:
                    self.errors += 1

    def _approve(self, http: httpx.Client) -> None:
        for waiting in http.get("/v1/highlights/pending", params={"limit": 100}).json():
            hid = waiting["id"]
            if hid in self.approved:
                continue
            if http.post(f"/v1/highlights/{hid}/approve").status_code == 200:
                self.approved[hid] = time.time()
