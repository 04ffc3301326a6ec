"""`liveclips highlights import`: real chat exports become show directories.

Each fixture in tests/fixtures/chat_exports is a small hand-made export in the real
shape, with a notice, an emote-only message, a CJK message and malformed records.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from liveclips.domain.highlight_engine.features import ChatMessage
from liveclips_dev.cli.highlights import highlights_app
from liveclips_dev.evaluation import show as show_module
from liveclips_dev.evaluation.importers import (
    ChatFormat,
    ImportFailed,
    ImportOptions,
    ImportReport,
    import_show,
)
from liveclips_dev.evaluation.importers.detect import detect
from liveclips_dev.evaluation.show import LabelledShow, load_show, show_inputs

FIXTURES = Path(__file__).parent.parent / "fixtures" / "chat_exports"
Line = tuple[float, str, str, str]

runner = CliRunner()


def run(tmp_path: Path, name: str, **options: Any) -> tuple[ImportReport, Path]:
    out = tmp_path / "show"
    report = import_show(ImportOptions(chat=FIXTURES / name, out=out, **options))
    return report, out


def chat_of(show: LabelledShow) -> list[Line]:
    assert show.chat is not None
    return [(c.t, c.user, c.text, c.kind) for c in show.chat]


def chat_of_show(out: Path) -> list[Any]:
    show = load_show(out)
    assert show.chat is not None
    return list(show.chat)


def rejected_in(out: Path) -> list[dict[str, Any]]:
    text = (out / "rejected.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def reasons(out: Path) -> list[tuple[str, str]]:
    return [(r["where"], r["reason"]) for r in rejected_in(out)]


TWITCH_V5: list[Line] = [
    (3.5, "streamfan", "hello chat", "message"),
    (10.0, "kekwlover", "KEKW KEKW", "message"),
    (12.25, "sakura_chan", "草草草 すごい", "message"),
    (20.0, "subguy", "6 months already!", "notice"),
    (41.5, "streamfan", "GG", "message"),
]


def test_twitch_v5_page_becomes_a_show_with_notices_tagged(tmp_path: Path) -> None:
    # GIVEN a v5 comments page with a resub, an emote-only and a CJK message, one comment
    # before the VOD, two malformed ones and one repeated from an overlapping page
    # WHEN it is imported
    report, out = run(tmp_path, "twitch_v5.json")
    # THEN the show loads with exactly those lines, users by login
    show = load_show(out)
    assert show.id == "twitch_v5"
    assert show.duration_s == 42.5  # last message + 1
    assert chat_of(show) == TWITCH_V5
    assert (report.format, report.messages, report.notices, report.users) == ("twitch", 4, 1, 4)
    assert (report.before_start, report.after_end, report.rejected) == (1, 0, 2)
    assert report.skipped == {"duplicate comment _id": 1}
    assert reasons(out) == [
        ("twitch_v5.json: record 5", "content_offset_seconds: Input should be a valid number"),
        ("twitch_v5.json: record 6", "commenter: Field required"),
    ]
    assert rejected_in(out)[0]["raw"]["content_offset_seconds"] == "30.5"  # kept as it was


def test_only_notices_carry_a_kind_in_chat_jsonl(tmp_path: Path) -> None:
    _, out = run(tmp_path, "twitch_v5.json")
    rows = [json.loads(line) for line in (out / "chat.jsonl").read_text().splitlines()]
    assert rows[0] == {"t": 3.5, "user": "streamfan", "text": "hello chat"}
    assert rows[3] == {"t": 20.0, "user": "subguy", "text": "6 months already!", "kind": "notice"}


def test_the_detector_gets_the_kind_of_each_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[ChatMessage] = []

    def capture(messages: list[ChatMessage], duration_s: float) -> dict[int, dict[str, float]]:
        seen.extend(messages)
        return {}

    monkeypatch.setattr(show_module, "chat_features", capture)
    _, out = run(tmp_path, "twitch_v5.json")
    show_inputs(load_show(out))
    assert [m.kind for m in seen] == ["message", "message", "message", "notice", "message"]


def test_twitch_v5_pages_and_a_bare_list_of_comments(tmp_path: Path) -> None:
    # Several pages concatenated: the record index is per page; a non-page is rejected.
    report, out = run(tmp_path, "twitch_v5_pages.json")
    assert chat_of(load_show(out)) == TWITCH_V5
    assert reasons(out) == [
        ("twitch_v5_pages.json: page 2, record 2", "commenter: Field required"),
        ("twitch_v5_pages.json: page 3", "not a page of comments {comments: [...]}"),
    ]
    # A bare list of the same comments.
    page = json.loads((FIXTURES / "twitch_v5.json").read_text(encoding="utf-8"))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(page["comments"]), encoding="utf-8")
    report = import_show(ImportOptions(chat=bare, out=tmp_path / "bare"))
    assert report.format == "twitch"
    assert chat_of(load_show(tmp_path / "bare")) == TWITCH_V5


def test_twitchdownloader_export_uses_the_vod_length(tmp_path: Path) -> None:
    # GIVEN TwitchDownloader's JSON of a 3600 s VOD, a comment at 3700 s, two malformed
    report, out = run(tmp_path, "twitchdownloader.json")
    show = load_show(out)
    # THEN the duration is the VOD's, the late comment is counted, not written
    assert show.duration_s == 3600
    assert (report.duration_from, report.after_end) == ("export", 1)
    gift = (
        "Generous_Gifter gifted a Tier 1 sub to xiaoming_88! "
        "They have given 5 Gift Subs in the channel!"
    )
    assert chat_of(show) == [
        (1.0, "night_owl", "good evening", "message"),
        (5.5, "emote_only", "LUL LUL LUL", "message"),
        (7.75, "xiaoming_88", "这也太强了吧", "message"),
        (9.0, "generous_gifter", gift, "notice"),
        (15.0, "cheerer", "Cheer100 nice play", "message"),
    ]
    assert reasons(out) == [
        ("twitchdownloader.json: record 6", "commenter.name: Input should be a valid string"),
        ("twitchdownloader.json: record 7", "message: Field required"),
    ]
    summary = json.loads((out / "import.json").read_text())
    assert summary["source"] == "twitchdownloader.json"
    assert summary["format"] == "twitchdownloader"
    assert (summary["messages"], summary["notices"], summary["rejected"]) == (4, 1, 2)


def test_irc_log_times_are_relative_to_the_first_line_across_midnight(tmp_path: Path) -> None:
    report, out = run(tmp_path, "irc.log")
    assert chat_of(load_show(out)) == [
        (0.0, "nightowl", "anyone here?", "message"),  # 23:58:59
        (31.0, "modbot", "Welcome to the stream!", "message"),  # "@" (op) dropped
        (59.0, "emote_spammer", "PogChamp PogChamp", "message"),
        (66.0, "yuki", "こんにちは、みなさん", "message"),  # 00:00:05, past midnight
        (91.0, "nightowl", "waves", "message"),  # /me
        (131.0, "nightowl", "LUL", "message"),
    ]
    assert reasons(out) == [
        ("irc.log:7", "no [hh:mm:ss] time at the start"),
        ("irc.log:8", "not a clock time: [00:00:61]"),
    ]
    assert rejected_in(out)[1]["raw"] == "[00:00:61] <bad_clock> x"
    assert report.skipped == {"log comment line": 1}


def test_irc_start_clock_makes_earlier_lines_negative(tmp_path: Path) -> None:
    # GIVEN the stream started at midnight, the log at 23:58:59 the day before
    report, out = run(tmp_path, "irc.log", start_clock_s=0.0)
    # THEN the three lines before midnight are before the start
    assert report.before_start == 3
    assert [c.t for c in chat_of_show(out)] == [5.0, 30.0, 70.0]


def test_chatterino_log_with_a_localised_name_and_a_sub_notice(tmp_path: Path) -> None:
    report, out = run(tmp_path, "chatterino.log")
    assert chat_of(load_show(out)) == [
        (0.0, "streamfan", "hi chat", "message"),
        (2.0, "kekwlover", "KEKW KEKW", "message"),
        (4.0, "sakura_chan", "草草草", "message"),  # the login, not the display name
        (8.0, "subguy", "subguy subscribed at Tier 1. They've subscribed for 6 months!", "notice"),
        (11.0, "streamfan", "anyone?", "message"),  # "StreamFan" lower-cased
    ]
    assert reasons(out) == [
        ("chatterino.log:6", "no user: expected '<user> text' or 'user: text' after the time")
    ]
    assert report.skipped == {"log comment line": 2}


def test_dated_irc_log_and_elapsed_h_mm_ss(tmp_path: Path) -> None:
    _, out = run(tmp_path, "irc_dated.log")
    assert [(c.t, c.user) for c in chat_of_show(out)] == [
        (0.0, "alpha"),
        (20.0, "beta"),
        (130.0, "alpha"),
    ]
    # TwitchDownloader's text export: elapsed [h:mm:ss], so the start is 0:00:00.
    log = tmp_path / "elapsed.txt"
    log.write_text("[0:00:07] <a> hi\n[1:02:03] <b> later\n", encoding="utf-8")
    import_show(ImportOptions(chat=log, out=tmp_path / "e", start_clock_s=0.0))
    assert [(c.t, c.user) for c in chat_of_show(tmp_path / "e")] == [(7.0, "a"), (3723.0, "b")]


def test_a_line_that_is_not_utf8_is_rejected_with_its_number(tmp_path: Path) -> None:
    log = tmp_path / "mixed.log"
    log.write_bytes(b"[10:00:00] <a> fine\n[10:00:01] <b> \xff\xfe broken\n[10:00:02] <c> ok\n")
    report = import_show(ImportOptions(chat=log, out=tmp_path / "m"))
    assert (report.messages, report.rejected) == (2, 1)
    assert reasons(tmp_path / "m") == [("mixed.log:2", "not UTF-8 text")]


def test_youtube_chat_downloader_export(tmp_path: Path) -> None:
    report, out = run(tmp_path, "youtube_chat_downloader.json")
    alice, bob = "UCa1ic3a1ic3a1ic3a1ic3aa", "UCb0bb0bb0bb0bb0bb0bb0bb"
    kenji, carla = "UCk3nj1k3nj1k3nj1k3nj1kk", "UCc4r1ac4r1ac4r1ac4r1acc"
    assert chat_of(load_show(out)) == [
        (1.5, alice, "hello everyone", "message"),
        (4.0, bob, "😂😂😂", "message"),
        (6.25, kenji, "すごい\uff01", "message"),  # fullwidth "!"
        (8.0, carla, "great stream", "message"),  # a Super Chat with text is chat
        (9.0, bob, "", "notice"),  # a Super Chat without text
        (10.0, kenji, "", "notice"),  # a new member
        (20.0, alice, "bye", "message"),
    ]
    assert report.before_start == 1  # the waiting room's message at -12 s
    assert report.skipped == {
        "YouTube ticker item (repeats a paid message or membership)": 1,
        "YouTube viewer_engagement_message without an author": 1,
    }
    assert reasons(out) == [
        ("youtube_chat_downloader.json: record 10", "time_in_seconds: Field required"),
        ("youtube_chat_downloader.json: record 11", "author: no id or name"),
    ]


def test_ytdlp_live_chat_json_lines(tmp_path: Path) -> None:
    report, out = run(tmp_path, "youtube_ytdlp_live_chat.json")
    assert report.format == "youtube (yt-dlp)"
    assert chat_of(load_show(out)) == [
        (2.5, "UCa1ic3a1ic3a1ic3a1ic3aa", "hi from yt-dlp 😂", "message"),
        (3.0, "UCb0bb0bb0bb0bb0bb0bb0bb", ":_kekw: :_kekw:", "message"),  # custom emotes only
        (4.2, "UCk3nj1k3nj1k3nj1k3nj1kk", "やばい", "message"),
        (5.0, "UCc4r1ac4r1ac4r1ac4r1acc", "", "notice"),
        (6.0, "UCk3nj1k3nj1k3nj1k3nj1kk", "", "notice"),
    ]
    assert reasons(out) == [
        ("youtube_ytdlp_live_chat.json:6", "not valid JSON (Expecting value, column 39)"),
        ("youtube_ytdlp_live_chat.json:9", "videoOffsetTimeMsec: missing"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("twitch_v5.json", ChatFormat.TWITCH),
        ("twitch_v5_pages.json", ChatFormat.TWITCH),
        ("twitchdownloader.json", ChatFormat.TWITCHDOWNLOADER),
        ("irc.log", ChatFormat.IRC),
        ("chatterino.log", ChatFormat.IRC),
        ("irc_dated.log", ChatFormat.IRC),
        ("youtube_chat_downloader.json", ChatFormat.YOUTUBE),
        ("youtube_ytdlp_live_chat.json", ChatFormat.YOUTUBE),
    ],
)
def test_format_is_detected_by_content(name: str, expected: ChatFormat) -> None:
    path = FIXTURES / name
    assert detect(path.read_bytes(), path, _json_or_none(path)) is expected


def _json_or_none(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def test_a_file_that_is_broken_json_fails_naming_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "cut.json"
    text = (FIXTURES / "twitch_v5.json").read_text(encoding="utf-8")
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"cut\.json:\d+: not valid JSON"):
        import_show(ImportOptions(chat=broken, out=tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_duration_cuts_later_messages(tmp_path: Path) -> None:
    report, out = run(tmp_path, "twitch_v5.json", duration_s=15.0, show_id="vod-1")
    show = load_show(out)
    assert (show.id, show.duration_s) == ("vod-1", 15.0)
    assert [c.t for c in show.chat or ()] == [3.5, 10.0, 12.25]
    assert report.after_end == 2


def test_big_export_imports_in_seconds(tmp_path: Path) -> None:
    # GIVEN 72k comments in TwitchDownloader's shape
    doc = json.loads((FIXTURES / "twitchdownloader.json").read_text(encoding="utf-8"))
    base = doc["comments"][0]
    doc["comments"] = [
        {
            **base,
            "_id": f"c{i}",
            "content_offset_seconds": i * 0.05,
            "commenter": {**base["commenter"], "name": f"user{i % 3000}"},
        }
        for i in range(72_000)
    ]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(doc), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    started = time.perf_counter()
    report = import_show(
        ImportOptions(chat=big, out=tmp_path / "big"), progress=lambda d, n: calls.append((d, n))
    )
    # THEN it takes seconds, reporting progress along the way
    assert time.perf_counter() - started < 20
    assert (report.messages, report.users) == (72_000, 3000)
    assert calls[-1] == (72_000, 72_000)
    assert len(calls) > 10


# --- the command ---------------------------------------------------------------------


def invoke(*args: str | Path) -> Any:
    return runner.invoke(highlights_app, ["import", *map(str, args)])


def test_cli_imports_chat_and_clips_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "show"
    result = invoke(
        FIXTURES / "twitchdownloader.json", "--out", out, "--clips", FIXTURES / "clips_kraken.json"
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "4 messages, 1 notices, 5 users, 3 rejected" in said  # 2 chat + 1 clip
    assert "1 after its end" in said
    assert "4 groups, 3 kept (>= 3 curators), 1 dropped; 3 labels" in said
    show = load_show(out)
    assert [(s.start, s.end) for s in show.labels or ()] == [
        (104.0, 134.0),
        (1015.0, 1045.0),
        (3595.0, 3600.0),  # clipped to the VOD's end
    ]
    assert [r["where"] for r in rejected_in(out)][-1] == "clips_kraken.json: record 15"
    summary = json.loads((out / "import.json").read_text())
    assert summary["clips"]["skipped"] == {
        "no VOD offset (the VOD is gone or the clip is not from it)": 1,
        "from another VOD than the chat's (1987654321)": 1,
    }


def test_cli_min_curators_and_group_within_change_the_labels(tmp_path: Path) -> None:
    out = tmp_path / "show"
    result = invoke(
        FIXTURES / "twitchdownloader.json",
        "--out",
        out,
        "--clips",
        FIXTURES / "clips_kraken.json",
        "--min-curators",
        "2",
        "--group-within",
        "10",
    )
    assert result.exit_code == 0, result.output
    # 1000/1015/1030 no longer chain at 10 s; dave + erin now make a moment
    assert [(s.start, s.end) for s in load_show(out).labels or ()] == [
        (104.0, 134.0),
        (505.0, 535.0),
        (3595.0, 3600.0),
    ]


def test_cli_exits_1_when_nothing_can_be_imported(tmp_path: Path) -> None:
    log = tmp_path / "all-bad.log"
    log.write_text("[10:00:00] nobody said this\n[10:00:01] nor this\n", encoding="utf-8")
    result = invoke(log, "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert "nothing could be imported" in result.output
    assert len(rejected_in(tmp_path / "o")) == 2  # still there to read
    assert not (tmp_path / "o" / "show.json").exists()


def test_cli_forced_format_and_an_unknown_file(tmp_path: Path) -> None:
    forced = invoke(FIXTURES / "irc.log", "--out", tmp_path / "a", "--format", "twitch")
    assert forced.exit_code == 1
    assert "not valid JSON" in forced.output
    unknown = tmp_path / "notes.txt"
    unknown.write_text("just some notes\n", encoding="utf-8")
    result = invoke(unknown, "--out", tmp_path / "b")
    assert result.exit_code == 1
    assert "not a chat export" in " ".join(result.output.split())


def test_cli_rejects_a_bad_start_clock(tmp_path: Path) -> None:
    result = invoke(FIXTURES / "irc.log", "--out", tmp_path / "o", "--start", "25h")
    assert result.exit_code == 2


def test_irc_times_that_name_their_zone_and_colon_users(tmp_path: Path) -> None:
    # The shape of a real logger's file: "[yyyy-mm-dd hh:mm:ss UTC] user: text".
    log = tmp_path / "zoned.txt"
    log.write_text(
        "[2017-11-02 00:00:00 UTC] agresive178: !followage\n"
        "[2017-11-02 00:00:04 UTC] streamelements: @agresive178, not following.\n"
        "[2017-11-02 00:01:00 UTC] mmmaarrccoo: GG\n",
        encoding="utf-8",
    )
    report = import_show(ImportOptions(chat=log, out=tmp_path / "z"))
    assert report.format == ChatFormat.IRC
    assert [(c.t, c.user, c.text) for c in chat_of_show(tmp_path / "z")] == [
        (0.0, "agresive178", "!followage"),
        (4.0, "streamelements", "@agresive178, not following."),
        (60.0, "mmmaarrccoo", "GG"),
    ]
