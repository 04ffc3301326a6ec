"""`liveclips highlights` end to end on tiny generated shows (ffmpeg, no emulators)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liveclips_dev.cli.main import app
from liveclips_dev.evaluation.generate import generate

runner = CliRunner()


@pytest.fixture(scope="module")
def shows(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    # One show with a tiny video (media analysis runs), one chat + viewers only.
    return generate(
        tmp_path_factory.mktemp("shows"), count=2, seed=11, with_video=1, duration_s=75.0
    )


def test_eval_prints_the_table_and_draws_a_timeline_per_show(
    shows: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "eval"
    result = runner.invoke(app, ["highlights", "eval", str(shows[0].parent), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for show in shows:
        assert show.name in result.output
        assert (out / f"{show.name}.png").read_bytes().startswith(b"\x89PNG")
    assert "total (2)" in result.output
    for word in ("precision", "recall", "F1", "mean boundary error"):
        assert word in result.output


def test_detect_json_lists_start_end_score(shows: list[Path]) -> None:
    result = runner.invoke(app, ["highlights", "detect", str(shows[1]), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert isinstance(found, list)
    for item in found:
        assert set(item) == {"start", "end", "score"}
        assert 0 <= item["start"] < item["end"] <= 75.0


def test_a_broken_show_is_reported_and_fails_the_run(shows: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "shows" / "broken"
    broken.mkdir(parents=True)
    (broken / "show.json").write_text('{"id": "broken", "duration_s": 30}')
    (broken / "labels.json").write_text('[{"start": 5, "end": 2}]')
    result = runner.invoke(app, ["highlights", "eval", str(broken.parent), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "labels.json: item 1: end (2.0) must be after start (5.0)" in result.output
    result = runner.invoke(app, ["highlights", "detect", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "not a directory" in result.output
