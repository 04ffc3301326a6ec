"""A live input (the browser's MediaRecorder stream, an RTMP publish) into the IVS
auto-record layout and events, as it arrives: the local stand-in for IVS's ingest.

The same code as the file studio (liveclips_dev/studio/): one ffmpeg run with the studio's arguments
(liveclips_dev.studio.encode.ffmpeg_args) writes the ~10 s recording segments and ~2 s live segments
of every rendition, and a studio BroadcastSession uploads each one to S3 and sends the
same events once ffmpeg has closed it. The only difference is that the show grows while
it is broadcast, so each step sees the segments written so far (``LiveSession``).

Nothing already recorded is lost when the input stops, whether cleanly or not: ffmpeg
closes the segment it was writing, the remaining segments are published, then the
recording ends (Stream End, Recording End) as IVS ends a stream whose encoder went away.

The live playback (IVS's playback URL) is the ~2 s live playlist written into
``live_root/<channel id>/`` when a root is given: the studio server serves that folder at
``/live/`` (``LivePlaylists``) and the IVS stand-in names it as each channel's playbackUrl.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from liveclips.domain.hls import HLS_MEDIA_TYPE
from liveclips_dev.studio.byteranges import segment_byte_ranges
from liveclips_dev.studio.encode import (
    FFMPEG_PLAYLIST,
    KEYFRAME_INTERVAL_S,
    LIVE_SEGMENT_S,
    RECORDING_SEGMENT_S,
    _avc_codecs,
    ffmpeg_args,
)
from liveclips_dev.studio.ivs_events import parse_channel_arn
from liveclips_dev.studio.layout import (
    DEFAULT_RENDITIONS,
    HLS_DIR,
    LIVE_DIR,
    EncodedShow,
    LiveSegment,
    RecordingSegment,
    Rendition,
)
from liveclips_dev.studio.playlists import parse_extinf
from liveclips_dev.studio.session import BroadcastSession, StudioSettings, random_id
from liveclips_dev.studio.timeline import Step

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("liveclips.live_ingest")
POLL_S = 0.25
# ffmpeg may write up to one GOP past hls_time before it can cut.
_RECORDING_TARGET = RECORDING_SEGMENT_S + KEYFRAME_INTERVAL_S
_LIVE_TARGET = LIVE_SEGMENT_S + KEYFRAME_INTERVAL_S


class LiveSession(BroadcastSession):
    """A BroadcastSession over a show that is still being encoded."""

    def __init__(
        self, cfg: StudioSettings, show: EncodedShow, live_dir: Path, started_at: datetime
    ) -> None:
        super().__init__(cfg, show, live_dir, started_at)
        # The finished show's segment lengths are not known yet: the longest ffmpeg cuts.
        self._target = {r.path: _RECORDING_TARGET for r in show.renditions}
        self._live_target = _LIVE_TARGET

    def grow(self, show: EncodedShow) -> None:
        self.show = show


@dataclass(frozen=True)
class IngestResult:
    stream_id: str
    recording_prefix: str
    duration_s: float
    recording_segments: int
    ffmpeg_exit: int | None


def input_args(kind: str, url: str = "pipe:0") -> list[str]:
    """ffmpeg input arguments: the browser's WebM from stdin, or an RTMP listener at url."""
    if kind == "webm":
        # MediaRecorder's timestamps are wall-clock and may jump: regenerate them.
        return ["-fflags", "+genpts", "-f", "webm", "-i", url]
    if kind == "rtmp-listen":  # one publisher, then ffmpeg exits when it disconnects
        return ["-listen", "1", "-f", "flv", "-i", url]
    raise ValueError(f"unknown live input {kind!r}")


class LiveIngest:
    """One broadcast: ``start()``, then feed ``write()`` (stdin inputs), then ``finish()``.

    ``on_status(text)`` is told what happens (going live, each segment, the end) for the
    page or the log.
    """

    def __init__(
        self,
        *,
        s3: S3Client,
        bucket: str,
        channel_arn: str | None,
        event_sink: Callable[[dict[str, Any]], None],
        workdir: Path,
        source_args: Sequence[str],
        renditions: Sequence[Rendition] = DEFAULT_RENDITIONS,
        live_dir: Path | None = None,
        live_root: Path | None = None,
        on_status: Callable[[str], None] = lambda _text: None,
        has_audio: bool = True,
    ) -> None:
        self._renditions = tuple(renditions)
        self._workdir = workdir
        self._staging = workdir / "staging"
        self._live_dir = live_dir or workdir / "live-public"
        # The channel's folder under it, once the channel is known (RTMP: after its key).
        self._live_root = live_root
        self._source_args = list(source_args)
        self._has_audio = has_audio
        self._on_status = on_status
        self._s3, self._bucket, self._event_sink = s3, bucket, event_sink
        # None until the caller knows whose stream this is (RTMP: the publish command's key
        # comes after ffmpeg has answered the handshake); nothing is published until then.
        self.channel_arn = channel_arn
        self._proc: subprocess.Popen[bytes] | None = None
        self._session: LiveSession | None = None
        self._show: EncodedShow | None = None
        self._published_recording = 0
        self._published_live = 0
        self._watcher: threading.Thread | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self.error: BaseException | None = None

    @property
    def stream_id(self) -> str | None:
        return None if self._session is None else self._session.stream_id

    @property
    def recording_prefix(self) -> str | None:
        return None if self._session is None else self._session.prefix

    def start(self, *, stdin: bool = True) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)
        for r in self._renditions:
            (self._staging / HLS_DIR / r.path).mkdir(parents=True)
        (self._staging / LIVE_DIR).mkdir(parents=True)
        args = ffmpeg_args(
            self._source_args,
            self._renditions,
            fps=30,
            ts_offset_s=10.0,
            preset="ultrafast",
            max_duration_s=None,
            has_audio=self._has_audio,
            playlist_type="event",
        )
        self._started_at = datetime.now(UTC)  # show second 0: the input's first frame
        command = ["ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-y", *args]
        log_file: BinaryIO = (self._workdir / "ffmpeg.log").open("wb")
        self._proc = subprocess.Popen(
            command,
            cwd=self._staging,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        log_file.close()
        self._watcher = threading.Thread(target=self._watch, name="live-ingest", daemon=True)
        self._watcher.start()

    def write(self, chunk: bytes) -> None:
        """A chunk of the live input (stdin inputs only); BrokenPipe if ffmpeg died."""
        if self._proc is None or self._proc.stdin is None:
            raise RuntimeError("not started with stdin")
        self._proc.stdin.write(chunk)
        self._proc.stdin.flush()

    def finish(self, timeout_s: float = 60.0) -> IngestResult:
        """End the input, publish what is left, end the recording; blocks until done."""
        proc = self._proc
        if proc is not None and proc.stdin is not None and not proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
        self._done.wait(timeout_s)
        show = self._show
        return IngestResult(
            stream_id=self.stream_id or "",
            recording_prefix=self.recording_prefix or "",
            duration_s=0.0 if show is None else show.duration_s,
            recording_segments=self._published_recording,
            ffmpeg_exit=None if proc is None else proc.poll(),
        )

    def stop(self) -> None:
        """Stop the input (an RTMP listener has no stdin to close)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()

    @property
    def running(self) -> bool:
        return not self._done.is_set()

    # --- the watcher ---------------------------------------------------------------------

    def _entries(self, folder: Path) -> list[tuple[float, str]]:
        try:
            return parse_extinf((folder / FFMPEG_PLAYLIST).read_text())
        except FileNotFoundError:
            return []

    def _watch(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            while True:
                exited = proc.poll() is not None
                self._publish_ready()
                if exited:
                    self._publish_ready()
                    break
                time.sleep(POLL_S)
            self._end()
        except BaseException as exc:  # reported to whoever waits; never lost silently
            log.exception("live ingest failed")
            self.error = exc
            self._on_status(f"ingest failed: {exc}")
        finally:
            self._done.set()

    def _media_arrived(self) -> bool:
        return any((self._staging / LIVE_DIR).glob("*.ts"))

    def _recording(self) -> dict[str, tuple[RecordingSegment, ...]]:
        found: dict[str, tuple[RecordingSegment, ...]] = {}
        for r in self._renditions:
            folder = self._staging / HLS_DIR / r.path
            old = self._show.recording[r.path] if self._show is not None else ()
            segments = list(old)
            entries = self._entries(folder)
            start = sum(s.duration_s for s in segments)
            for index in range(len(segments), len(entries)):
                duration, uri = entries[index]
                file = folder / uri
                ranges = segment_byte_ranges(
                    file, segment_start_s=start, segment_duration_s=duration
                )
                segments.append(RecordingSegment(index, start, duration, file, ranges))
                start += duration
            found[r.path] = tuple(segments)
        return found

    def _live_segments(self) -> tuple[LiveSegment, ...]:
        old = list(self._show.live) if self._show is not None else []
        entries = self._entries(self._staging / LIVE_DIR)
        start = sum(s.duration_s for s in old)
        for index in range(len(old), len(entries)):
            duration, uri = entries[index]
            old.append(LiveSegment(index, start, duration, self._staging / LIVE_DIR / uri))
            start += duration
        return tuple(old)

    def _grown_show(self) -> EncodedShow | None:
        recording = self._recording()
        top = self._renditions[0].path
        if self._show is None:
            if any(not segments for segments in recording.values()):
                return None  # the codecs are read off the first segments
            codecs = {path: _avc_codecs(segments[0].file) for path, segments in recording.items()}
            return EncodedShow(
                staging=self._staging,
                renditions=self._renditions,
                recording=recording,
                codecs=codecs,
                bandwidth=_bandwidth(recording),
                live=self._live_segments(),
                duration_s=sum(s.duration_s for s in recording[top]),
                started_at=self._started_at,
            )
        return replace(
            self._show,
            recording=recording,
            bandwidth=_bandwidth(recording),
            live=self._live_segments(),
            duration_s=sum(s.duration_s for s in recording[top]),
        )

    def _publish_ready(self) -> None:
        if self._session is None and (self.channel_arn is None or not self._media_arrived()):
            return  # IVS starts a stream when its media arrives, for a known key
        session = self._session or self._going_live(self.channel_arn or "")
        show = self._grown_show()
        if show is None:  # before the first recording segment: live segments only
            show = replace(session.show, live=self._live_segments())
        else:
            self._show = show
        session.grow(show)
        for index in range(self._published_live, len(show.live)):
            session.execute(Step(show.live[index].end_s, "live", index))
            self._published_live = index + 1
        ready = min(len(show.segments(r)) for r in show.renditions)
        for index in range(self._published_recording, ready):
            due = max(show.segments(r)[index].end_s for r in show.renditions)
            session.execute(Step(due, "recording", index))
            self._published_recording = index + 1
            self._on_status(f"recorded {due:.0f} s")

    def _going_live(self, channel_arn: str) -> LiveSession:
        channel = parse_channel_arn(channel_arn)
        if self._live_root is not None:
            self._live_dir = self._live_root / channel.channel_id
        # A new stream's playlist starts afresh: the channel's last show is gone (as IVS).
        self._live_dir.mkdir(parents=True, exist_ok=True)
        for old in [*self._live_dir.glob("*.ts"), *self._live_dir.glob("*.m3u8*")]:
            old.unlink()
        settings = StudioSettings(
            s3=self._s3,
            bucket=self._bucket,
            channel=channel,
            event_sink=self._event_sink,
            speed=1.0,
            clock=time.monotonic,
            channel_name="",
            emit_playlist_events=False,
        )
        empty = EncodedShow(
            staging=self._staging,
            renditions=self._renditions,
            recording={r.path: () for r in self._renditions},
            codecs={},
            bandwidth={},
            live=(),
            duration_s=0.0,
            started_at=self._started_at,
        )
        session = LiveSession(settings, empty, self._live_dir, self._started_at)
        self._session = session
        session.execute(Step(0.0, "start"))
        self._on_status(f"live: stream {session.stream_id}")
        return session

    def _end(self) -> None:
        session = self._session
        if session is None:
            return
        if self._show is None:
            # Nothing was recorded (the input ended within the first segment): IVS would
            # still end the stream; the recording is empty.
            session.grow(replace(session.show, live=self._live_segments()))
        session.execute(Step(session.show.duration_s, "end"))
        self._on_status(f"ended after {session.show.duration_s:.1f} s")


@functools.cache
def live_root() -> Path:
    """This process's live playlists, one folder per channel (fresh each start, unless
    LIVECLIPS_LIVE_ROOT names one: the demo's studio writes its show's there)."""
    if named := os.environ.get("LIVECLIPS_LIVE_ROOT"):
        return Path(named)
    return Path(tempfile.mkdtemp(prefix="liveclips-live-"))


class LivePlaylists(StaticFiles):
    """The live folders over HTTP as IVS's playback edge answers: any origin may play
    (players fetch cross-origin), and the sliding playlist is never cached."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"access-control-allow-origin", b"*"))
                if str(scope.get("path", "")).endswith(".m3u8"):
                    headers.append((b"cache-control", b"no-cache"))
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
                    headers.append((b"content-type", HLS_MEDIA_TYPE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def _bandwidth(recording: dict[str, tuple[RecordingSegment, ...]]) -> dict[str, int]:
    return {
        path: max((int(s.file.stat().st_size * 8 / s.duration_s) for s in segments), default=0)
        for path, segments in recording.items()
    }


__all__ = [
    "IngestResult",
    "LiveIngest",
    "LivePlaylists",
    "LiveSession",
    "input_args",
    "live_root",
    "random_id",
]
