"""What a finished VOD job produced, whether it is fit to publish, and what to do after a
failed one. Pure: the service fetches playlists and probes; this decides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from liveclips.domain.hls import PlaylistError, loads, parse_media_playlist
from liveclips.domain.vod_job import FRAME_CAPTURE_EVERY_S, SEGMENT_S
from liveclips.errors import PermanentError

POSTER_AT_FRACTION = 0.1  # an opening frame is often a title card or black


@dataclass(frozen=True)
class Variant:
    uri: str  # relative to the master playlist
    bandwidth: int
    width: int
    height: int


@dataclass(frozen=True)
class RenditionCheck:
    """One rendition as found in the bucket: its playlist and its first segment probed."""

    uri: str
    duration_s: float
    segment_count: int
    probed_width: int
    probed_height: int
    has_audio: bool


class InvalidVodOutput(PermanentError, ValueError):
    """The job said COMPLETE but its outputs are not a playable title; the message says
    which rule failed."""


def parse_master(text: str) -> tuple[Variant, ...]:
    """The variants of a master playlist, as listed (MediaConvert lists them best first)."""
    if "#EXTM3U" not in text:
        raise InvalidVodOutput("master playlist: no #EXTM3U header")
    try:
        parsed = loads(text)
    except PlaylistError as exc:
        raise InvalidVodOutput(f"master playlist: {exc}") from exc
    if not parsed.is_variant or not parsed.playlists:
        raise InvalidVodOutput("master playlist: lists no variant streams")
    variants = []
    for playlist in parsed.playlists:
        info = playlist.stream_info
        if not info.bandwidth or not info.resolution:
            raise InvalidVodOutput(f"master playlist: {playlist.uri} lacks BANDWIDTH or RESOLUTION")
        width, height = info.resolution
        variants.append(Variant(playlist.uri, int(info.bandwidth), int(width), int(height)))
    return tuple(variants)


def rendition_duration(text: str, uri: str) -> tuple[float, int]:
    """Total duration and segment count of a VOD media playlist."""
    try:
        playlist = parse_media_playlist(text)
    except PlaylistError as exc:
        raise InvalidVodOutput(f"{uri}: {exc}") from exc
    if not playlist.segments:
        raise InvalidVodOutput(f"{uri}: no segments")
    if "#EXT-X-ENDLIST" not in text:
        raise InvalidVodOutput(f"{uri}: no #EXT-X-ENDLIST, so players treat it as live")
    return playlist.duration_s, len(playlist.segments)


def check_title(
    variants: Sequence[Variant], renditions: Sequence[RenditionCheck], source_duration_s: float
) -> None:
    """Raise InvalidVodOutput unless the ladder is ordered, every rendition is the size the
    master says and decodes, and every one is as long as the source within a segment."""
    bandwidths = [v.bandwidth for v in variants]
    if bandwidths != sorted(bandwidths, reverse=True) or len(set(bandwidths)) != len(bandwidths):
        raise InvalidVodOutput(f"ladder not strictly ordered by bandwidth: {bandwidths}")
    by_uri = {r.uri: r for r in renditions}
    for variant in variants:
        rendition = by_uri.get(variant.uri)
        if rendition is None:
            raise InvalidVodOutput(f"{variant.uri}: listed in the master but not checked")
        if (rendition.probed_width, rendition.probed_height) != (variant.width, variant.height):
            raise InvalidVodOutput(
                f"{variant.uri}: decodes as {rendition.probed_width}x{rendition.probed_height},"
                f" master says {variant.width}x{variant.height}"
            )
        if not rendition.has_audio:
            raise InvalidVodOutput(f"{variant.uri}: no audio stream")
        if abs(rendition.duration_s - source_duration_s) > SEGMENT_S:
            raise InvalidVodOutput(
                f"{variant.uri}: {rendition.duration_s:.2f} s long, the source"
                f" {source_duration_s:.2f} s (more than one {SEGMENT_S} s segment apart)"
            )


def poster_capture(duration_s: float) -> int:
    """Which frame capture (numbered from 0, one per FRAME_CAPTURE_EVERY_S) is the poster."""
    return int(max(0.0, duration_s) * POSTER_AT_FRACTION // FRAME_CAPTURE_EVERY_S)


@dataclass(frozen=True)
class RetryLater:
    attempt: int
    delay_s: float


@dataclass(frozen=True)
class GiveUp:
    reason: str


def after_failure(
    attempt: int, max_attempts: int, base_delay_s: float, error: str
) -> RetryLater | GiveUp:
    """Exponential backoff (base, 4x base, 16x base ...) until the attempts run out.

    Every MediaConvert error is retried: its input errors (1010 file access, 1030/1040
    unreadable input) are also what S3 replication lag or a recording still settling
    look like, and a few minutes cost less than a show with no VOD.
    """
    if attempt >= max_attempts:
        return GiveUp(f"gave up after {attempt} attempts; last error: {error}")
    return RetryLater(attempt + 1, base_delay_s * 4 ** (attempt - 1))
