"""Play an encoded show out as IVS would: timed S3 uploads, a live playlist, and events.

All timestamps (PROGRAM-DATE-TIME, event ``time``, recording JSON) are on the show's
timeline: ``started_at`` plus show seconds. At speed 1 that is the wall clock; at higher
speeds the show's clock runs faster, consistently everywhere.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liveclips_dev.studio.ivs_events import parse_channel_arn
from liveclips_dev.studio.layout import EncodedShow
from liveclips_dev.studio.live_server import serve_live
from liveclips_dev.studio.session import BroadcastSession, PublishedSegment, StudioSettings
from liveclips_dev.studio.timeline import build_timeline

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["Broadcast", "PublishedSegment", "Studio"]


@dataclass(frozen=True)
class Broadcast:
    channel_arn: str
    stream_id: str
    recording_prefix: str  # no trailing slash, as in the IVS events
    recording_session_id: str
    bucket: str
    started_at: datetime  # PROGRAM-DATE-TIME of show second 0
    duration_s: float
    live_playlist_url: str | None  # see Studio.playback_url for how long it is served
    published: tuple[PublishedSegment, ...]


class Studio:
    """A local IVS channel with auto-record-to-S3 into ``bucket``.

    Every recording segment is uploaded once its end has been "broadcast" (show time
    divided by ``speed``); the live directory gets the ~2 s segments the same way and is
    served over HTTP unless ``serve_live`` is False. S3 Object Created events are sent for
    segments and the recording JSON files; for playlists only if ``emit_playlist_events``.

    Like an IVS channel's playback URL, ``playback_url()`` is known before going live;
    calling it starts the server, which then runs until ``close()`` (or the ``with``
    block ends). Otherwise ``broadcast`` serves only while it runs.
    """

    def __init__(
        self,
        *,
        s3: S3Client,
        bucket: str,
        channel_arn: str,
        event_sink: Callable[[dict[str, Any]], None],
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        channel_name: str = "",
        live_dir: Path | None = None,
        serve_live: bool = True,
        emit_playlist_events: bool = False,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        self._settings = StudioSettings(
            s3=s3,
            bucket=bucket,
            channel=parse_channel_arn(channel_arn),
            event_sink=event_sink,
            speed=speed,
            clock=clock,
            channel_name=channel_name,
            emit_playlist_events=emit_playlist_events,
        )
        self._sleep = sleep
        self._live_dir = live_dir
        self._serve_live = serve_live
        self._now = now
        self._server: tuple[str, Callable[[], None]] | None = None

    def __enter__(self) -> Studio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def live_dir(self) -> Path:
        if self._live_dir is None:
            self._live_dir = Path(tempfile.mkdtemp(prefix="liveclips-live-"))
        self._live_dir.mkdir(parents=True, exist_ok=True)
        return self._live_dir

    def playback_url(self) -> str | None:
        """The live playlist URL (starting its server), or None if not serving."""
        if not self._serve_live:
            return None
        if self._server is None:
            self._server = serve_live(self.live_dir)
        return self._server[0]

    def close(self) -> None:
        if self._server is not None:
            self._server[1]()
            self._server = None

    def broadcast(
        self, show: EncodedShow, *, on_progress: Callable[[float, float], None] | None = None
    ) -> Broadcast:
        """Go live with ``show`` and return once the recording has ended (blocking).

        ``on_progress(show_seconds, duration_s)`` is called after each published step.
        """
        cfg = self._settings
        # Only what a previous broadcast wrote: live_dir may be a caller's directory.
        for old in [*self.live_dir.glob("*.ts"), *self.live_dir.glob("*playlist.m3u8*")]:
            old.unlink()
        serving_before = self._server is not None
        url = self.playback_url()
        try:
            session = BroadcastSession(cfg, show, self.live_dir, self._now())
            for step in build_timeline(show):
                wait = session.t0 + step.due_s / cfg.speed - cfg.clock()
                if wait > 0:
                    self._sleep(wait)
                session.execute(step)
                if on_progress is not None:
                    on_progress(step.due_s, show.duration_s)
        finally:
            if not serving_before:
                self.close()
        return Broadcast(
            channel_arn=cfg.channel.arn,
            stream_id=session.stream_id,
            recording_prefix=session.prefix,
            recording_session_id=session.session_id,
            bucket=cfg.bucket,
            started_at=session.started_at,
            duration_s=show.duration_s,
            live_playlist_url=url,
            published=tuple(session.published),
        )
