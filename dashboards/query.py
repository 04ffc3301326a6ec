"""What a panel asks the `analytics` database, and the Grafana target that carries it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models.dashboard import DataSourceRef

# Fixed so that the provisioned data source and every dashboard agree without a lookup;
# provisioning/datasources/analytics.yaml declares the same uid.
DATASOURCE_UID = "liveclips-analytics"
# "postgres" is the core plugin's id before Grafana 10.2 and an alias of
# "grafana-postgresql-datasource" after it, so the same JSON loads on both.
DATASOURCE_TYPE = "postgres"

Format = Literal["time_series", "table"]


def datasource() -> DataSourceRef:
    return DataSourceRef(type_val=DATASOURCE_TYPE, uid=DATASOURCE_UID)


@dataclass(frozen=True)
class PanelQuery:
    """One panel's (or template variable's) SQL and the columns it must return, in order.

    The SQL is Spanner's PostgreSQL dialect as PGAdapter passes it through, with Grafana's
    macros (`$__timeFilter(col)`) and variables (`$channel`) left for Grafana to expand.
    Spanner's sum of a bigint is NUMERIC, which the emulator can neither compare nor sort
    by (a query ordering by one never answers): such sums are cast to bigint first.
    """

    title: str
    sql: str
    columns: tuple[str, ...]
    format: Format = "table"
    description: str = ""

    def __post_init__(self) -> None:
        if self.format == "time_series" and self.columns[:1] != ("time",):
            raise ValueError(f"{self.title}: a time series query returns `time` first")


class SqlTarget(cogvariants.Dataquery):
    """A raw-SQL target of Grafana's PostgreSQL data source (the SDK has no builder for it)."""

    def __init__(self, query: PanelQuery, ref_id: str = "A") -> None:
        self.query = query
        self.ref_id = ref_id

    def to_json(self) -> dict[str, object]:
        return {
            "datasource": datasource(),
            "editorMode": "code",
            "format": self.query.format,
            "rawQuery": True,
            "rawSql": self.query.sql,
            "refId": self.ref_id,
        }


class SqlTargetBuilder(cogbuilder.Builder[cogvariants.Dataquery]):
    def __init__(self, query: PanelQuery) -> None:
        self._target = SqlTarget(query)

    def build(self) -> cogvariants.Dataquery:
        return self._target
