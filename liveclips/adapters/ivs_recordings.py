"""Reading IVS auto-record output from S3; paths come from the recording's own JSON."""

from __future__ import annotations

from functools import lru_cache

from liveclips.adapters import s3
from liveclips.contracts.ivs_recording import IvsHlsMedia, IvsRendition, parse_recording_metadata
from liveclips.domain.hls import MediaPlaylist, parse_media_playlist


@lru_cache(maxsize=256)
def hls_layout(bucket: str, prefix: str) -> IvsHlsMedia:
    """Renditions and playlist names of a recording (fixed once recording-started.json exists)."""
    raw = s3.read_bytes(bucket, f"{prefix}/events/recording-started.json")
    return parse_recording_metadata(raw).media.hls


def media_playlist(
    bucket: str, prefix: str, rendition: IvsRendition, *, byte_range: bool = False
) -> MediaPlaylist:
    path = hls_layout(bucket, prefix).rendition_playlist_path(rendition, byte_range=byte_range)
    return parse_media_playlist(s3.read_bytes(bucket, f"{prefix}/{path}").decode())


def segment_key(bucket: str, prefix: str, rendition: IvsRendition, uri: str) -> str:
    return f"{prefix}/{hls_layout(bucket, prefix).path}/{rendition.path}/{uri}"


def smallest_rendition(bucket: str, prefix: str) -> IvsRendition:
    return min(hls_layout(bucket, prefix).renditions, key=lambda r: r.resolution_height or 0)


def best_rendition(bucket: str, prefix: str, max_height: int) -> IvsRendition:
    """The tallest rendition not above max_height, else the smallest there is."""
    renditions = hls_layout(bucket, prefix).renditions
    fitting = [r for r in renditions if (r.resolution_height or 0) <= max_height]
    if fitting:
        return max(fitting, key=lambda r: r.resolution_height or 0)
    return min(renditions, key=lambda r: r.resolution_height or 0)
