"""The dashboards as code: what each one shows, how it is wired, and drift of the JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from dashboards import build
from dashboards.macros import UnknownMacro, expand
from dashboards.query import DATASOURCE_TYPE, DATASOURCE_UID, PanelQuery

PROVISIONING = Path(build.__file__).resolve().parent / "provisioning"

EXPECTED = {
    "liveclips-live-now": "Live now",
    "liveclips-creator-performance": "Creator performance",
    "liveclips-clip-leaderboard": "Clip leaderboard",
    "liveclips-retention": "Retention",
    "liveclips-qos": "QoS",
}


def dashboards() -> dict[str, dict[str, Any]]:
    return {name: json.loads(text) for name, text in build.rendered().items()}


def data_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in board["panels"] if p["type"] != "row"]


def test_the_five_dashboards_exist_with_their_titles():
    built = {d["uid"]: d["title"] for d in dashboards().values()}

    assert built == EXPECTED
    assert set(dashboards()) == {f"{uid}.json" for uid in EXPECTED}


@pytest.mark.parametrize("name", sorted(f"{uid}.json" for uid in EXPECTED))
def test_every_panel_queries_the_analytics_data_source_with_sql(name):
    board = dashboards()[name]
    panels = data_panels(board)

    assert panels
    for panel in panels:
        assert panel["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
        [target] = panel["targets"]
        assert target["datasource"]["uid"] == DATASOURCE_UID
        assert target["rawQuery"] is True and target["editorMode"] == "code"
        assert target["rawSql"].lstrip().upper().startswith("SELECT"), panel["title"]
        assert target["format"] in {"table", "time_series"}
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))


def test_the_json_carries_exactly_the_queries_the_boards_declare():
    """The integration test runs `Board.queries()`; nothing else may reach Grafana."""
    for board in build.all_boards():
        shown = json.loads(board.to_json())
        panel_sql = [p["targets"][0]["rawSql"] for p in data_panels(shown)]
        variable_sql = [v["query"] for v in shown.get("templating", {}).get("list", [])]

        assert panel_sql == [q.sql for q in board.panels]
        assert variable_sql == [v.query.sql for v in board.variables]
        assert [p["title"] for p in data_panels(shown)] == [q.title for q in board.panels]


def test_time_series_panels_return_time_first_and_every_query_declares_columns():
    for board in build.all_boards():
        for query in board.queries():
            assert query.columns, query.title
            assert len(set(query.columns)) == len(query.columns)
            if query.format == "time_series":
                assert query.columns[0] == "time"


def test_a_time_series_query_without_a_time_column_is_refused():
    with pytest.raises(ValueError, match="time"):
        PanelQuery("x", "SELECT 1 AS n", ("n",), format="time_series")


def test_template_variables_are_multi_value_queries_on_the_data_source():
    built = dashboards()
    creator = built["liveclips-creator-performance.json"]["templating"]["list"]
    titles = built["liveclips-retention.json"]["templating"]["list"]

    assert [v["name"] for v in creator] == ["channel"]
    assert [v["name"] for v in titles] == ["title"]
    for variable in creator + titles:
        assert variable["type"] == "query"
        assert variable["datasource"]["uid"] == DATASOURCE_UID
        assert variable["multi"] is True and variable["includeAll"] is True
        assert variable["refresh"] == 2  # re-queried when the time range changes
    uses = {
        name: [p for p in data_panels(built[name]) if "$" + var in p["targets"][0]["rawSql"]]
        for name, var in (
            ("liveclips-creator-performance.json", "channel"),
            ("liveclips-retention.json", "title"),
        )
    }
    assert all(uses.values())
    [curve] = [p for p in data_panels(built["liveclips-retention.json"]) if p.get("repeat")]
    assert curve["repeat"] == "title"


def test_check_passes_on_fresh_output_and_names_each_drifted_or_stale_file(tmp_path, capsys):
    assert build.main(["--out", str(tmp_path)]) == 0
    assert build.main(["--out", str(tmp_path), "--check"]) == 0

    qos = tmp_path / "liveclips-qos.json"
    qos.write_text(qos.read_text().replace("Time to first frame", "TTFF"))
    (tmp_path / "liveclips-removed.json").write_text("{}")
    (tmp_path / "liveclips-live-now.json").unlink()

    assert build.main(["--out", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr().err
    for name in ("liveclips-qos.json", "liveclips-removed.json", "liveclips-live-now.json"):
        assert name in out

    assert build.main(["--out", str(tmp_path)]) == 0
    assert not (tmp_path / "liveclips-removed.json").exists()
    assert build.drifted(tmp_path) == []


def test_the_checked_in_json_is_up_to_date():
    assert build.drifted() == [], "run python -m dashboards.build"


def test_macros_expand_as_grafana_does_and_unknown_ones_are_refused():
    start, end = datetime(2025, 6, 1, 12, tzinfo=UTC), datetime(2025, 6, 1, 18, 30, 5, tzinfo=UTC)
    sql = "SELECT 1 FROM t WHERE $__timeFilter(s.minute) AND c IN ($channel) AND d IN (${title})"

    out = expand(sql, start=start, end=end, variables={"channel": ["a", "o'b"], "title": ["t"]})

    assert out == (
        "SELECT 1 FROM t WHERE s.minute BETWEEN '2025-06-01T12:00:00Z' AND "
        "'2025-06-01T18:30:05Z' AND c IN ('a','o''b') AND d IN ('t')"
    )
    with pytest.raises(UnknownMacro):
        expand("SELECT $__timeGroup(minute, '1m')", start=start, end=end)
    with pytest.raises(UnknownMacro):
        expand("SELECT 1 WHERE c IN ($platform)", start=start, end=end)


def test_the_provisioned_data_source_is_the_one_the_panels_use():
    sources = yaml.safe_load((PROVISIONING / "datasources" / "analytics.yaml").read_text())
    providers = yaml.safe_load((PROVISIONING / "dashboards" / "liveclips.yaml").read_text())

    [source] = sources["datasources"]
    assert (source["uid"], source["type"]) == (DATASOURCE_UID, DATASOURCE_TYPE)
    assert (source["url"], source["database"]) == ("pgadapter:5432", "analytics")
    assert source["jsonData"] == source["jsonData"] | {
        "database": "analytics",
        "sslmode": "disable",
        "postgresVersion": 1400,
        "timescaledb": False,
    }
    [provider] = providers["providers"]
    assert provider["type"] == "file" and provider["options"]["path"]
