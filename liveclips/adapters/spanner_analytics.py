"""The engagement job's PostgreSQL-dialect database, read for creators (the studio)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from google.cloud import spanner
from google.cloud.spanner_v1.database import Database

from liveclips.adapters.config import settings


@dataclass(frozen=True)
class CreatorDay:
    day: date
    watch_seconds: float
    peak_viewers: int
    clip_plays: int
    clip_shares: int


@lru_cache(maxsize=1)
def database() -> Database:
    config = settings()
    client = spanner.Client(project=config.gcp_project)
    return client.instance(config.spanner_instance).database(config.analytics_database)


# Per day over the given channels: sums, except the peak (the busiest channel's).
_CREATOR_DAYS = """\
SELECT day, sum(watch_seconds), max(peak_viewers), sum(clip_plays)::bigint,
       sum(clip_shares)::bigint
FROM creator_daily
WHERE channel_id = ANY($1) AND day BETWEEN $2 AND $3
GROUP BY day
ORDER BY day"""


def creator_days(channel_ids: list[str], since: date, until: date) -> list[CreatorDay]:
    if not channel_ids:
        return []
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            _CREATOR_DAYS,
            params={"p1": channel_ids, "p2": since, "p3": until},
            param_types={
                "p1": spanner.param_types.Array(spanner.param_types.STRING),
                "p2": spanner.param_types.DATE,
                "p3": spanner.param_types.DATE,
            },
        )
        return [CreatorDay(row[0], float(row[1]), *(int(v) for v in row[2:])) for row in rows]
