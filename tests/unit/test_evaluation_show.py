from __future__ import annotations

import json
from pathlib import Path

import pytest

from liveclips_dev.evaluation.show import ShowFormatError, find_shows, load_show, show_inputs


def write_show(root: Path, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    files.setdefault("show.json", json.dumps({"id": "s1", "duration_s": 60}))
    for name, text in files.items():
        (root / name.replace("__", "/")).write_text(text, encoding="utf-8")
    return root


def lines(*rows: dict[str, object]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def test_loads_every_file_and_knows_which_signals_exist(tmp_path: Path) -> None:
    show = load_show(
        write_show(
            tmp_path / "s1",
            **{
                "chat.jsonl": lines(
                    {"t": 5.5, "user": "b", "text": "lol"}, {"t": 1.0, "user": "a", "text": "hi"}
                ),
                "viewers.jsonl": lines({"t": 0, "count": 10}, {"t": 2, "count": 12}),
                "markers.jsonl": lines({"t": 30, "kind": "clip"}),
                "picks.json": json.dumps([{"start": 40, "end": 50}]),
                "labels.json": json.dumps([{"start": 20, "end": 25}, {"start": 3, "end": 8}]),
            },
        )
    )
    assert show.id == "s1"
    assert show.duration_s == 60
    assert show.media is None
    assert show.chat is not None
    assert [c.t for c in show.chat] == [1.0, 5.5]  # sorted by time
    assert show.labels is not None
    assert [(s.start, s.end) for s in show.labels] == [(3, 8), (20, 25)]
    assert show.signals() == ["chat", "viewers", "markers", "picks"]


def test_absent_files_are_absent_signals_and_empty_files_are_empty_ones(tmp_path: Path) -> None:
    show = load_show(write_show(tmp_path / "s1", **{"chat.jsonl": "\n"}))
    assert show.chat == ()
    assert show.viewers is None
    assert show.markers is None
    assert show.labels is None
    assert show.picks == ()


def test_a_video_or_an_hls_playlist_is_the_media(tmp_path: Path) -> None:
    root = write_show(tmp_path / "s1")
    (root / "hls").mkdir()
    (root / "hls" / "playlist.m3u8").write_text("#EXTM3U\n")
    assert load_show(root).media == root / "hls" / "playlist.m3u8"
    (root / "video.mp4").write_bytes(b"")
    assert load_show(root).media == root / "video.mp4"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"chat.jsonl": '{"t": 1, "user": "a", "text": "x"}\n{"t": 2, "user": "a"\n'},
         r"chat\.jsonl:2: not valid JSON"),
        ({"chat.jsonl": lines({"t": 1, "user": "a", "text": "x"}, {"t": 2, "text": "x"})},
         r"chat\.jsonl:2: user: Field required"),
        ({"viewers.jsonl": lines({"t": -1, "count": 3})},
         r"viewers\.jsonl:1: t: Input should be greater than or equal to 0"),
        ({"viewers.jsonl": lines({"t": 1, "count": "many"})}, r"viewers\.jsonl:1: count"),
        ({"markers.jsonl": lines({"t": 1, "kind": "clip", "by": "me"})},
         r"markers\.jsonl:1: by: Extra inputs are not permitted"),
        ({"markers.jsonl": lines({"t": 61, "kind": "clip"})},
         r"markers\.jsonl:1: t=61\.0 is after the show ends \(60\.0 s\)"),
        ({"labels.json": json.dumps([{"start": 1, "end": 2}, {"start": 9, "end": 4}])},
         r"labels\.json: item 2: end \(4\.0\) must be after start \(9\.0\)"),
        ({"labels.json": json.dumps([{"start": 50, "end": 70}])},
         r"labels\.json: item 1: end 70\.0 is after the show ends"),
        ({"labels.json": json.dumps({"start": 1, "end": 2})},
         r"labels\.json: expected a JSON list"),
        ({"picks.json": "[{\"start\": 1,\n \"end\": }]"}, r"picks\.json:2: not valid JSON"),
        ({"show.json": json.dumps({"id": "s1", "duration_s": 0})},
         r"show\.json: duration_s: Input should be greater than 0"),
        ({"show.json": json.dumps({"duration_s": 10})}, r"show\.json: id: Field required"),
    ],
)  # fmt: skip
def test_bad_files_are_errors_naming_file_and_line(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    root = write_show(tmp_path / "s1", **files)
    with pytest.raises(ShowFormatError, match=expected):
        load_show(root)


def test_missing_show_json_or_directory(tmp_path: Path) -> None:
    with pytest.raises(ShowFormatError, match=r"show\.json: missing"):
        load_show(tmp_path)
    with pytest.raises(ShowFormatError, match="not a directory"):
        load_show(tmp_path / "nope")


def test_non_utf8_is_a_clear_error(tmp_path: Path) -> None:
    root = write_show(tmp_path / "s1")
    (root / "chat.jsonl").write_bytes(b'{"t": 1, "user": "\xff", "text": "x"}\n')
    with pytest.raises(ShowFormatError, match=r"chat\.jsonl: not UTF-8"):
        load_show(root)


def test_find_shows_takes_a_show_or_a_directory_of_shows(tmp_path: Path) -> None:
    a, b = write_show(tmp_path / "b"), write_show(tmp_path / "a")
    (tmp_path / "notes").mkdir()
    assert find_shows(tmp_path) == [b, a]
    assert find_shows(a) == [a]
    assert find_shows(tmp_path / "missing") == []


def test_show_inputs_uses_what_is_there(tmp_path: Path) -> None:
    show = load_show(
        write_show(
            tmp_path / "s1",
            **{
                "show.json": json.dumps({"id": "s1", "duration_s": 9.5}),
                "chat.jsonl": lines({"t": 2.5, "user": "a", "text": "LMAO"}),
                "markers.jsonl": lines({"t": 4.2, "kind": "clip"}, {"t": 6.0, "kind": "chapter"}),
                "picks.json": json.dumps([{"start": 1, "end": 3}]),
            },
        )
    )
    inputs = show_inputs(show)
    assert inputs.duration_s == 9.5
    assert [s.t for s in inputs.seconds] == list(range(10))
    assert inputs.seconds[2].values["chat_rate"] == 1.0
    assert "viewers" not in inputs.seconds[2].values  # no viewers file: no viewer features
    assert [s.t for s in inputs.seconds if s.values.get("marker")] == [4]  # clip kind only
    assert [(p.start_s, p.end_s) for p in inputs.manual_picks] == [(1, 3)]
    assert inputs.momentary_lufs == ()
