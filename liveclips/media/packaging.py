"""A finished clip MP4 as a VOD HLS rendition: same bytes, re-muxed, no re-encode.

Segments are fragmented MP4 (CMAF) rather than MPEG-TS: every player the feed targets
(Safari/AVPlayer since iOS 10, hls.js, ExoPlayer/Media3, Video.js VHS) plays them, they
carry the MP4's own sample tables instead of 188-byte TS packets and PES headers (a few
percent smaller at clip bitrates), and the same init + media segments can later be listed
by a DASH manifest. TS is only needed for pre-2016 devices.
"""

from __future__ import annotations

from pathlib import Path

from liveclips.media.ffmpeg import run_ffmpeg

PLAYLIST_NAME = "index.m3u8"
INIT_NAME = "init.mp4"
SEGMENT_PATTERN = "segment_%03d.m4s"


def package_hls(mp4: Path, out_dir: Path, *, segment_s: float = 2.0) -> Path:
    """Write index.m3u8, init.mp4 and segment_NNN.m4s into out_dir; return the playlist.

    Stream copy can only cut at keyframes: a segment lasts from one keyframe at or past
    segment_s to the next, so encode the MP4 with a fixed GOP of segment_s (e.g. -g 60
    -keyint_min 60 -sc_threshold 0 at 30 fps) or segments grow to the keyframe interval.
    All URIs in the playlist are bare file names, so the folder can be uploaded anywhere.
    Files from an earlier packaging with more segments are left in out_dir, unreferenced.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    # ffmpeg runs inside out_dir with bare names so the playlist cannot pick up a path.
    run_ffmpeg(
        ["-i", str(mp4.resolve()), "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy",
         "-f", "hls", "-hls_time", f"{segment_s:g}", "-hls_playlist_type", "vod",
         "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", INIT_NAME,
         # Each segment starts on a keyframe (the muxer only cuts there): players may
         # start or switch at any of them.
         "-hls_flags", "independent_segments",
         "-hls_segment_filename", SEGMENT_PATTERN, PLAYLIST_NAME],
        cwd=out_dir,
    )  # fmt: skip
    return out_dir / PLAYLIST_NAME
