"""The live follower's pure logic: new segments of a sliding playlist, by media sequence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liveclips.domain.hls import PlaylistError, parse_media_playlist
from liveclips.domain.live_playlist import (
    LiveSegment,
    copies_playlist,
    next_step,
    parse_live_playlist,
)
from liveclips.services.live_segments import Cursor

T0 = datetime(2026, 12, 8, 3, 0, 0, tzinfo=UTC)


def live(
    first: int, count: int, *, ended: bool = False, discontinuity_at: int | None = None
) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2"]
    lines.append(f"#EXT-X-MEDIA-SEQUENCE:{first}")
    for seq in range(first, first + count):
        if seq == discontinuity_at:
            lines.append("#EXT-X-DISCONTINUITY")
        stamp = (T0 + timedelta(seconds=2 * seq)).isoformat().replace("+00:00", "Z")
        lines += [f"#EXT-X-PROGRAM-DATE-TIME:{stamp}", "#EXTINF:2.000,", f"live{seq}.ts"]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def test_segments_are_numbered_from_the_media_sequence_and_placed_by_their_date() -> None:
    playlist = parse_live_playlist(live(7, 3))
    assert [s.sequence for s in playlist.segments] == [7, 8, 9]
    assert [s.uri for s in playlist.segments] == ["live7.ts", "live8.ts", "live9.ts"]
    assert playlist.next_sequence == 10
    assert playlist.segments[0].show_start_s(T0.timestamp()) == pytest.approx(14.0)
    assert not playlist.ended


def test_a_first_poll_takes_the_whole_window() -> None:
    step = next_step(parse_live_playlist(live(0, 3)), None)
    assert [s.sequence for s in step.new] == [0, 1, 2]
    assert (step.missed, step.restarted, step.ended) == (0, False, False)


def test_a_sliding_window_gives_only_what_is_new() -> None:
    # Read up to 4 (next 5); the window slid to 3..8.
    step = next_step(parse_live_playlist(live(3, 6)), 5)
    assert [s.sequence for s in step.new] == [5, 6, 7, 8]
    assert step.missed == 0


def test_the_same_window_twice_gives_nothing_new() -> None:
    playlist = parse_live_playlist(live(3, 6))
    assert next_step(playlist, playlist.next_sequence).new == ()


def test_segments_that_slid_by_unread_are_counted_as_missed() -> None:
    step = next_step(parse_live_playlist(live(10, 6)), 6)
    assert [s.sequence for s in step.new] == [10, 11, 12, 13, 14, 15]
    assert step.missed == 4


def test_a_restarted_follower_resumes_without_reading_twice() -> None:
    # A follower stopped after 4 (cursor 5 saved); its successor reads the same window.
    first = next_step(parse_live_playlist(live(0, 5)), None)
    cursor = first.new[-1].sequence + 1
    resumed = next_step(parse_live_playlist(live(1, 6)), cursor)
    assert [s.sequence for s in resumed.new] == [5, 6]
    read = [s.sequence for s in (*first.new, *resumed.new)]
    assert read == sorted(set(read))


def test_a_discontinuity_is_kept_on_its_segment() -> None:
    playlist = parse_live_playlist(live(0, 4, discontinuity_at=2))
    assert [s.discontinuity for s in playlist.segments] == [False, False, True, False]


def test_the_end_of_the_stream_is_seen_with_its_last_segments() -> None:
    step = next_step(parse_live_playlist(live(4, 3, ended=True)), 6)
    assert [s.sequence for s in step.new] == [6]
    assert step.ended


def test_numbering_that_goes_backwards_is_another_stream() -> None:
    step = next_step(parse_live_playlist(live(0, 3)), 40)
    assert step.restarted and step.ended and step.new == ()


def test_a_multivariant_or_broken_playlist_is_refused() -> None:
    with pytest.raises(PlaylistError):
        parse_live_playlist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n")
    with pytest.raises(PlaylistError):
        parse_live_playlist("<html>gone</html>")


def test_the_copies_playlist_marks_gaps_and_keeps_dates() -> None:
    segments = parse_live_playlist(live(0, 6)).segments
    kept: list[tuple[LiveSegment, str]] = [
        (s, f"{s.sequence}.ts") for s in segments if s.sequence != 3
    ]
    text = copies_playlist(kept, ended=True)
    parsed = parse_media_playlist(text)
    assert [s.uri for s in parsed.segments] == ["0.ts", "1.ts", "2.ts", "4.ts", "5.ts"]
    assert text.count("#EXT-X-DISCONTINUITY") == 1
    assert parsed.segments[3].program_date_time == T0 + timedelta(seconds=8)
    assert parsed.ended


def test_a_saved_cursor_resumes_where_the_follower_stopped() -> None:
    first = next_step(parse_live_playlist(live(0, 4)), None)
    cursor = Cursor(next_sequence=first.new[-1].sequence + 1, fed=4)
    cursor.copies = [(s, f"{s.sequence}.ts") for s in first.new]
    resumed = Cursor.from_json(cursor.to_json())
    assert resumed.next_sequence == 4 and resumed.fed == 4
    assert [name for _, name in resumed.copies] == ["0.ts", "1.ts", "2.ts", "3.ts"]
    assert resumed.copies[2][0].program_date_time == T0 + timedelta(seconds=4)
    step = next_step(parse_live_playlist(live(1, 6)), resumed.next_sequence)
    assert [s.sequence for s in step.new] == [4, 5, 6]
