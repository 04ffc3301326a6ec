"""The live follower: while a recording is live, read its channel's live playback playlist
(~2 s segments), copy each new segment into S3, analyse it and feed the recording's one
detector with it, seconds before the recording's 10 s segment exists (ADR 0016).

One follow loop per recording, held by a lease in Redis (renewed each poll), its cursor
(the next media sequence and the copies made) saved in Redis after every segment, so a
follower that dies is resumed by any instance from where it stopped, reading nothing
twice. The detector takes each show second once, whichever source brings it first
(liveclips.services.segments.feed_by_time): the recording fills what the follower missed.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import httpx

from liveclips.adapters import ivs_playback, redis_store, s3, spanner_channels
from liveclips.adapters.config import settings
from liveclips.contracts.events import RecordingStateChanged, SegmentAnalyzed
from liveclips.domain.hls import HLS_MEDIA_TYPE, PlaylistError
from liveclips.domain.ids import stable_id
from liveclips.domain.live_playlist import (
    LIVE_COPY_PLAYLIST,
    LiveSegment,
    copies_playlist,
    live_copy_prefix,
    next_step,
    parse_live_playlist,
)
from liveclips.media.analysis import analyze_media
from liveclips.media.ffmpeg import LOUDNESS_STEP_S
from liveclips.services import segments

log = logging.getLogger("liveclips.live_follower")
ACTIVE_KEY = "live-follow:active"  # recording id -> its FollowTarget, while it is live
_LEASE_KEY = "live-follow:lease:{}"
_CURSOR_KEY = "live-follow:cursor:{}"
_ENDED_KEY = "live-follow:ended:{}"
_TTL_S = 24 * 3600
LEASE_S = 15
# Gone this long (404s, refused connections) after it was read: the stream is over.
GONE_AFTER_S = 30.0
_RENEW = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('EXPIRE', KEYS[1], ARGV[2]) else return 0 end"
)


@dataclass(frozen=True)
class FollowTarget:
    recording_id: str
    channel_id: str
    stream_id: str
    bucket: str
    prefix: str
    recording_epoch_s: float  # wall time of the recording's second 0 (Recording Start)

    @classmethod
    def of(cls, event: RecordingStateChanged) -> FollowTarget:
        return cls(
            recording_id=event.recording_id,
            channel_id=event.channel_id,
            stream_id=event.stream_id,
            bucket=event.bucket,
            prefix=event.key_prefix,
            recording_epoch_s=event.occurred_at.timestamp(),
        )


@dataclass
class Cursor:
    next_sequence: int | None = None
    copies: list[tuple[LiveSegment, str]] = field(default_factory=list)
    fed: int = 0
    missed: int = 0

    def to_json(self) -> str:
        return json.dumps(
            {
                "next_sequence": self.next_sequence,
                "fed": self.fed,
                "missed": self.missed,
                "copies": [
                    {
                        **asdict(seg),
                        "program_date_time": seg.program_date_time.isoformat()
                        if seg.program_date_time
                        else None,
                        "name": name,
                    }
                    for seg, name in self.copies
                ],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Cursor:
        data = json.loads(text)
        copies = []
        for c in data["copies"]:
            pdt = datetime.fromisoformat(c["program_date_time"]) if c["program_date_time"] else None
            seg = LiveSegment(c["sequence"], c["uri"], c["duration_s"], pdt, c["discontinuity"])
            copies.append((seg, c["name"]))
        return cls(data["next_sequence"], copies, data["fed"], data["missed"])


def start(event: RecordingStateChanged) -> FollowTarget | None:
    """Recording Start: the recording is to be followed (by whichever instance leases it).
    Recording End: its follower stops after the poll it is in."""
    target = FollowTarget.of(event)
    r = redis_store.client()
    if event.status == "started":
        if r.exists(_ENDED_KEY.format(target.recording_id)):
            return None  # Recording End came first (EventBridge may reorder)
        r.hset(ACTIVE_KEY, target.recording_id, json.dumps(asdict(target)))
        return target
    if event.status == "ended":
        r.set(_ENDED_KEY.format(target.recording_id), "1", ex=_TTL_S)
        r.hdel(ACTIVE_KEY, target.recording_id)
    return None


def active() -> list[FollowTarget]:
    raw = redis_store.client().hgetall(ACTIVE_KEY)
    return [FollowTarget(**json.loads(v)) for v in raw.values()]


def take_lease(recording_id: str) -> str | None:
    token = secrets.token_hex(8)
    taken = redis_store.client().set(_LEASE_KEY.format(recording_id), token, nx=True, ex=LEASE_S)
    return token if taken else None


def renew_lease(recording_id: str, token: str) -> bool:
    renewed = redis_store.client().eval(_RENEW, 1, _LEASE_KEY.format(recording_id), token, LEASE_S)
    return bool(renewed)


def release_lease(recording_id: str, token: str) -> None:
    r = redis_store.client()
    if r.get(_LEASE_KEY.format(recording_id)) == token:
        r.delete(_LEASE_KEY.format(recording_id))


def playback_url(channel_id: str) -> str | None:
    channel = spanner_channels.get(channel_id)
    if channel is None or not channel.playback_url:
        return None
    if channel.private:
        return ivs_playback.signed_playback_url(channel.playback_url, channel.channel_arn)
    return channel.playback_url


class Follower:
    """One recording's follow loop; `poll()` once per poll interval until it says stop."""

    def __init__(self, target: FollowTarget, url: str, http: httpx.Client) -> None:
        self.target = target
        self.url = url
        self.http = http
        raw = redis_store.client().get(_CURSOR_KEY.format(target.recording_id))
        self.cursor = Cursor.from_json(str(raw)) if raw else Cursor()
        self._gone_since: float | None = None
        # The segment before, analysed again in front of each new one: scene cuts and
        # loudness onsets on a segment's first frames need the frames before them.
        self._previous: tuple[LiveSegment, bytes] | None = None
        self.copy_prefix = live_copy_prefix(target.channel_id, target.recording_id)

    def ended(self) -> bool:
        return bool(redis_store.client().exists(_ENDED_KEY.format(self.target.recording_id)))

    def poll(self) -> bool:
        """Read what is new; False once the stream is over (or the recording ended)."""
        try:
            answer = self.http.get(self.url)
            answer.raise_for_status()
            playlist = parse_live_playlist(answer.text)
        except (httpx.HTTPError, PlaylistError) as error:
            now = time.monotonic()
            self._gone_since = self._gone_since or now
            if now - self._gone_since > GONE_AFTER_S:
                log.info("recording %s: live playlist gone (%s)", self.target.recording_id, error)
                return False
            return not self.ended()
        self._gone_since = None
        step = next_step(playlist, self.cursor.next_sequence)
        if step.restarted:
            log.info("recording %s: the live playlist restarted", self.target.recording_id)
            return False
        if step.missed:
            log.warning("recording %s: %d live segments slid by unread", self.target.recording_id,
                        step.missed)  # fmt: skip
            self.cursor.missed += step.missed
        for segment in step.new:
            self._take(segment)
        if step.ended:
            self._write_copies(ended=True)
        return not step.ended and not self.ended()

    def _take(self, segment: LiveSegment) -> None:
        began = time.monotonic()
        body = self.http.get(urljoin(self.url, segment.uri)).raise_for_status().content
        name = f"{segment.sequence}.ts"
        bucket = settings().media_bucket
        s3.put_bytes(body, bucket, f"{self.copy_prefix}/{name}", content_type="video/mp2t")
        self.cursor.copies.append((segment, name))
        # Copies first: whoever the detection below makes an instant clip for reads them.
        self._write_copies(ended=False)
        analyzed = self._analyze(segment, body)
        if analyzed is not None:
            with redis_store.live_session(self.target.recording_id) as session:
                segments.mark_live_fed(self.target.recording_id)
                if segments.feed_by_time(session, analyzed):
                    self.cursor.fed += 1
        self.cursor.next_sequence = segment.sequence + 1
        redis_store.client().set(
            _CURSOR_KEY.format(self.target.recording_id), self.cursor.to_json(), ex=_TTL_S
        )
        if segment.program_date_time is not None:
            behind = time.time() - segment.program_date_time.timestamp() - segment.duration_s
            log.info(
                "recording %s: live segment %d in %.2f s, %.1f s after its end",
                self.target.recording_id, segment.sequence, time.monotonic() - began, behind,
            )  # fmt: skip

    def _write_copies(self, *, ended: bool) -> None:
        text = copies_playlist(self.cursor.copies, ended=ended)
        key = f"{self.copy_prefix}/{LIVE_COPY_PLAYLIST}"
        s3.put_bytes(text.encode(), settings().media_bucket, key, content_type=HLS_MEDIA_TYPE)

    def _analyze(self, segment: LiveSegment, body: bytes) -> SegmentAnalyzed | None:
        start_s = segment.show_start_s(self.target.recording_epoch_s)
        if start_s is None or segment.program_date_time is None:
            return None  # not placeable on the recording's axis: the recording has it
        previous, self._previous = self._previous, (segment, body)
        context = b""
        if previous is not None and previous[0].sequence == segment.sequence - 1:
            context = previous[1]
        lead_s = round(previous[0].duration_s) if context and previous else 0
        with tempfile.TemporaryDirectory(prefix="live-segment-") as scratch:
            local = Path(scratch) / "segment.ts"
            local.write_bytes(context + body)  # MPEG-TS: the bytes concatenate
            media = analyze_media(local)
        per_second = media.per_second()
        seconds = sorted(per_second)[lead_s:]
        lufs = list(media.momentary_lufs)[round(lead_s / LOUDNESS_STEP_S) :]
        t = self.target
        return SegmentAnalyzed(
            event_id=stable_id("segment.live", t.recording_id, segment.sequence),
            occurred_at=datetime.now(UTC),
            bucket=t.bucket,
            recording_prefix=t.prefix,
            recording_id=t.recording_id,
            channel_id=t.channel_id,
            rendition="live",
            index=segment.sequence,
            start_s=max(start_s, 0.0),
            duration_s=segment.duration_s,
            segment_started_at=segment.program_date_time,
            loudness_step_s=LOUDNESS_STEP_S,
            momentary_lufs=lufs,
            media_seconds=[per_second[s] for s in seconds],
        )


def follow(target: FollowTarget, stop: threading.Event, token: str) -> None:
    """Follow one recording while this process holds its lease (blocking)."""
    url = playback_url(target.channel_id)
    r = redis_store.client()
    try:
        if url is None:
            log.warning("channel %s has no playback URL: not followed", target.channel_id)
            r.hdel(ACTIVE_KEY, target.recording_id)
            return
        with httpx.Client(timeout=5.0, follow_redirects=True) as http:
            follower = Follower(target, url, http)
            poll_s = settings().live_follow_poll_s
            while not stop.is_set():
                began = time.monotonic()
                try:
                    going = follower.poll()
                except Exception:  # one bad segment must not end the follow; retried
                    log.exception("recording %s: live poll failed", target.recording_id)
                    going = True
                if not going:
                    r.hdel(ACTIVE_KEY, target.recording_id)
                    return
                if not renew_lease(target.recording_id, token):
                    log.warning("recording %s: lease lost", target.recording_id)
                    return
                stop.wait(max(0.0, poll_s - (time.monotonic() - began)))
    finally:
        release_lease(target.recording_id, token)
