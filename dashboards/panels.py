"""The few panel shapes the dashboards use, with the options they share."""

from __future__ import annotations

from grafana_foundation_sdk.builders import bargauge, common, stat, table, timeseries, trend
from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.models import common as common_model
from grafana_foundation_sdk.models import dashboard as model


def thresholds(*steps: tuple[float | None, str]) -> dash.ThresholdsConfig:
    """Absolute thresholds; the first step's value is None (everything below the next)."""
    return (
        dash.ThresholdsConfig()
        .mode(model.ThresholdsMode.ABSOLUTE)
        .steps([model.Threshold(value=value, color=color) for value, color in steps])
    )


def _legend() -> common.VizLegendOptions:
    # A table legend with last/max lets the team read numbers without hovering.
    return (
        common.VizLegendOptions()
        .display_mode(common_model.LegendDisplayMode.TABLE)
        .placement(common_model.LegendPlacement.BOTTOM)
        .show_legend(True)
        .calcs(["lastNotNull", "max"])
    )


def series(
    unit: str,
    *,
    bars: bool = False,
    stacked: bool = False,
    steps: dash.ThresholdsConfig | None = None,
) -> timeseries.Panel:
    """One line (or bar) per value of the query's `metric` column; `steps` drawn as lines."""
    panel = (
        timeseries.Panel()
        .unit(unit)
        .legend(_legend())
        .fill_opacity(10)
        .span_nulls(False)
        .draw_style(common_model.GraphDrawStyle.BARS if bars else common_model.GraphDrawStyle.LINE)
    )
    if stacked:
        panel.stacking(common.StackingConfig().mode(common_model.StackingMode.NORMAL))
    if steps:
        panel.thresholds(steps).thresholds_style(
            common.GraphThresholdsStyleConfig().mode(common_model.GraphTresholdsStyleMode.DASHED)
        )
    return panel


def big_number(unit: str, steps: dash.ThresholdsConfig | None = None) -> stat.Panel:
    panel = (
        stat.Panel()
        .unit(unit)
        .graph_mode(common_model.BigValueGraphMode.NONE)
        .color_mode(common_model.BigValueColorMode.VALUE)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )
    return panel.thresholds(steps or thresholds((None, "blue")))


def grid() -> table.Panel:
    return table.Panel().show_header(True).cell_height(common_model.TableCellHeight.SM)


def ranking(unit: str) -> bargauge.Panel:
    """One horizontal bar per row of a (label, value) table, in the query's order."""
    return (
        bargauge.Panel()
        .unit(unit)
        .orientation(common_model.VizOrientation.HORIZONTAL)
        .display_mode(common_model.BarGaugeDisplayMode.GRADIENT)
        .show_unfilled(True)
        .reduce_options(common.ReduceDataOptions().values(True).calcs(["lastNotNull"]))
    )


def curve(x_field: str, unit: str) -> trend.Panel:
    """A line over a numeric x that is not time (e.g. percent of a title watched)."""
    return (
        trend.Panel()
        .x_field(x_field)
        .unit(unit)
        .min(0)
        .show_points(common_model.VisibilityMode.ALWAYS)
        .legend(_legend())
    )
