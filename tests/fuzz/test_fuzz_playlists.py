"""Playlists and thumbnail tracks read from S3: IVS recordings, MediaConvert outputs and
our own clips. A malformed one must be refused with the module's error (PlaylistError,
InvalidVodOutput), which the callers turn into a retry-later or a failed title; any other
exception would fail a render or a promotion without saying why."""

from __future__ import annotations

import contextlib
from unittest import mock

from hypothesis import example, given
from hypothesis import strategies as st

from liveclips.adapters import clip_sources, s3
from liveclips.adapters.clip_sources import S3Playlist
from liveclips.domain.hls import PlaylistError, choose_variant, parse_media_playlist, rewrite_uris
from liveclips.domain.thumbnails import Tile, rewrite_sprite_uris, webvtt
from liveclips.domain.vod_outputs import InvalidVodOutput, parse_master, rendition_duration
from tests.fuzz.inputs import FUZZ, IVS_RECORDING, mutated_text, nasty_text

HLS = IVS_RECORDING / "media" / "hls"
MEDIA_PLAYLISTS = [
    (HLS / rendition / name).read_text()
    for rendition in ("720p30", "160p30")
    for name in ("playlist.m3u8", "byte-range-variant.m3u8")
]
MULTIVARIANT = [
    (HLS / "master.m3u8").read_text(),
    (HLS / "byte-range-multivariant.m3u8").read_text(),
]
VTT = webvtt(
    [Tile(start_s=i * 2.0, end_s=i * 2.0 + 2, x=i * 160, y=0, w=160, h=90) for i in range(5)],
    "sprite.jpg",
)

# Tag lines with hostile values: what an m3u8 parser converts to numbers and dates.
hls_tags = st.builds(
    "{}:{}".format,
    st.sampled_from(
        [
            "#EXTINF",
            "#EXT-X-BYTERANGE",
            "#EXT-X-TARGETDURATION",
            "#EXT-X-MEDIA-SEQUENCE",
            "#EXT-X-PROGRAM-DATE-TIME",
            "#EXT-X-STREAM-INF",
            "#EXT-X-MAP",
            "#EXT-X-KEY",
            "#EXT-X-DISCONTINUITY-SEQUENCE",
            "#EXT-X-START",
            "#EXT-X-VERSION",
            "#EXT-X-MEDIA",
        ]
    ),
    st.one_of(
        nasty_text,
        st.from_regex(r"-?\d{0,25}(\.\d{0,5})?(@-?\d{0,25})?,?", fullmatch=True),
        st.from_regex(
            r'(RESOLUTION=[\dx]{0,12}|BANDWIDTH=\d{0,30}|URI="[^"]{0,10}"?),?', fullmatch=True
        ),
    ),
)


@st.composite
def playlists(draw: st.DrawFn, real: list[str]) -> str:
    text = draw(st.sampled_from(real))
    lines = draw(mutated_text(text)).splitlines()
    for _ in range(draw(st.integers(0, 3))):
        lines.insert(draw(st.integers(0, len(lines))), draw(hls_tags))
    return "\n".join(lines)


any_playlist = st.one_of(
    playlists(MEDIA_PLAYLISTS), playlists(MULTIVARIANT), nasty_text.map("#EXTM3U\n".__add__)
)


# Each of these escaped the parser as m3u8's own ValueError, TypeError, KeyError or
# IndexError (or, for NaN, parsed into a playlist of NaN seconds).
MALFORMED = [
    "#EXTM3U\n#EXTINF:abc,\n0.ts\n",
    "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:\n#EXTINF:1,\n0.ts\n",
    "#EXTM3U\n#EXT-X-MAP:=x\n#EXTINF:1,\n0.ts\n",
    "#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2023-02-09T22:55:41Z\n#EXT-X-BYTERANGE:1@0\n0.ts\n",
    "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:abc\n0.ts\n",
    "#EXTM3U\n#EXTINF:nan,\n0.ts\n",
    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=12\nv.m3u8\n",
]


def with_examples(test):
    for text in MALFORMED:
        test = example(text)(test)
    return test


@FUZZ
@given(any_playlist)
@with_examples
def test_media_playlists_parse_or_are_refused(text):
    try:
        playlist = parse_media_playlist(text)
    except PlaylistError:
        return
    assert all(s.duration_s > 0 for s in playlist.segments)


@FUZZ
@given(any_playlist, st.integers(0, 4000))
@example(MALFORMED[-1], 720)
def test_a_variant_is_chosen_or_refused(text, max_height):
    try:
        uri = choose_variant(text, max_height)
    except PlaylistError:
        return
    assert isinstance(uri, str)


@FUZZ
@given(any_playlist)
@with_examples
def test_vod_outputs_are_checked_or_refused(text):
    for check in (parse_master, lambda t: rendition_duration(t, "fuzz.m3u8")):
        with contextlib.suppress(InvalidVodOutput):
            check(text)


def signed(uri: str) -> str:
    return f"https://cdn.example/{uri}?Signature=x"


@FUZZ
@given(st.one_of(any_playlist, nasty_text))
def test_rewriting_playlist_uris_keeps_every_tag_line(text):
    rewritten = rewrite_uris(text, signed)
    tags = [line for line in text.splitlines() if line.startswith("#")]
    kept = [line for line in rewritten.splitlines() if line.startswith("#")]
    assert len(kept) == len(tags)


@FUZZ
@given(st.one_of(mutated_text(VTT), nasty_text))
def test_rewriting_sprite_uris_keeps_every_cue(text):
    rewritten = rewrite_sprite_uris(text, signed)
    assert rewritten.count("#xywh=") >= text.count("#xywh=")


@FUZZ
@given(playlists(MULTIVARIANT), playlists(MEDIA_PLAYLISTS), st.integers(0, 2000))
def test_an_uploads_vod_playlist_opens_or_is_refused(master, media, max_height):
    # S3Playlist reads two objects: the multivariant playlist and the variant it picks.
    def read_bytes(bucket: str, key: str, byte_range: object = None) -> bytes:
        return (master if key == "vod/master.m3u8" else media).encode()

    with mock.patch.object(s3, "read_bytes", read_bytes):
        assert clip_sources.s3 is s3
        try:
            opened = S3Playlist.open("bucket", "vod/master.m3u8", max_height)
            opened.playlist()
        except PlaylistError:
            return
    assert opened.key.startswith("vod/")
