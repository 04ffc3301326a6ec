"""A timeline picture of one evaluated show: signals, fused score, detections, labels.

Each signal gets its own strip, scaled to its own range over the show, because what
matters when reading the picture is *when* a signal moves, not how it compares in units
with another. Labels are green (found) or grey (missed); detections are blue (hit) or
red (false alarm).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from liveclips_dev.evaluation.runner import ShowResult

SIGNAL_ORDER = (
    "loudness", "scene", "motion", "chat_rate", "chat_unique", "chat_hype", "chat_storm",
    "chat_new", "viewers", "viewer_joins", "reactions", "marker",
)  # fmt: skip
_LOUDNESS_FLOOR = -60.0  # LUFS; below is silence, and -120 would flatten the strip
_FOUND, _MISSED, _HIT, _FALSE = "#2e9b4f", "#9a9a9a", "#2f6fd6", "#d64541"


def _normalised(values: Sequence[float]) -> list[float]:
    low, high = min(values), max(values)
    span = high - low
    return [(v - low) / span if span > 0 else 0.0 for v in values]


def _series(result: ShowResult) -> dict[str, list[float]]:
    seconds = sorted(result.inputs.seconds, key=lambda s: s.t)
    names = {name for s in seconds for name in s.values}
    ordered = [n for n in SIGNAL_ORDER if n in names] + sorted(names - set(SIGNAL_ORDER))
    out: dict[str, list[float]] = {}
    for name in ordered:
        raw = [float(s.values.get(name, 0.0)) for s in seconds]
        if name == "loudness":
            raw = [max(v, _LOUDNESS_FLOOR) for v in raw]
        out[name] = _normalised(raw)
    if result.fused is not None:
        out["fused score"] = _normalised(list(result.fused))
    return out


def _spans(ax: Axes, result: ShowResult) -> None:
    labels = result.show.labels or ()
    for i, label in enumerate(labels):
        color = _FOUND if i in result.hit_labels else _MISSED
        ax.axvspan(label.start, label.end, ymin=0.52, ymax=0.95, color=color, alpha=0.8)
    for i, det in enumerate(result.detections):
        color = _HIT if i in result.hit_detections else _FALSE
        ax.axvspan(det.start_s, det.end_s, ymin=0.05, ymax=0.48, color=color, alpha=0.8)
    ax.set_yticks([0.25, 0.75], ["detections", "labels"])
    ax.set_ylim(0, 1)


def draw_timeline(result: ShowResult, out: Path) -> Path:
    """Write the show's timeline PNG to `out` and return it."""
    series = _series(result)
    rows = max(1, len(series))
    # A bare Figure on the Agg canvas, not pyplot: no global figure registry, no GUI
    # backend, nothing to leak when many shows are drawn in one process.
    fig = Figure(figsize=(14, 2.2 + 0.45 * rows))
    FigureCanvasAgg(fig)
    signals_ax, spans_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [rows, 2]})
    for label in result.show.labels or ():
        signals_ax.axvspan(label.start, label.end, color=_FOUND, alpha=0.12)
    for row, (name, values) in enumerate(series.items()):
        base = rows - 1 - row
        color = "black" if name == "fused score" else f"C{row % 10}"
        signals_ax.plot(
            range(len(values)), [base + 0.85 * v for v in values], color=color, linewidth=0.8
        )
    signals_ax.set_yticks([rows - 1 - i + 0.4 for i in range(len(series))], list(series))
    signals_ax.set_ylim(-0.2, rows)
    _spans(spans_ax, result)
    spans_ax.set_xlim(0, result.show.duration_s)
    spans_ax.set_xlabel("show seconds")
    s = result.score
    fig.suptitle(
        f"{result.show.id}: precision {s.precision:.2f}  recall {s.recall:.2f}  "
        f"F1 {s.f1:.2f}  ({s.hits} hits, {s.false_alarms} false alarms, {s.misses} missed)",
        fontsize=10,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    return out
