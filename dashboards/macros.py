"""Expand the Grafana macros and variables our panel SQL uses into SQL Spanner can run.

Only what the dashboards use is implemented, each the way Grafana's PostgreSQL data source
expands it, so the integration test runs the SQL Grafana would send through PGAdapter.
Anything else left in the SQL (a `$` token) is an error: a new macro must be added here
before a panel may use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

_TIME_FILTER = re.compile(r"\$__timeFilter\(\s*([\w.]+)\s*\)")
_TIME_FROM = re.compile(r"\$__timeFrom\(\s*\)")
_TIME_TO = re.compile(r"\$__timeTo\(\s*\)")
_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


class UnknownMacro(ValueError):
    pass


def _instant(at: datetime) -> str:
    # Grafana renders the range as RFC 3339 UTC, whole seconds, in single quotes.
    if at.tzinfo is None:
        raise ValueError("the time range must be timezone-aware")
    return "'" + at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "'"


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def expand(
    sql: str,
    *,
    start: datetime,
    end: datetime,
    variables: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """`$__timeFilter(c)` -> `c BETWEEN '<start>' AND '<end>'`; `$var` -> `'a','b'`.

    Variables expand as Grafana's SQL data sources expand a multi-value (or include-all)
    variable: every value single-quoted, quotes doubled, joined by commas, so the SQL
    writes `col IN ($var)`.
    """
    lo, hi = _instant(start), _instant(end)
    out = _TIME_FILTER.sub(lambda m: f"{m.group(1)} BETWEEN {lo} AND {hi}", sql)
    out = _TIME_FROM.sub(lo, out)
    out = _TIME_TO.sub(hi, out)
    values = variables or {}

    def variable(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name.startswith("__") or name not in values:
            raise UnknownMacro(f"no expansion for ${name} in: {sql}")
        if not values[name]:
            raise UnknownMacro(f"${name} has no values")
        return ",".join(quote(v) for v in values[name])

    return _VARIABLE.sub(variable, out)
