"""Every kind of `--source` the clip CLI takes renders, with the real IVS recording's
layout: a multivariant playlist whose variants live in sub-folders (160p30/, 360p30/ …),
a media playlist, the same over HTTP, an s3:// recording prefix and an s3:// playlist key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liveclips.adapters.clip_sources import HttpPlaylist, LocalPlaylist, SourceUnreadable
from liveclips_dev.cli.main import app
from liveclips_dev.studio.live_server import LIVE_PLAYLIST, live_server

FIXTURE_HLS = Path(__file__).resolve().parents[2].parent / "shared/fixtures/ivs-recording/media/hls"
# The 160p rendition keeps each render to a second or two; the clip spans two segments.
SMALL = ("--max-height", "160", "--preset", "landscape", "--start", "8.0", "--end", "13.0")


def render(source: str, out: Path) -> dict:
    args = ["clip", "render", "--source", source, *SMALL, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["height"] == 160 and made["duration_s"] == pytest.approx(5.0, abs=0.1)
    assert Path(made["mp4"]).stat().st_size > 0
    return made


def test_a_multivariant_file_reads_segments_beside_its_variant(tmp_path):
    # GIVEN IVS's master.m3u8, whose variants are 160p30/playlist.m3u8 … with their segments
    # WHEN it is the source THEN the segments are read from the variant's folder
    made = render(str(FIXTURE_HLS / "master.m3u8"), tmp_path)
    # AND the instant playlist names segments a player can find from anywhere
    instant = Path(made["instant"]).read_text()
    assert str(FIXTURE_HLS / "160p30") in instant


def test_a_media_playlist_file_renders(tmp_path):
    render(str(FIXTURE_HLS / "160p30" / "playlist.m3u8"), tmp_path)


def test_a_multivariant_playlist_over_http_renders(tmp_path):
    with live_server(FIXTURE_HLS) as url:
        master_url = url.replace(LIVE_PLAYLIST, "master.m3u8")
        made = render(master_url, tmp_path)
        source = HttpPlaylist.open(master_url, 160)
    assert source.playlist_url.endswith("/160p30/playlist.m3u8")
    assert "/160p30/" in Path(made["instant"]).read_text()


def test_a_variant_is_chosen_and_a_smaller_one_found_for_tracking():
    big = LocalPlaylist.open(FIXTURE_HLS / "master.m3u8", 720)
    assert big.path == FIXTURE_HLS / "720p30/playlist.m3u8"
    small = big.smaller(360)
    assert small is not None and small.path == FIXTURE_HLS / "360p30/playlist.m3u8"
    # a media playlist has nothing smaller to offer
    assert LocalPlaylist.open(FIXTURE_HLS / "160p30/playlist.m3u8", 720).smaller(360) is None


def test_an_unreachable_http_source_is_named(tmp_path):
    with live_server(tmp_path) as url:
        with pytest.raises(SourceUnreadable, match="404"):
            HttpPlaylist.open(url, 720)
        result = CliRunner().invoke(
            app, ["clip", "render", "--source", url, *SMALL, "--out", str(tmp_path)]
        )
    assert result.exit_code == 2
    assert "cannot render" in result.output and "playlist.m3u8" in result.output


def test_an_s3_recording_prefix_and_an_s3_playlist_key_render(quiet_show, tmp_path):
    bucket, prefix = quiet_show.broadcast.bucket, quiet_show.broadcast.recording_prefix
    render(f"s3://{bucket}/{prefix}", tmp_path / "prefix")
    render(f"s3://{bucket}/{prefix}/media/hls/master.m3u8", tmp_path / "master")
