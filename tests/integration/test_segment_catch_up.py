"""The live detector reads the segments it was never delivered from the recording itself:
a lost or overtaken analysis must not stall a show's highlights."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.gcp.main import detect_highlights, finish_highlights
from liveclips.adapters import ivs_recordings, redis_store
from liveclips.contracts.events import RecordingStateChanged, SegmentReady
from liveclips.services import segments
from tests.integration.conftest import copy_of_recording
from tests.support import deliver

pytestmark = pytest.mark.integration


def segment_count(bucket: str, prefix: str) -> int:
    rendition = ivs_recordings.smallest_rendition(bucket, prefix)
    return len(ivs_recordings.media_playlist(bucket, prefix, rendition).segments)


def test_an_analysis_after_a_gap_catches_up_on_the_segments_before_it(quiet_show):
    # GIVEN a recording whose first analyses were all lost
    bucket = quiet_show.broadcast.bucket
    recording_id, prefix = copy_of_recording(quiet_show, "catchup")
    count = segment_count(bucket, prefix)
    rendition = ivs_recordings.smallest_rendition(bucket, prefix)
    last = SegmentReady(
        event_id=f"{recording_id}-last",
        occurred_at=datetime.now(UTC),
        bucket=bucket,
        key=ivs_recordings.segment_key(bucket, prefix, rendition, f"{count - 1}.ts"),
        size=1,
        recording_prefix=prefix,
        recording_id=recording_id,
        channel_id="CatchUpChannel",
        rendition=rendition.path,
        index=count - 1,
    )
    analysis = segments.analysis_of(last)
    assert analysis is not None

    # WHEN only the last segment's analysis is delivered, twice
    deliver(detect_highlights, analysis)
    deliver(detect_highlights, analysis)

    # THEN the detector has been fed every segment once, in order
    with redis_store.live_session(recording_id) as session:
        assert session.next_index == count
        assert session.has_seen(quiet_show.broadcast.duration_s)


def test_recording_end_reads_the_segments_the_detector_never_got(quiet_show):
    # GIVEN a recording none of whose analyses arrived
    bucket = quiet_show.broadcast.bucket
    recording_id, prefix = copy_of_recording(quiet_show, "catchup")
    ended = RecordingStateChanged(
        event_id=f"{recording_id}-ended",
        occurred_at=datetime.now(UTC),
        channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/CatchUpChannel",
        channel_id="CatchUpChannel",
        stream_id=f"st-{recording_id}",
        recording_id=recording_id,
        status="ended",
        bucket=bucket,
        key_prefix=prefix,
        duration_ms=round(quiet_show.broadcast.duration_s * 1000),
    )

    # WHEN Recording End is delivered
    deliver(finish_highlights, ended)

    # THEN the show is finished from the recording instead of waiting for ever
    with redis_store.live_session(recording_id) as session:
        assert session.next_index == segment_count(bucket, prefix)
        assert session.has_seen(quiet_show.broadcast.duration_s)
