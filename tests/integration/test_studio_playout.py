"""The local studio broadcasting into S3 (moto server, real S3 API) and emitting IVS events."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import m3u8
import pytest
from moto.server import ThreadedMotoServer

from liveclips.contracts.aws_events import parse_aws_event
from liveclips.contracts.ivs_recording import parse_recording_metadata, parse_recording_prefix
from liveclips_dev.studio.encode import encode_ivs_layout
from liveclips_dev.studio.layout import EncodedShow, Rendition
from liveclips_dev.studio.playout import Broadcast, Studio
from liveclips_dev.studio.run import run_studio
from liveclips_dev.studio.synth import PlantedMoment, synthesize_show

pytestmark = pytest.mark.integration
SHARED = Path(
    os.environ.get("LIVECLIPS_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)
REAL_ENDED_JSON = SHARED / "fixtures" / "ivs-recording" / "events" / "recording-ended.json"
ARN = "arn:aws:ivs:us-east-1:123456789012:channel/AbCdef1G2hij"
RENDITIONS = (Rendition("180p30", 320, 180, 400_000), Rendition("90p30", 160, 90, 120_000))
SPEED = 20.0
BYTE_RANGE = "byte-range-variant.m3u8"


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield boto3.client(
            "s3",
            endpoint_url=f"http://{host}:{port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto accepts any
        )
    finally:
        server.stop()


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"recordings-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> EncodedShow:
    work = tmp_path_factory.mktemp("studio")
    source = synthesize_show(
        work / "src.mp4", 25.0, [PlantedMoment(16.0, 20.0)], width=320, height=180
    )
    return encode_ivs_layout(
        source, work / "staging", renditions=RENDITIONS, started_at=datetime.now(UTC)
    )


def read(s3: Any, bucket: str, key: str) -> bytes:
    body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def label(event: dict[str, Any]) -> str:
    detail = event["detail"]
    if event["source"] == "aws.s3":
        return "s3:" + detail["object"]["key"].rsplit("/", 2)[-1]
    return detail.get("event_name") or detail["recording_status"]


@dataclass(frozen=True)
class Played:
    broadcast: Broadcast
    events: list[dict[str, Any]]
    bucket: str
    before: float  # monotonic clock just before broadcasting
    elapsed_s: float


@pytest.fixture(scope="module")
def played(s3: Any, show: EncodedShow, tmp_path_factory: pytest.TempPathFactory) -> Played:
    bucket = f"recordings-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    events: list[dict[str, Any]] = []

    def sink(event: dict[str, Any]) -> None:
        # A consumer reacting to a segment's event must already find it in the playlists.
        if event["source"] == "aws.s3" and event["detail"]["object"]["key"].endswith(".ts"):
            folder, name = event["detail"]["object"]["key"].rsplit("/", 1)
            for playlist in ("playlist.m3u8", "byte-range-variant.m3u8"):
                listed = m3u8.loads(read(s3, bucket, f"{folder}/{playlist}").decode())
                assert name in [seg.uri for seg in listed.segments]
        events.append(event)

    studio = Studio(
        s3=s3, bucket=bucket, channel_arn=ARN, event_sink=sink, speed=SPEED,
        live_dir=tmp_path_factory.mktemp("live"),
    )  # fmt: skip
    before = time.monotonic()
    broadcast = studio.broadcast(show)
    return Played(broadcast, events, bucket, before, time.monotonic() - before)


def test_the_show_plays_out_at_speed_and_nothing_is_published_early(played, show):
    assert played.elapsed_s >= show.duration_s / SPEED
    kinds = {p.kind for p in played.broadcast.published}
    assert kinds == {"live", "recording"}
    for published in played.broadcast.published:
        assert published.published_at - played.before >= published.due_s / SPEED - 0.01


def test_lifecycle_events_bracket_the_segment_events(played, show):
    labels = [label(e) for e in played.events]
    assert labels[:4] == [
        "Session Created", "Stream Start", "s3:recording-started.json", "Recording Start",
    ]  # fmt: skip
    assert labels[-4:] == [
        "s3:recording-ended.json", "Stream End", "Recording End", "Session Ended",
    ]  # fmt: skip
    segments = [x for x in labels if x.endswith(".ts")]
    assert segments == [f"s3:{i}.ts" for i in range(3) for _ in RENDITIONS]
    for event in played.events:
        parse_aws_event(event)  # every event is a valid AWS event for the bridge
    broadcast = played.broadcast
    recording_end = played.events[-2]["detail"]
    assert recording_end["recording_duration_ms"] == round(show.duration_s * 1000)
    assert recording_end["recording_s3_key_prefix"] == broadcast.recording_prefix
    assert recording_end["recording_s3_bucket_name"] == played.bucket
    stream_ids = {e["detail"].get("stream_id") for e in played.events if e["source"] == "aws.ivs"}
    assert stream_ids == {broadcast.stream_id}


def test_the_recording_has_the_ivs_s3_layout(played, s3, show):
    # ivs/v1/<account>/<channel>/<y>/<m>/<d>/<h>/<mm>/<recording id>/...
    broadcast = played.broadcast
    prefix = parse_recording_prefix(broadcast.recording_prefix)
    assert (prefix.account, prefix.channel_id) == ("123456789012", "AbCdef1G2hij")
    assert prefix.started_at == broadcast.started_at.replace(second=0, microsecond=0)
    listing = s3.list_objects_v2(Bucket=played.bucket, Prefix=broadcast.recording_prefix + "/")
    keys = {o["Key"].removeprefix(broadcast.recording_prefix + "/") for o in listing["Contents"]}
    expected = {"events/recording-started.json", "events/recording-ended.json"}
    expected |= {"media/hls/master.m3u8", "media/hls/byte-range-multivariant.m3u8"}
    for r in RENDITIONS:
        expected |= {f"media/hls/{r.path}/{n}" for n in ("playlist.m3u8", BYTE_RANGE)}
        expected |= {f"media/hls/{r.path}/{s.file.name}" for s in show.segments(r)}
    assert keys == expected
    uploaded = read(s3, played.bucket, f"{broadcast.recording_prefix}/media/hls/90p30/2.ts")
    assert uploaded == show.segments(RENDITIONS[1])[2].file.read_bytes()


def test_the_finished_playlists_are_closed_and_dated_from_the_start(played, s3):
    broadcast = played.broadcast
    base = f"{broadcast.recording_prefix}/media/hls/180p30"
    final = m3u8.loads(read(s3, played.bucket, f"{base}/playlist.m3u8").decode())
    assert (final.playlist_type, final.is_endlist) == ("event", True)
    millis = broadcast.started_at.microsecond // 1000 * 1000
    assert final.segments[0].program_date_time == broadcast.started_at.replace(microsecond=millis)
    ranged = m3u8.loads(read(s3, played.bucket, f"{base}/{BYTE_RANGE}").decode())
    assert (ranged.playlist_type, ranged.is_endlist) == ("vod", True)


def test_recording_ended_json_has_the_shape_of_a_real_one(played, s3, show):
    key = f"{played.broadcast.recording_prefix}/events/recording-ended.json"
    ended = json.loads(read(s3, played.bucket, key))
    real = json.loads(REAL_ENDED_JSON.read_text())
    del real["media"]["thumbnails"]  # the studio records with thumbnails disabled
    assert list(ended) == list(real)
    hls, real_hls = ended["media"]["hls"], real["media"]["hls"]
    assert list(hls) == list(real_hls)
    assert list(hls["renditions"][0]) == list(real_hls["renditions"][0])
    metadata = parse_recording_metadata(json.dumps(ended))
    assert metadata.media.hls.duration_ms == round(show.duration_s * 1000)
    assert [r.path for r in metadata.media.hls.renditions] == ["180p30", "90p30"]


def test_the_live_playlist_slides_over_http_while_live(s3, bucket, show, tmp_path):
    seen: list[m3u8.M3U8 | None] = []
    with Studio(
        s3=s3, bucket=bucket, channel_arn=ARN, event_sink=lambda e: None, speed=SPEED,
        live_dir=tmp_path / "live",
    ) as studio:  # fmt: skip
        url = studio.playback_url()
        assert url is not None

        def progress(show_s: float, duration_s: float) -> None:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - local http
                    seen.append(m3u8.loads(resp.read().decode()))
            except urllib.error.HTTPError as exc:
                assert exc.code == 404  # like IVS before the first segment
                seen.append(None)

        broadcast = studio.broadcast(show, on_progress=progress)
        assert broadcast.live_playlist_url == url
        # The URL outlives the broadcast when asked for beforehand, like a channel's.
        last = seen[-1]
        assert last is not None
        first = last.segments[0].uri
        with urllib.request.urlopen(url.replace("playlist.m3u8", first), timeout=5) as resp:  # noqa: S310
            assert resp.read() == (show.staging / "live" / first).read_bytes()
    assert seen[0] is None  # only the start step comes before the first live segment
    live = [p for p in seen if p is not None]
    assert max(len(p.segments) for p in live) == 6
    sequences = [p.media_sequence for p in live]
    assert sequences == sorted(sequences)
    assert sequences[-1] > 0
    assert live[-1].is_endlist
    assert live[0].segments[0].program_date_time is not None
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)  # noqa: S310 - closed with the studio


def test_a_fake_clock_plays_a_show_without_waiting(s3, bucket, show):
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    studio = Studio(
        s3=s3, bucket=bucket, channel_arn=ARN, event_sink=lambda e: None,
        clock=lambda: now[0], sleep=sleep, serve_live=False,
    )  # fmt: skip
    started = time.monotonic()
    broadcast = studio.broadcast(show)
    assert time.monotonic() - started < show.duration_s / 2
    assert sum(sleeps) == pytest.approx(show.duration_s)
    assert broadcast.live_playlist_url is None
    assert [p.published_at - 100.0 for p in broadcast.published] == pytest.approx(
        [p.due_s for p in broadcast.published]
    )


def test_run_studio_goes_from_nothing_to_a_finished_recording(s3, bucket, tmp_path):
    events: list[dict[str, Any]] = []
    ready: list[str | None] = []
    run = run_studio(
        "synthetic",
        s3=s3,
        bucket=bucket,
        channel_arn=ARN,
        event_sink=events.append,
        workdir=tmp_path,
        duration_s=45.0,
        speed=50.0,
        renditions=RENDITIONS[1:],
        on_ready=lambda show, url: ready.append(url),
    )
    assert ready == [run.broadcast.live_playlist_url]
    assert run.moments == (PlantedMoment(30.0, 34.0),)
    labels = json.loads((tmp_path / "moments.json").read_text())
    assert labels["moments"] == [{"start_s": 30.0, "end_s": 34.0}]
    assert run.show.duration_s == pytest.approx(45.0, abs=0.1)
    assert [label(e) for e in events][-1] == "Session Ended"
