from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from liveclips_dev.cli.analytics import analytics_app


def test_generate_then_backfill_to_files(tmp_path: Path) -> None:
    events, out = tmp_path / "events.jsonl", tmp_path / "out"
    runner = CliRunner()
    made = runner.invoke(analytics_app, ["generate", "400", "--out", str(events)])
    assert made.exit_code == 0, made.output
    assert len(events.read_text().splitlines()) == 400

    done = runner.invoke(
        analytics_app, ["backfill", str(events), "--out", str(out), "--sink", "jsonl"]
    )
    assert done.exit_code == 0, done.output
    rows = [json.loads(line) for line in (out / "rows.jsonl").read_text().splitlines()]
    assert {"concurrent_viewers", "watch_time", "qos", "creator_daily"} <= {
        r["table"] for r in rows
    }
    assert f"{len(rows)} rows written (jsonl)" in " ".join(done.output.split())


def test_backfill_of_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    done = CliRunner().invoke(analytics_app, ["backfill", str(tmp_path / "nope.jsonl")])
    assert done.exit_code == 2
    assert "no such file" in done.output
