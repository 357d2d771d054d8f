"""The overview's charts, drawn with matplotlib on its Agg backend (no display: decision
0036): SVG for the self-contained HTML page, PNG for the PDF. Figures are made without
pyplot, so no global state is shared between threads of the server."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

matplotlib.rcParams["svg.hashsalt"] = "regie"  # the same figures make the same file

BLUE, ORANGE, GREY = "#1f5f8b", "#d9822b", "#8a8a8a"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str
    png: bytes


def _done(key: str, title: str, figure: Figure) -> Chart:
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None}, bbox_inches="tight")
    figure.savefig(png, format="png", dpi=110, bbox_inches="tight")
    text = svg.getvalue()
    return Chart(key, title, text[text.index("<svg") :], png.getvalue())


def _bars(labels: list[str], series: list[tuple[str, list[float], str]], ylabel: str) -> Figure:
    """Grouped bars, from zero; the page's heading is the chart's title."""
    figure = Figure(figsize=(6.4, 2.8))
    axes = figure.subplots()
    width = 0.8 / max(1, len(series))
    for n, (name, values, colour) in enumerate(series):
        positions = [i + (n - (len(series) - 1) / 2) * width for i in range(len(labels))]
        axes.bar(positions, values, width=width, label=name, color=colour)
    long_labels = any(len(label) > 8 for label in labels) and len(labels) > 3
    axes.set_xticks(range(len(labels)), labels, rotation=20 if long_labels else 0)
    axes.set_ylabel(ylabel)
    highest = max((v for _, values, _ in series for v in values), default=0)
    axes.set_ylim(0, max(1, highest * 1.1))
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not labels:
        axes.text(0.5, 0.5, "geen gegevens", ha="center", va="center", transform=axes.transAxes)
    elif len(series) > 1:
        axes.legend(frameon=False, fontsize=8)
    return figure


def charts(figures: dict[str, Any]) -> list[Chart]:
    """One chart per section of the overview, in the order the report shows them."""
    steps = [str(s["step"]) for s in figures["per_step"]]
    out = [
        _done(
            "per-step",
            "Lopende groepen per stap",
            _bars(
                steps,
                [("groepen", [s["groups"] for s in figures["per_step"]], BLUE)],
                "groepen",
            ),
        )
    ]
    times = figures["time_per_step"]
    out.append(
        _done(
            "time-per-step",
            "Doorlooptijd per stap (dagen)",
            _bars(
                [str(s["step"]) for s in times],
                [
                    ("mediaan", [s["median_days"] or 0 for s in times], BLUE),
                    ("langste", [s["longest_days"] or 0 for s in times], GREY),
                ],
                "dagen",
            ),
        )
    )
    actions = figures["actions"]
    out.append(
        _done(
            "actions",
            "Open acties per organisatie",
            _bars(
                [a["organisation"] for a in actions],
                [
                    ("open", [a["open"] for a in actions], BLUE),
                    ("te laat", [a["overdue"] for a in actions], ORANGE),
                ],
                "acties",
            ),
        )
    )
    providers = sorted({p["from"] for p in figures["provisions"]})

    def provided(basis: str) -> list[float]:
        return [
            sum(
                p["count"]
                for p in figures["provisions"]
                if p["from"] == org and p["basis"] == basis and p["outcome"] == "verstrekt"
            )
            for org in providers
        ]

    out.append(
        _done(
            "provisions",
            "Verstrekkingen per verstrekker en grondslag",
            _bars(
                providers,
                [
                    ("convenant", provided("convenant"), BLUE),
                    ("ad hoc", provided("ad hoc"), ORANGE),
                ],
                "verstrekkingen",
            ),
        )
    )
    purges = figures["purges"]
    out.append(
        _done(
            "purges",
            "Vernietigde sleutels per maand",
            _bars(
                [p["month"] for p in purges],
                [("vernietigd", [p["count"] for p in purges], GREY)],
                "sleutels",
            ),
        )
    )
    return out
