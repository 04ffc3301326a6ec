"""The browsable list of on-demand titles: READY ones, the most recently ready first."""

from __future__ import annotations

from datetime import datetime

from google.cloud import spanner

from liveclips.adapters.spanner import database
from liveclips.adapters.spanner_vod import _COLUMNS, VodTitle

_LIST = (
    f"SELECT {', '.join(_COLUMNS)} FROM VodAssets WHERE State = 'READY'"  # noqa: S608
    " AND (@after_at IS NULL OR ReadyAt < @after_at"
    " OR (ReadyAt = @after_at AND TitleId < @after_id))"
    " ORDER BY ReadyAt DESC, TitleId DESC LIMIT @limit"
)


def ready(limit: int, after: tuple[datetime, str] | None = None) -> list[VodTitle]:
    params = {
        "after_at": after[0] if after else None,
        "after_id": after[1] if after else None,
        "limit": limit,
    }
    types = {
        "after_at": spanner.param_types.TIMESTAMP,
        "after_id": spanner.param_types.STRING,
        "limit": spanner.param_types.INT64,
    }
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(_LIST, params=params, param_types=types)
        return [VodTitle(*row) for row in rows]
