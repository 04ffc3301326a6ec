"""One broadcast's side effects, step by step: S3 uploads, the live directory, events."""

from __future__ import annotations

import os
import secrets
import shutil
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from liveclips.contracts.ivs_recording import RecordingPrefix
from liveclips_dev.studio import ivs_events, recording_json
from liveclips_dev.studio.layout import (
    BYTE_RANGE_MULTIVARIANT,
    BYTE_RANGE_PLAYLIST,
    HLS_DIR,
    MASTER_PLAYLIST,
    MEDIA_PLAYLIST,
    EncodedShow,
)
from liveclips_dev.studio.live_server import LIVE_PLAYLIST
from liveclips_dev.studio.playlists import (
    Variant,
    byte_range_playlist,
    live_playlist,
    media_playlist,
    multivariant_playlist,
    target_duration,
)
from liveclips_dev.studio.timeline import Step

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

LIVE_WINDOW = 6
_ALPHANUMERIC = string.ascii_letters + string.digits
_CONTENT_TYPES = {
    ".ts": "video/MP2T",
    ".m3u8": "application/x-mpegURL",
    ".json": "application/json",
}


def random_id(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


@dataclass(frozen=True)
class StudioSettings:
    s3: S3Client
    bucket: str
    channel: ivs_events.ChannelArn
    event_sink: Callable[[dict[str, Any]], None]
    speed: float
    clock: Callable[[], float]
    channel_name: str
    emit_playlist_events: bool


@dataclass(frozen=True)
class PublishedSegment:
    kind: Literal["recording", "live"]
    index: int
    due_s: float  # show seconds at which it became due
    published_at: float  # the Studio clock (monotonic) once it was visible to consumers


class BroadcastSession:
    """The state of one broadcast; the player calls ``execute`` for each timeline step."""

    def __init__(
        self, cfg: StudioSettings, show: EncodedShow, live_dir: Path, started_at: datetime
    ) -> None:
        self.cfg = cfg
        self.show = show
        self.live_dir = live_dir
        self.started_at = started_at
        self.t0 = cfg.clock()
        self.stream_id = "st-" + random_id(23)
        self.session_id = random_id(12)
        minute = started_at.replace(second=0, microsecond=0)
        ch = cfg.channel
        self.prefix = RecordingPrefix(ch.account, ch.channel_id, minute, random_id(12)).prefix
        self.published: list[PublishedSegment] = []
        self._sequence = 0
        self._target = {
            r.path: target_duration([seg.duration_s for seg in show.segments(r)])
            for r in show.renditions
        }
        self._live_target = target_duration([seg.duration_s for seg in show.live])

    def execute(self, step: Step) -> None:
        at = self.started_at + timedelta(seconds=step.due_s)
        if step.kind == "start":
            self._start(at)
        elif step.kind == "live":
            self._live(step.index, ended=False)
        elif step.kind == "recording":
            self._recording(step, at)
        else:
            self._end(at)

    def _emit_stream(self, name: ivs_events.StreamEventName, at: datetime) -> None:
        event = ivs_events.stream_state_change(
            self.cfg.channel,
            event_name=name,
            stream_id=self.stream_id,
            at=at,
            channel_name=self.cfg.channel_name,
        )
        self.cfg.event_sink(event)

    def _emit_recording(self, status: ivs_events.RecordingStatus, ms: int, at: datetime) -> None:
        event = ivs_events.recording_state_change(
            self.cfg.channel,
            status=status,
            stream_id=self.stream_id,
            bucket=self.cfg.bucket,
            key_prefix=self.prefix,
            duration_ms=ms,
            recording_session_id=self.session_id,
            at=at,
            channel_name=self.cfg.channel_name,
        )
        self.cfg.event_sink(event)

    def _put(self, relative: str, body: bytes) -> dict[str, Any]:
        """Upload under the recording prefix; returns the S3 Object Created event to send."""
        key = f"{self.prefix}/{relative}"
        content_type = _CONTENT_TYPES.get(Path(relative).suffix, "application/octet-stream")
        resp = self.cfg.s3.put_object(
            Bucket=self.cfg.bucket, Key=key, Body=body, ContentType=content_type
        )
        self._sequence += 1
        # S3 sequencers are hex strings that grow with each write.
        sequencer = f"{int(self.started_at.timestamp() * 1000):012X}{self._sequence:06X}"
        show_now = (self.cfg.clock() - self.t0) * self.cfg.speed
        return ivs_events.s3_object_created(
            bucket=self.cfg.bucket,
            key=key,
            size=len(body),
            etag=resp["ETag"],
            sequencer=sequencer,
            request_id=resp["ResponseMetadata"].get("RequestId") or random_id(16).upper(),
            account=self.cfg.channel.account,
            region=self.cfg.channel.region,
            at=self.started_at + timedelta(seconds=show_now),
            version_id=resp.get("VersionId"),
        )

    def _put_playlist(self, relative: str, text: str) -> None:
        event = self._put(relative, text.encode())
        if self.cfg.emit_playlist_events:
            self.cfg.event_sink(event)

    def _start(self, at: datetime) -> None:
        self._emit_stream("Session Created", at)
        self._emit_stream("Stream Start", at)
        doc = recording_json.recording_started(
            channel_arn=self.cfg.channel.arn,
            started_at=self.started_at,
            renditions=self.show.renditions,
        )
        body = recording_json.to_bytes(doc)
        self.cfg.event_sink(self._put(recording_json.RECORDING_STARTED_JSON, body))
        self._emit_recording("Recording Start", 0, at)

    def _publish_playlists(self, count: int, at: datetime, *, ended: bool) -> None:
        for r in self.show.renditions:
            segments = self.show.segments(r)[:count]
            target = self._target[r.path]
            text = media_playlist(
                segments,
                started_at=self.started_at,
                target_duration_s=target,
                written_at=at,
                ended=ended,
            )
            self._put_playlist(f"{HLS_DIR}/{r.path}/{MEDIA_PLAYLIST}", text)
            text = byte_range_playlist(
                segments, started_at=self.started_at, target_duration_s=target, ended=ended
            )
            self._put_playlist(f"{HLS_DIR}/{r.path}/{BYTE_RANGE_PLAYLIST}", text)

    def _publish_multivariant(self) -> None:
        ch, show = self.cfg.channel, self.show
        variants = [
            Variant(r, show.bandwidth[r.path], show.codecs[r.path]) for r in show.renditions
        ]
        for name, byte_range in ((MASTER_PLAYLIST, False), (BYTE_RANGE_MULTIVARIANT, True)):
            text = multivariant_playlist(
                variants, channel_id=ch.channel_id, account=ch.account, byte_range=byte_range
            )
            self._put_playlist(f"{HLS_DIR}/{name}", text)

    def _recording(self, step: Step, at: datetime) -> None:
        events = []
        for r in self.show.renditions:
            seg = self.show.segments(r)[step.index]
            events.append(self._put(f"{HLS_DIR}/{r.path}/{seg.file.name}", seg.file.read_bytes()))
        # Playlists before events, so whoever gets a segment's event finds it listed.
        self._publish_playlists(step.index + 1, at, ended=False)
        if step.index == 0:
            self._publish_multivariant()
        for event in events:
            self.cfg.event_sink(event)
        published = PublishedSegment("recording", step.index, step.due_s, self.cfg.clock())
        self.published.append(published)

    def _live(self, index: int, *, ended: bool) -> None:
        segments = self.show.live[: index + 1]
        if not ended:
            shutil.copyfile(segments[-1].file, self.live_dir / segments[-1].file.name)
        text = live_playlist(
            segments[-LIVE_WINDOW:],
            started_at=self.started_at,
            target_duration_s=self._live_target,
            ended=ended,
        )
        # Atomic replace: the HTTP server must never serve a half-written playlist.
        tmp = self.live_dir / f".{LIVE_PLAYLIST}.tmp"
        tmp.write_text(text)
        os.replace(tmp, self.live_dir / LIVE_PLAYLIST)
        if not ended:
            due = segments[-1].end_s
            self.published.append(PublishedSegment("live", index, due, self.cfg.clock()))

    def _end(self, at: datetime) -> None:
        show = self.show
        if show.live:
            self._live(show.live[-1].index, ended=True)
        self._publish_playlists(len(show.segments(show.renditions[0])), at, ended=True)
        duration_ms = round(show.duration_s * 1000)
        doc = recording_json.recording_ended(
            channel_arn=self.cfg.channel.arn,
            started_at=self.started_at,
            ended_at=at,
            duration_ms=duration_ms,
            renditions=show.renditions,
        )
        body = recording_json.to_bytes(doc)
        self.cfg.event_sink(self._put(recording_json.RECORDING_ENDED_JSON, body))
        self._emit_stream("Stream End", at)
        self._emit_recording("Recording End", duration_ms, at)
        self._emit_stream("Session Ended", at)
