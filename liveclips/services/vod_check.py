"""Is a COMPLETE job's output a title we can put in front of viewers?

The master playlist must parse, the ladder be ordered, every rendition's playlist be
complete and as long as the source within one segment, and every rendition's first
segment decode at the size the master promises. Only the first segment of each rung is
fetched: enough to prove the rung plays, cheap enough for a three-hour show.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liveclips.adapters import s3
from liveclips.adapters.spanner_vod import VodRendition, VodTitle
from liveclips.contracts.events import VodJobChanged
from liveclips.domain.hls import parse_media_playlist
from liveclips.domain.vod_outputs import (
    InvalidVodOutput,
    RenditionCheck,
    check_title,
    parse_master,
    poster_capture,
    rendition_duration,
)
from liveclips.media.ffmpeg import MediaError
from liveclips.media.vod import probe_segment

_CAPTURE_NUMBER = re.compile(r"\.(\d{7})\.jpg$")


@dataclass(frozen=True)
class Promotion:
    bucket: str
    master_key: str
    poster_key: str | None
    duration_ms: int
    renditions: list[VodRendition]

    def columns(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "master_key": self.master_key,
            "poster_key": self.poster_key,
            "duration_ms": self.duration_ms,
            "renditions": self.renditions,
        }


def validated(event: VodJobChanged, title: VodTitle) -> Promotion:
    if event.master_uri is None:
        raise InvalidVodOutput("the job reported no master playlist")
    bucket, master_key = s3.split_uri(event.master_uri)
    base = posixpath.dirname(master_key)
    try:
        variants = parse_master(s3.read_bytes(bucket, master_key).decode())
        checks = [_check_rendition(bucket, posixpath.join(base, v.uri), v.uri) for v in variants]
    except s3.STORAGE_ERRORS as exc:
        raise InvalidVodOutput(f"an output the job listed is not readable: {exc}") from exc
    longest = max(check.duration_s for check in checks)
    source_s = title.source_duration_ms / 1000 if title.source_duration_ms else longest
    check_title(variants, checks, source_s)
    by_uri = {check.uri: check for check in checks}
    renditions = [
        VodRendition(
            name=_rung_name(v.uri),
            width=v.width,
            height=v.height,
            bandwidth=v.bandwidth,
            playlist_key=posixpath.join(base, v.uri),
            duration_ms=round(by_uri[v.uri].duration_s * 1000),
        )
        for v in variants
    ]
    return Promotion(
        bucket=bucket,
        master_key=master_key,
        # An upload's poster was picked at ingest; a show's comes from the job's captures.
        poster_key=title.poster_key or _poster_key(event.frame_capture_uris, longest),
        duration_ms=round(longest * 1000),
        renditions=renditions,
    )


def _check_rendition(bucket: str, key: str, uri: str) -> RenditionCheck:
    text = s3.read_bytes(bucket, key).decode()
    duration_s, count = rendition_duration(text, uri)
    first = parse_media_playlist(text).segments[0]
    segment_key = posixpath.join(posixpath.dirname(key), first.uri)
    with tempfile.TemporaryDirectory(prefix="vod-check-") as scratch:
        local = Path(scratch) / "segment.ts"
        local.write_bytes(s3.read_bytes(bucket, segment_key, first.byte_range))
        try:
            probe = probe_segment(local)
        except MediaError as exc:
            raise InvalidVodOutput(f"{uri}: first segment does not decode: {exc}") from exc
    return RenditionCheck(uri, duration_s, count, probe.width, probe.height, probe.has_audio)


def _rung_name(uri: str) -> str:
    stem = posixpath.basename(uri).removesuffix(".m3u8")
    return stem.rsplit("_", 1)[-1] if "_" in stem else stem


def _poster_key(capture_uris: list[str], duration_s: float) -> str | None:
    """MediaConvert reports the last capture; the poster is the one at POSTER_AT_FRACTION."""
    if not capture_uris:
        return None
    _, last_key = s3.split_uri(capture_uris[-1])
    match = _CAPTURE_NUMBER.search(last_key)
    if match is None:
        return last_key
    index = min(poster_capture(duration_s), int(match[1]))
    return f"{last_key[: match.start()]}.{index:07d}.jpg"
