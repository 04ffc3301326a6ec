"""The live ingest (liveclips_dev/localcloud/live_ingest.py) on a WebM stream like MediaRecorder's,
fed
in chunks: the same IVS layout and events as the file studio, published as ffmpeg closes
each segment; nothing for an input whose key was never accepted."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from liveclips.media.ffmpeg import run_ffmpeg
from liveclips_dev.localcloud.live_ingest import LiveIngest, input_args

pytestmark = pytest.mark.integration
ARN = "arn:aws:ivs:us-east-1:123456789012:channel/LiveIngest01"


class FakeS3:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self._lock = threading.Lock()

    def put_object(self, **kw: Any) -> dict[str, Any]:
        with self._lock:
            self.keys.append(kw["Key"])
        return {"ETag": '"etag"', "ResponseMetadata": {}}


@pytest.fixture(scope="module")
def webm(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("webm") / "show.webm"
    run_ffmpeg([
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "23",
        "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "500k", "-c:a", "libopus", str(path),
    ])  # fmt: skip
    return path.read_bytes()


def _names(events: list[dict[str, Any]]) -> list[str]:
    names = []
    for e in events:
        detail = e["detail"]
        names.append(
            detail.get("event_name")
            or detail.get("recording_status")
            # under the recording prefix ivs/v1/<account>/<channel>/<y>/<m>/<d>/<h>/<mi>/<id>
            or "/".join(detail["object"]["key"].split("/")[10:])
        )
    return names


def test_a_webm_stream_becomes_the_ivs_layout_and_events(webm: bytes, tmp_path: Path) -> None:
    s3, events = FakeS3(), []
    ingest = LiveIngest(
        s3=s3, bucket="recordings", channel_arn=ARN, event_sink=events.append,
        workdir=tmp_path, source_args=input_args("webm"),
    )  # fmt: skip
    ingest.start()
    for at in range(0, len(webm), 64 * 1024):
        ingest.write(webm[at : at + 64 * 1024])
    result = ingest.finish()

    assert ingest.error is None and result.ffmpeg_exit == 0
    assert result.recording_segments == 3 and result.duration_s == pytest.approx(23, abs=0.5)
    names = _names(events)
    assert names[:4] == [
        "Session Created", "Stream Start", "events/recording-started.json", "Recording Start",
    ]  # fmt: skip
    assert names[-4:] == [
        "events/recording-ended.json", "Stream End", "Recording End", "Session Ended",
    ]  # fmt: skip
    segments = [n for n in names if n.endswith(".ts")]
    assert segments == [f"media/hls/{r}/{i}.ts" for i in range(3) for r in ("720p30", "160p30")]
    prefix = result.recording_prefix
    assert prefix.startswith("ivs/v1/123456789012/LiveIngest01/")
    assert f"{prefix}/media/hls/master.m3u8" in s3.keys
    assert f"{prefix}/media/hls/720p30/playlist.m3u8" in s3.keys
    assert (tmp_path / "live-public" / "playlist.m3u8").read_text().endswith("#EXT-X-ENDLIST\n")


def test_nothing_is_published_for_an_input_whose_key_was_never_accepted(
    webm: bytes, tmp_path: Path
) -> None:
    s3, events = FakeS3(), []
    ingest = LiveIngest(
        s3=s3, bucket="recordings", channel_arn=None, event_sink=events.append,
        workdir=tmp_path, source_args=input_args("webm"),
    )  # fmt: skip
    ingest.start()
    ingest.write(webm[: 256 * 1024])
    ingest.stop()
    ingest.finish()
    assert events == [] and s3.keys == []
