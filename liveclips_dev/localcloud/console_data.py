"""The content team's console, locally: the dashboards/ boards run on the analytics
database, as Grafana would run them (dev only; production is Grafana on the same JSON).

`GET /console/boards` lists every board's panels; `GET /console/boards/{uid}?hours=N`
answers each panel's rows: the template variables' queries first (every value selected,
as "All"), then each panel's SQL with the macros expanded by `dashboards.macros.expand`,
the same SQL and columns as the Grafana JSON in dashboards/generated/.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import httpx
from google.cloud import spanner
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dashboards.board import Board
from dashboards.build import all_boards
from dashboards.macros import expand
from liveclips.adapters.config import settings


def boards() -> dict[str, Board]:
    return {board.uid: board for board in all_boards()}


@lru_cache(maxsize=1)
def _database() -> Any:
    config = settings()
    client = spanner.Client(project=config.gcp_project)
    return client.instance(config.spanner_instance).database(config.analytics_database)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp() if value.tzinfo else value.replace(tzinfo=UTC).timestamp()
    if isinstance(value, (int, float, str)) or value is None:
        return value
    try:
        return float(value)  # NUMERIC (Decimal)
    except (TypeError, ValueError):
        return str(value)


def _rows(sql: str) -> list[list[Any]]:
    return _table(sql)[0]


def _table(sql: str) -> tuple[list[list[Any]], list[int]]:
    """The rows as JSON values, and which columns held timestamps (sent as epoch seconds,
    so the page can show them as times)."""
    with _database().snapshot() as snapshot:
        raw = [list(row) for row in snapshot.execute_sql(sql)]
    times = sorted({i for row in raw for i, v in enumerate(row) if isinstance(v, datetime)})
    return [[_json(v) for v in row] for row in raw], times


def run_board(board: Board, start: datetime, end: datetime) -> dict[str, Any]:
    variables: dict[str, list[str]] = {}
    for variable in board.variables:
        found = _rows(expand(variable.query.sql, start=start, end=end, variables=variables))
        variables[variable.name] = [str(row[0]) for row in found] or ["(none)"]
    panels = []
    for panel in board.panels:
        rows, time_columns = _table(expand(panel.sql, start=start, end=end, variables=variables))
        panels.append(
            {
                "title": panel.title,
                "format": panel.format,
                "columns": list(panel.columns),
                "rows": rows,
                "time_columns": time_columns,
            }
        )
    return {"uid": board.uid, "title": board.title, "panels": panels}


async def _content_team(request: Request) -> Response | None:
    """The console is the content team's: the API decides (a team-only route)."""
    token = request.headers.get("authorization", "")
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.get(
            f"{os.environ['LIVECLIPS_API_URL']}/v1/highlights/pending",
            headers={"Authorization": token},
        )
    if answer.status_code != 200:
        return JSONResponse(answer.json(), status_code=answer.status_code)
    return None


async def list_boards(request: Request) -> Response:
    refused = await _content_team(request)
    if refused is not None:
        return refused
    return JSONResponse(
        [
            {"uid": b.uid, "title": b.title, "panels": [p.title for p in b.panels]}
            for b in boards().values()
        ]
    )


async def board_data(request: Request) -> Response:
    refused = await _content_team(request)
    if refused is not None:
        return refused
    board = boards().get(request.path_params["uid"])
    if board is None:
        return JSONResponse({"error": "no such board"}, status_code=404)
    hours = min(max(float(request.query_params.get("hours", "3")), 0.1), 24 * 31)
    end = datetime.now(UTC)
    data = await run_in_threadpool(run_board, board, end - timedelta(hours=hours), end)
    return JSONResponse(data)
