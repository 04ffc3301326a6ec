"""Where a clip's media comes from: an IVS recording in S3, a live or VOD playlist over
HTTP, or a playlist on disk. Each gives the finest media playlist it has (byte-range
when the recording offers one) and reads the bytes a plan names."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin

import httpx

from liveclips.adapters import ivs_recordings, s3
from liveclips.adapters.config import settings
from liveclips.contracts.events import HighlightDetected
from liveclips.contracts.ivs_recording import IvsRendition
from liveclips.domain.clip_presets import Preset
from liveclips.domain.hls import (
    ByteSpan,
    ClipPlan,
    MediaPlaylist,
    PlaylistSegment,
    choose_variant,
    coalesce,
    is_multivariant,
    parse_media_playlist,
    plan_clip,
)
from liveclips.domain.live_playlist import LIVE_COPY_PLAYLIST, live_copy_prefix
from liveclips.errors import TransientError
from liveclips.media.render import TrackingCopy

_HTTP_TIMEOUT_S = 10.0
# Subject tracking analyses frames 320 px wide at most (liveclips/media/subject.py): IVS's 360p (or
# 160p) rendition has all it needs and decodes ~10x faster than the clip's 720p.
TRACKING_MAX_HEIGHT = 360


class SourceUnreadable(TransientError, OSError):
    """A playlist or segment the source names could not be fetched (a retry may)."""


class ClipSource(Protocol):
    def playlist(self) -> MediaPlaylist: ...

    def read(self, span: ByteSpan) -> bytes: ...

    def url(self, segment: PlaylistSegment) -> str:
        """Where a player fetches the segment (for instant clips)."""
        ...

    def smaller(self, max_height: int) -> ClipSource | None:
        """The same media in the tallest rendition not above max_height, unless that is
        the rendition already read."""
        ...


@dataclass(frozen=True)
class S3Recording:
    bucket: str
    prefix: str
    rendition: IvsRendition

    @classmethod
    def best(cls, bucket: str, prefix: str, max_height: int) -> S3Recording:
        return cls(bucket, prefix, ivs_recordings.best_rendition(bucket, prefix, max_height))

    def playlist(self) -> MediaPlaylist:
        fine = self.rendition.byte_range_playlist is not None
        return ivs_recordings.media_playlist(
            self.bucket, self.prefix, self.rendition, byte_range=fine
        )

    def read(self, span: ByteSpan) -> bytes:
        return s3.read_bytes(self.bucket, self._key(span.uri), span.byte_range)

    def url(self, segment: PlaylistSegment) -> str:
        # Recordings are private: an instant clip's player gets expiring signed URLs, long
        # enough to outlive the wait for the rendered clip by far.
        key = self._key(segment.uri)
        return s3.signed_url(self.bucket, key, ttl_s=settings().instant_clip_ttl_s)

    def smaller(self, max_height: int) -> S3Recording | None:
        height = min(max_height, self.rendition.resolution_height or max_height)
        small = S3Recording.best(self.bucket, self.prefix, height)
        return small if small.rendition != self.rendition else None

    def _key(self, uri: str) -> str:
        return ivs_recordings.segment_key(self.bucket, self.prefix, self.rendition, uri)


@dataclass(frozen=True)
class S3Playlist:
    """A VOD title's HLS in S3 (an upload's clips are cut from it): `key` is its media
    playlist, `master_key` the multivariant one it was chosen from."""

    bucket: str
    key: str
    master_key: str
    max_height: int = 720

    @classmethod
    def open(cls, bucket: str, master_key: str, max_height: int) -> S3Playlist:
        text = s3.read_bytes(bucket, master_key).decode()
        key = master_key
        if is_multivariant(text):
            key = posixpath.join(posixpath.dirname(master_key), choose_variant(text, max_height))
        return cls(bucket, key, master_key, max_height)

    def playlist(self) -> MediaPlaylist:
        return parse_media_playlist(s3.read_bytes(self.bucket, self.key).decode())

    def read(self, span: ByteSpan) -> bytes:
        return s3.read_bytes(self.bucket, self._key(span.uri), span.byte_range)

    def url(self, segment: PlaylistSegment) -> str:
        return s3.signed_url(
            self.bucket, self._key(segment.uri), ttl_s=settings().instant_clip_ttl_s
        )

    def smaller(self, max_height: int) -> S3Playlist | None:
        small = S3Playlist.open(self.bucket, self.master_key, min(max_height, self.max_height))
        return small if small.key != self.key else None

    def _key(self, uri: str) -> str:
        return posixpath.join(posixpath.dirname(self.key), uri)


def source_for(bucket: str, prefix: str, max_height: int) -> ClipSource:
    """An IVS recording by its prefix, or an upload's VOD title by its master playlist key
    (liveclips/services/uploads.py records that as the upload's "prefix")."""
    if prefix.endswith(".m3u8"):
        return S3Playlist.open(bucket, prefix, max_height)
    return S3Recording.best(bucket, prefix, max_height)


@dataclass(frozen=True)
class S3LiveCopy:
    """The live ~2 s segments the live follower copied into S3
    (liveclips/services/live_segments.py), placed on the recording's time axis by their
    PROGRAM-DATE-TIME: a clip decided while live is cut from these before the recording
    has written its 10 s segment."""

    bucket: str
    key: str  # the copies' media playlist
    recording_epoch_s: float  # the wall time of the recording's second 0

    @classmethod
    def of(cls, highlight: HighlightDetected, bucket: str) -> S3LiveCopy:
        prefix = live_copy_prefix(highlight.channel_id, highlight.recording_id)
        # moment_ended_at is Recording Start + moment_end_s (liveclips/services/highlights.py).
        epoch = highlight.moment_ended_at.timestamp() - highlight.moment_end_s
        return cls(bucket, f"{prefix}/{LIVE_COPY_PLAYLIST}", epoch)

    def playlist(self) -> MediaPlaylist:
        listed = parse_media_playlist(s3.read_bytes(self.bucket, self.key).decode())
        placed = []
        for segment in listed.segments:
            if segment.program_date_time is None:
                continue
            start = segment.program_date_time.timestamp() - self.recording_epoch_s
            placed.append(replace(segment, start_s=start))
        return MediaPlaylist(tuple(placed), listed.ended)

    def read(self, span: ByteSpan) -> bytes:
        return s3.read_bytes(self.bucket, self._key(span.uri), span.byte_range)

    def url(self, segment: PlaylistSegment) -> str:
        return s3.signed_url(
            self.bucket, self._key(segment.uri), ttl_s=settings().instant_clip_ttl_s
        )

    def smaller(self, max_height: int) -> None:
        return None  # the live playlist carries one rendition

    def _key(self, uri: str) -> str:
        return posixpath.join(posixpath.dirname(self.key), uri)


def highlight_source(highlight: HighlightDetected, max_height: int) -> ClipSource:
    """Where a highlight is cut from: the recording once it covers the clip (after
    Recording End always), else the live copies if they do; else the recording, whose
    plan then says "not yet"."""
    recording = source_for(highlight.bucket, highlight.recording_prefix, max_height)
    try:
        written = recording.playlist()
    except s3.STORAGE_ERRORS:
        written = None
    if written is not None and (written.ended or written.duration_s >= highlight.clip_end_s):
        return recording
    live = S3LiveCopy.of(highlight, settings().media_bucket)
    try:
        copies = live.playlist()
    except s3.STORAGE_ERRORS:
        return recording
    if copies.segments and copies.duration_s >= highlight.clip_end_s - 1e-6:
        return live
    return recording


@dataclass(frozen=True)
class HttpPlaylist:
    """A live playback URL (sliding ~2 s segments) or any HLS playlist over HTTP: `playlist_url`
    is the media playlist, `master_url` the multivariant one it was chosen from, if any.
    Segment URIs resolve against the media playlist's URL, not the master's."""

    playlist_url: str
    max_height: int = 720
    master_url: str | None = None

    @classmethod
    def open(cls, url: str, max_height: int) -> HttpPlaylist:
        text = _get(url).text
        if is_multivariant(text):
            return cls(urljoin(url, choose_variant(text, max_height)), max_height, url)
        return cls(url, max_height)

    def playlist(self) -> MediaPlaylist:
        return parse_media_playlist(_get(self.playlist_url).text)

    def read(self, span: ByteSpan) -> bytes:
        headers = {}
        if span.byte_range is not None:
            length, offset = span.byte_range
            headers["Range"] = f"bytes={offset}-{offset + length - 1}"
        return _get(urljoin(self.playlist_url, span.uri), headers).content

    def url(self, segment: PlaylistSegment) -> str:
        return urljoin(self.playlist_url, segment.uri)

    def smaller(self, max_height: int) -> HttpPlaylist | None:
        if self.master_url is None:
            return None
        uri = _other_variant(_get(self.master_url).text, self.max_height, max_height)
        return (
            HttpPlaylist(urljoin(self.master_url, uri), max_height, self.master_url)
            if uri
            else None
        )


@lru_cache(maxsize=1)
def _http() -> httpx.Client:
    return httpx.Client(timeout=_HTTP_TIMEOUT_S, follow_redirects=True)


def _get(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    try:
        return _http().get(url, headers=headers).raise_for_status()
    except httpx.HTTPError as exc:
        raise SourceUnreadable(f"cannot read {url}: {exc}") from exc


@dataclass(frozen=True)
class LocalPlaylist:
    """A playlist file: `path` is the media playlist, `master` the multivariant file it was
    chosen from, if any (its variants may live in sub-folders of their own)."""

    path: Path
    max_height: int = 720
    master: Path | None = None

    @classmethod
    def open(cls, path: Path, max_height: int) -> LocalPlaylist:
        text = path.read_text()
        if is_multivariant(text):
            return cls(path.parent / choose_variant(text, max_height), max_height, path)
        return cls(path, max_height)

    def playlist(self) -> MediaPlaylist:
        return parse_media_playlist(self.path.read_text())

    def read(self, span: ByteSpan) -> bytes:
        with (self.path.parent / span.uri).open("rb") as media:
            if span.byte_range is None:
                return media.read()
            length, offset = span.byte_range
            media.seek(offset)
            return media.read(length)

    def url(self, segment: PlaylistSegment) -> str:
        # The instant playlist is written elsewhere: name each segment by its whole path.
        return str((self.path.parent / segment.uri).resolve())

    def smaller(self, max_height: int) -> LocalPlaylist | None:
        if self.master is None:
            return None
        uri = _other_variant(self.master.read_text(), self.max_height, max_height)
        return LocalPlaylist(self.master.parent / uri, max_height, self.master) if uri else None


def _other_variant(text: str, max_height: int, smaller_height: int) -> str | None:
    if not is_multivariant(text):
        return None
    small = choose_variant(text, min(smaller_height, max_height))
    return small if small != choose_variant(text, max_height) else None


def open_source(spec: str, max_height: int) -> ClipSource:
    """`s3://bucket/<IVS recording prefix>` or `s3://bucket/<key>.m3u8`, an http(s)
    playlist URL, or a playlist file; a multivariant playlist is read through its variant
    for max_height."""
    if spec.startswith("s3://"):
        bucket, _, prefix = spec.removeprefix("s3://").partition("/")
        if not bucket or not prefix:
            raise ValueError(f"expected s3://BUCKET/RECORDING_PREFIX, got {spec!r}")
        return source_for(bucket, prefix.rstrip("/"), max_height)
    if spec.startswith(("http://", "https://")):
        return HttpPlaylist.open(spec, max_height)
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"{spec!r} is neither an s3:// prefix, an http(s) URL nor a file")
    return LocalPlaylist.open(path, max_height)


def fetch(source: ClipSource, plan: ClipPlan, into: Path, name: str = "source") -> Path:
    """Join the planned MPEG-TS segments: TS is a stream format, so the bytes concatenate."""
    joined = into / f"{name}.ts"
    with joined.open("wb") as out:
        for span in coalesce(plan.segments):
            out.write(source.read(span))
    return joined


def fetch_tracking_copy(
    source: ClipSource, chosen: Preset, start_s: float, end_s: float, into: Path
) -> TrackingCopy | None:
    """The clip from a small rendition, for presets that follow the subject; None when
    the source has no smaller one (the render then tracks in the clip's own rendition)."""
    if chosen.keeps_source_framing:
        return None
    small = source.smaller(TRACKING_MAX_HEIGHT)
    if small is None:
        return None
    plan = plan_clip(small.playlist(), start_s, end_s)
    return TrackingCopy(fetch(small, plan, into, "tracking"), plan.seek_s)
