"""Where a clip's media comes from: an IVS recording in S3, a live or VOD playlist over
HTTP, or a playlist on disk. Each gives the finest media playlist it has (byte-range
when the recording offers one) and reads the bytes a plan names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin

import httpx

from adapters import ivs_recordings, s3
from adapters.config import settings
from domain.hls import (
    ByteSpan,
    ClipPlan,
    MediaPlaylist,
    PlaylistSegment,
    choose_variant,
    coalesce,
    is_multivariant,
    parse_media_playlist,
)
from schemas.ivs_recording import IvsRendition

_HTTP_TIMEOUT_S = 10.0


class ClipSource(Protocol):
    def playlist(self) -> MediaPlaylist: ...

    def read(self, span: ByteSpan) -> bytes: ...

    def url(self, segment: PlaylistSegment) -> str:
        """Where a player fetches the segment (for instant clips)."""
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

    def _key(self, uri: str) -> str:
        return ivs_recordings.segment_key(self.bucket, self.prefix, self.rendition, uri)


@dataclass(frozen=True)
class HttpPlaylist:
    """A live playback URL (sliding ~2 s segments) or any HLS playlist over HTTP."""

    playlist_url: str
    max_height: int = 720

    def playlist(self) -> MediaPlaylist:
        text = _http().get(self.playlist_url).raise_for_status().text
        if is_multivariant(text):
            media_url = urljoin(self.playlist_url, choose_variant(text, self.max_height))
            return HttpPlaylist(media_url, self.max_height).playlist()
        return parse_media_playlist(text)

    def read(self, span: ByteSpan) -> bytes:
        headers = {}
        if span.byte_range is not None:
            length, offset = span.byte_range
            headers["Range"] = f"bytes={offset}-{offset + length - 1}"
        return _http().get(urljoin(self.playlist_url, span.uri), headers=headers).content

    def url(self, segment: PlaylistSegment) -> str:
        return urljoin(self.playlist_url, segment.uri)


@lru_cache(maxsize=1)
def _http() -> httpx.Client:
    return httpx.Client(timeout=_HTTP_TIMEOUT_S, follow_redirects=True)


@dataclass(frozen=True)
class LocalPlaylist:
    path: Path
    max_height: int = 720

    def playlist(self) -> MediaPlaylist:
        text = self.path.read_text()
        if is_multivariant(text):
            variant = self.path.parent / choose_variant(text, self.max_height)
            return LocalPlaylist(variant, self.max_height).playlist()
        return parse_media_playlist(text)

    def read(self, span: ByteSpan) -> bytes:
        with (self.path.parent / span.uri).open("rb") as media:
            if span.byte_range is None:
                return media.read()
            length, offset = span.byte_range
            media.seek(offset)
            return media.read(length)

    def url(self, segment: PlaylistSegment) -> str:
        return segment.uri


def open_source(spec: str, max_height: int) -> ClipSource:
    """`s3://bucket/ivs/v1/.../recording_id`, an http(s) playlist URL, or a playlist file."""
    if spec.startswith("s3://"):
        bucket, _, prefix = spec.removeprefix("s3://").partition("/")
        if not bucket or not prefix:
            raise ValueError(f"expected s3://BUCKET/RECORDING_PREFIX, got {spec!r}")
        return S3Recording.best(bucket, prefix.rstrip("/"), max_height)
    if spec.startswith(("http://", "https://")):
        return HttpPlaylist(spec, max_height)
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"{spec!r} is neither an s3:// prefix, an http(s) URL nor a file")
    return LocalPlaylist(path, max_height)


def fetch(source: ClipSource, plan: ClipPlan, into: Path) -> Path:
    """Join the planned MPEG-TS segments: TS is a stream format, so the bytes concatenate."""
    joined = into / "source.ts"
    with joined.open("wb") as out:
        for span in coalesce(plan.segments):
            out.write(source.read(span))
    return joined
