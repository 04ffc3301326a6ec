"""Grafana dashboards as code for the content team, read from the `analytics` database.

Each dashboard module builds one dashboard with grafana-foundation-sdk from `PanelQuery`
values (title, SQL, expected columns): the same values the integration test runs against
the emulator, so a panel cannot ship SQL that nobody executed. `python -m dashboards.build`
writes the JSON Grafana provisions from `dashboards/generated/`.
"""
