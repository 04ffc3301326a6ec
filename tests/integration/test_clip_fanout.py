"""A long clip's chunks encoded by other worker instances (Cloud Run scale-out), through
the running clip worker's /pieces/encode: the same clip as one encode, frame for frame."""

from __future__ import annotations

import httpx
import m3u8
import pytest

from clip_workers.pieces import RemotePieces
from liveclips.adapters import s3
from liveclips.adapters.config import settings
from liveclips.domain.clip_presets import preset
from liveclips.media.render import RenderOptions, render_clip
from tests.integration.test_clip_render import FPS, decode_errors_and_frames, ivs_like_source

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def long_show(tmp_path_factory):
    return ivs_like_source(tmp_path_factory.mktemp("fanout") / "show.ts", 34)


def worker_url() -> str:
    return settings().clip_worker_url.removesuffix("/tasks/render")


def scratch(prefix: str) -> list[str]:
    listed = s3.client().list_objects_v2(Bucket=settings().media_bucket, Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])]


def test_chunks_rendered_by_other_instances_join_into_the_same_clip(cloud, long_show, tmp_path):
    fan_out = RemotePieces([worker_url()], bucket=settings().media_bucket,
                           scratch_prefix="scratch/test-fanout/")  # fmt: skip
    try:
        remote = render_clip(
            long_show, start_s=1.3, end_s=31.3, chosen=preset("vertical"), out_dir=tmp_path / "r",
            options=RenderOptions(chunk_s=10.0, workers=1, encoder=fan_out),
        )  # fmt: skip
        uploaded = scratch("scratch/test-fanout/")
    finally:
        fan_out.cleanup()
    local = render_clip(
        long_show, start_s=1.3, end_s=31.3, chosen=preset("vertical"), out_dir=tmp_path / "l",
        options=RenderOptions(chunk_s=None, outputs=False),
    )  # fmt: skip

    assert remote.cut.mode == "chunked" and len(remote.cut.pieces) == 3
    assert uploaded == ["scratch/test-fanout/source.mp4"]  # one upload for every piece
    assert scratch("scratch/test-fanout/") == []  # and gone afterwards
    errors, frames = decode_errors_and_frames(remote.mp4)
    assert errors == "" and frames == decode_errors_and_frames(local.mp4)[1] == 30 * FPS
    assert (remote.info.width, remote.info.height) == (720, 1280)
    hls = m3u8.loads(remote.hls_playlist.read_text())
    assert [round(s.duration, 2) for s in hls.segments] == [2.0] * 15


def test_a_piece_request_that_does_not_parse_is_a_422(cloud):
    answer = httpx.post(f"{worker_url()}/pieces/encode", json={"bucket": "b"})
    assert answer.status_code == 422 and "source_key" in answer.text
