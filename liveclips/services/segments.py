"""Media signals of recorded segments, for the live highlight detector.

The live path analyses each segment when its S3 event arrives. A delivery can be lost
(a Pub/Sub outage drops what it held, an S3 notification never comes) or overtaken by
the next one, so the detector never waits on it for ever: what it missed it reads from
the recording itself, which is the source of truth.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from liveclips.adapters import ivs_recordings, s3
from liveclips.contracts.events import InvalidMessage, SegmentAnalyzed, SegmentReady
from liveclips.domain.hls import MediaPlaylist, PlaylistSegment
from liveclips.domain.ids import stable_id
from liveclips.errors import TransientError
from liveclips.media.analysis import analyze_media
from liveclips.media.ffmpeg import LOUDNESS_STEP_S


class SegmentNotInPlaylistYet(TransientError, RuntimeError):
    """The S3 event outran the playlist update; redelivery will find it."""


def analysis_of(segment: SegmentReady) -> SegmentAnalyzed | None:
    """The segment's signals, or None for a rendition the detector does not read.

    InvalidMessage when its bucket or the segment itself does not exist: that never
    changes, and on an ordered subscription a retry for ever would hold up the channel.
    """
    try:
        # Audio is the same in every rendition, so loudness is measured on the smallest.
        rendition = ivs_recordings.smallest_rendition(segment.bucket, segment.recording_prefix)
    except Exception as error:  # S3's own errors stay behind the adapter
        if s3.missing(error) == "bucket":
            raise InvalidMessage(f"segment {segment.key}: no bucket {segment.bucket}") from error
        raise
    if segment.rendition != rendition.path:
        return None
    playlist = ivs_recordings.media_playlist(segment.bucket, segment.recording_prefix, rendition)
    return _analyze(segment, _entry(playlist, segment), segment.occurred_at)


def catch_up(
    *,
    bucket: str,
    prefix: str,
    recording_id: str,
    channel_id: str,
    from_index: int,
    to_index: int | None,
    occurred_at: datetime,
) -> list[SegmentAnalyzed]:
    """Analyses of segments [from_index, to_index) read from the recording (to its last
    segment when to_index is None), for a detector that never got them delivered."""
    rendition = ivs_recordings.smallest_rendition(bucket, prefix)
    playlist = ivs_recordings.media_playlist(bucket, prefix, rendition)
    last = to_index if to_index is not None else len(playlist.segments)
    missed = []
    for index in range(from_index, last):
        ready = SegmentReady(
            event_id=stable_id("segment.caught-up", recording_id, index),
            occurred_at=occurred_at,
            bucket=bucket,
            key=ivs_recordings.segment_key(bucket, prefix, rendition, f"{index}.ts"),
            size=0,
            recording_prefix=prefix,
            recording_id=recording_id,
            channel_id=channel_id,
            rendition=rendition.path,
            index=index,
        )
        missed.append(_analyze(ready, _entry(playlist, ready), occurred_at))
    return missed


def _segment_bytes(segment: SegmentReady) -> bytes:
    try:
        return s3.read_bytes(segment.bucket, segment.key)
    except Exception as error:  # S3's own errors stay behind the adapter
        if s3.missing(error):
            raise InvalidMessage(f"segment {segment.key} does not exist") from error
        raise


def _entry(playlist: MediaPlaylist, segment: SegmentReady) -> tuple[PlaylistSegment, datetime]:
    """The segment's playlist entry and the wall time it started."""
    entry = playlist.find(segment.key.rsplit("/", 1)[-1])
    if entry is None or entry.program_date_time is None:
        raise SegmentNotInPlaylistYet(f"{segment.key} is not in its playlist yet")
    return entry, entry.program_date_time


def _analyze(
    segment: SegmentReady, placed: tuple[PlaylistSegment, datetime], occurred_at: datetime
) -> SegmentAnalyzed:
    entry, started_at = placed
    with tempfile.TemporaryDirectory() as scratch:
        local = Path(scratch) / "segment.ts"
        local.write_bytes(_segment_bytes(segment))
        media = analyze_media(local)
    per_second = media.per_second()
    return SegmentAnalyzed(
        event_id=stable_id("segment.analyzed", segment.key),
        occurred_at=occurred_at,
        bucket=segment.bucket,
        recording_prefix=segment.recording_prefix,
        recording_id=segment.recording_id,
        channel_id=segment.channel_id,
        rendition=segment.rendition,
        index=segment.index,
        start_s=entry.start_s,
        duration_s=entry.duration_s,
        segment_started_at=started_at,
        loudness_step_s=LOUDNESS_STEP_S,
        momentary_lufs=list(media.momentary_lufs),
        media_seconds=[per_second[t] for t in sorted(per_second)],
    )
