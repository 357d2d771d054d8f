"""The indicators of a case over time, one line per indicator, drawn with matplotlib on its
Agg backend without pyplot (no state shared between the server's threads; decision 0036).
The documents of the monitoring (tussenevaluatie, evaluation report) carry it as PNG."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from ledger.workbench.charts import BLUE, GREY, ORANGE

COLOURS = (BLUE, ORANGE, GREY, "#3a8a3a", "#8b1f5f", "#5f5f1f")


def indicator_chart(indicators: list[dict[str, Any]]) -> bytes:
    """A PNG with every indicator's measurements against their dates; an indicator without
    measurements is named in the legend, so its absence shows."""
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.subplots()
    measured = False
    for n, indicator in enumerate(indicators):
        points = indicator.get("measurements", [])
        days = [date.fromisoformat(m["on"]) for m in points]
        values = [float(m["value"]) for m in points]
        label = f"{indicator['label']} (doel {indicator['goal']})"
        if not points:
            label += ": nog niet gemeten"
        axes.plot(
            days,  # type: ignore[arg-type]
            values,
            marker="o",
            color=COLOURS[n % len(COLOURS)],
            label=label,
        )
        measured = measured or bool(points)
    if measured:
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    else:
        axes.text(0.5, 0.5, "nog geen metingen", ha="center", va="center", transform=axes.transAxes)
    axes.set_ylim(bottom=0)
    axes.set_ylabel("waarde")
    axes.spines[["top", "right"]].set_visible(False)
    if indicators:
        axes.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return out.getvalue()
