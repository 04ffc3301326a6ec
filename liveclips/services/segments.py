"""Media signals of recorded segments, for the live highlight detector.

The live path analyses each segment when its S3 event arrives. A delivery can be lost
(a Pub/Sub outage drops what it held, an S3 notification never comes) or overtaken by
the next one, so the detector never waits on it for ever: what it missed it reads from
the recording itself, which is the source of truth.
"""

from __future__ import annotations

import logging
import math
import tempfile
from datetime import datetime
from pathlib import Path

from liveclips.adapters import ivs_recordings, redis_store, s3, signal_store
from liveclips.contracts.events import InvalidMessage, SegmentAnalyzed, SegmentReady
from liveclips.domain.highlight_engine.live import LiveSession, SegmentSignals
from liveclips.domain.hls import MediaPlaylist, PlaylistSegment
from liveclips.domain.ids import stable_id
from liveclips.errors import TransientError
from liveclips.media.analysis import analyze_media
from liveclips.media.ffmpeg import LOUDNESS_STEP_S
from liveclips.services import highlights

log = logging.getLogger("liveclips.segments")
# Set by the live follower (liveclips/services/live_segments.py) once it feeds a recording's
# detector: from then on the detector is fed by show time, whichever source has it first.
_LIVE_FED_KEY = "highlights:live-fed:{}"
_LIVE_FED_TTL_S = 24 * 3600
# A source further ahead than this leaves the seconds between to the other (ADR 0016).
GAP_TOLERANCE_S = 1.5


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


def mark_live_fed(recording_id: str) -> None:
    redis_store.client().set(_LIVE_FED_KEY.format(recording_id), "1", ex=_LIVE_FED_TTL_S)


def live_fed(recording_id: str) -> bool:
    return bool(redis_store.client().exists(_LIVE_FED_KEY.format(recording_id)))


def trimmed(segment: SegmentAnalyzed, next_t: int) -> SegmentAnalyzed | None:
    """The part of `segment` from show second `next_t` on (None if it has none): two
    sources of one show (live ~2 s segments, recorded 10 s ones) feed one detector, each
    second once, whichever source brings it first."""
    if math.floor(segment.start_s + segment.duration_s) <= next_t:
        return None
    drop = 0
    while drop < len(segment.media_seconds) and math.floor(segment.start_s + drop + 0.5) < next_t:
        drop += 1
    if drop == 0:
        return segment
    if drop >= segment.duration_s:
        return None
    lufs_drop = round(drop / segment.loudness_step_s) if segment.loudness_step_s > 0 else 0
    return segment.model_copy(
        update={
            "start_s": segment.start_s + drop,
            "duration_s": segment.duration_s - drop,
            "media_seconds": segment.media_seconds[drop:],
            "momentary_lufs": segment.momentary_lufs[lufs_drop:],
        }
    )


def feed_by_time(session: LiveSession, segment: SegmentAnalyzed, *, force: bool = False) -> bool:
    """Feed what `segment` has beyond the detector's seconds; False (nothing fed) when it
    starts more than GAP_TOLERANCE_S past them (the other source has the seconds between),
    unless `force` (the recording, the source of truth, never waits)."""
    part = trimmed(segment, session.next_t)
    if part is None:
        return True
    if part.start_s > session.next_t + GAP_TOLERANCE_S and not force:
        return False
    detect(session, part.model_copy(update={"index": session.next_index}))
    return True


def detect(session: LiveSession, segment: SegmentAnalyzed) -> None:
    """One analysed segment into the recording's detector; its highlights submitted."""
    recording_epoch = segment.segment_started_at.timestamp() - segment.start_s
    window = (session.window_start(), math.ceil(segment.start_s + segment.duration_s))
    raw = signal_store.between(segment.channel_id, recording_epoch, *window)
    detections = session.feed(
        SegmentSignals(
            index=segment.index,
            start_s=segment.start_s,
            duration_s=segment.duration_s,
            media_seconds=segment.media_seconds,
            momentary_lufs=segment.momentary_lufs,
            loudness_step_s=segment.loudness_step_s,
            chat=raw.chat,
            viewers=raw.viewers,
            reactions=raw.reactions,
            markers=raw.markers,
        )
    )
    session.recording_epoch_s = recording_epoch
    recording = highlights.RecordingRef.of(segment, recording_epoch)
    for detection in detections:
        # Effects before state: a crash here redelivers the segment, and every effect
        # is keyed by the same deterministic ids, so the retry repeats nothing.
        highlights.submit(recording.highlight(detection))


def first_index_after(bucket: str, prefix: str, t: float) -> int:
    """The first recorded segment that ends after show second t (its playlist index)."""
    rendition = ivs_recordings.smallest_rendition(bucket, prefix)
    playlist = ivs_recordings.media_playlist(bucket, prefix, rendition)
    for index, entry in enumerate(playlist.segments):
        if entry.end_s > t:
            return index
    return len(playlist.segments)


def detect_recorded(session: LiveSession, segment: SegmentAnalyzed) -> None:
    """A recorded segment for a detector the live follower feeds: only seconds it lacks,
    read from the recording (earlier segments too) where the follower left a gap."""
    part = trimmed(segment, session.next_t)
    if part is None:
        return
    if part.start_s > session.next_t + GAP_TOLERANCE_S:
        log.warning(
            "recording %s: the live side stopped at %ds; reading up to %.1fs from the recording",
            segment.recording_id, session.next_t, segment.start_s,
        )  # fmt: skip
        start = first_index_after(segment.bucket, segment.recording_prefix, session.next_t)
        for missed in catch_up(
            bucket=segment.bucket,
            prefix=segment.recording_prefix,
            recording_id=segment.recording_id,
            channel_id=segment.channel_id,
            from_index=start,
            to_index=segment.index,
            occurred_at=segment.occurred_at,
        ):
            feed_by_time(session, missed, force=True)
    feed_by_time(session, segment, force=True)
