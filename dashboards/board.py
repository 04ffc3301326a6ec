"""A dashboard under construction that keeps every query it shows.

Panels get their title, data source and target from a `PanelQuery` here, never from the
dashboard modules, so the queries a `Board` lists are exactly the ones in its JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import dashboard as model

from dashboards.query import PanelQuery, SqlTargetBuilder, datasource


class _Built(cogbuilder.Builder[model.Panel]):
    """Hands an already built panel to the SDK's grid layout (`Dashboard.with_panel`)."""

    def __init__(self, panel: model.Panel) -> None:
        self._panel = panel

    def build(self) -> model.Panel:
        return self._panel


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    query: PanelQuery


class Board:
    def __init__(
        self,
        uid: str,
        title: str,
        description: str,
        *,
        time_from: str = "now-6h",
        refresh: str | None = None,
    ) -> None:
        self.uid = uid
        self.title = title
        self.panels: list[PanelQuery] = []
        self.variables: list[Variable] = []
        self._last_id = 0
        self._builder = (
            dash.Dashboard(title)
            .uid(uid)
            .description(description)
            .tags(["liveclips", "content"])
            .time(time_from, "now")
            .timezone("browser")
            .readonly()  # provisioned from git: edits made in the UI would be lost
        )
        if refresh:
            self._builder.refresh(refresh)

    def row(self, title: str) -> None:
        self._builder.with_row(dash.Row(title).id(self._next_id()))

    def add(
        self,
        query: PanelQuery,
        panel: cogbuilder.Builder[model.Panel],
        *,
        width: int = 12,
        height: int = 8,
    ) -> None:
        built = panel.build()
        built.id_val = self._next_id()
        built.title = query.title
        if query.description:
            built.description = query.description
        built.datasource = datasource()
        built.targets = [SqlTargetBuilder(query).build()]
        built.grid_pos = model.GridPos(h=height, w=width)
        self._builder.with_panel(_Built(built))
        self.panels.append(query)

    def variable(self, name: str, label: str, query: PanelQuery, *, ordered: bool = False) -> None:
        """A multi-value variable with "All", its options from `query` (one column).

        Multi-value makes Grafana quote each value, so panels write `col IN ($name)`.
        `ordered` keeps the query's order instead of sorting the options alphabetically.
        """
        sort = model.VariableSort.DISABLED if ordered else model.VariableSort.ALPHABETICAL_ASC
        self._builder.with_variable(
            dash.QueryVariable(name)
            .label(label)
            .datasource(datasource())
            .query(query.sql)
            .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .multi(True)
            .include_all(True)
            .sort(sort)
        )
        self.variables.append(Variable(name, label, query))

    def queries(self) -> list[PanelQuery]:
        return [v.query for v in self.variables] + self.panels

    def build(self) -> model.Dashboard:
        return self._builder.build()

    def to_json(self) -> str:
        return json.dumps(self.build(), cls=JSONEncoder, indent=2, sort_keys=True) + "\n"

    def _next_id(self) -> int:
        self._last_id += 1
        return self._last_id
