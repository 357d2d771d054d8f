"""The monitoring documents as pure functions of what `evaluation document` returns: for
any indicators and measurements, the evaluation report names every criterion and every
indicator, carries the chart as a PNG, and renders to Markdown."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.monitoring.chart import indicator_chart
from ledger.monitoring.documents import eindverslag
from ledger.workbench.document import Image, render
from policies.loader import load_policies

PNG = b"\x89PNG\r\n\x1a\n"
START = date(2020, 1, 1)

measurement = st.builds(
    lambda days, value: {"on": (START + timedelta(days=days)).isoformat(), "value": value,
                         "note": ""},
    st.integers(min_value=0, max_value=2000),
    st.floats(min_value=0, max_value=10_000, allow_nan=False, allow_infinity=False),
)  # fmt: skip
indicator = st.builds(
    lambda n, goal, series: {
        "key": f"indicator-{n}",
        "label": f"Indicator {n}",
        "unit": "stuks",
        "goal": goal,
        "own": True,
        "goal_text": "",
        "measurements": sorted(series, key=lambda m: m["on"]),
        "last": sorted(series, key=lambda m: m["on"])[-1]["value"] if series else None,
    },
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=3),
    st.lists(measurement, max_size=8),
)


def report_data(indicators: list[dict[str, Any]]) -> dict[str, Any]:
    policies = load_policies()
    return {
        "document": "eindverslag",
        "case": "JG-2020-001",
        "working_name": "Groep Testplein",
        "municipality": "Voorbeeldstad",
        "step": 7,
        "status": "afgesloten",
        "opened_on": START.isoformat(),
        "goals": ["Overlast halveren"],
        "indicators": indicators,
        "tussenevaluatie_due": None,
        "tussenevaluaties": [],
        "closure": {
            "closed_on": "2021-01-01",
            "goals_reached": "ja",
            "goals_assessment": "Bereikt",
            "criteria": [
                {"key": c.key, "label": c.label, "answer": f"Antwoord {c.key}"}
                for c in policies.werkproces.evaluation_criterion
            ],
        },
        "meetings": [],
        "actions": {"afgerond": 2},
    }


@settings(max_examples=25, deadline=None)
@given(st.lists(indicator, max_size=4, unique_by=lambda i: i["key"]))
def test_the_report_names_every_criterion_and_indicator_and_carries_the_chart(
    indicators: list[dict[str, Any]],
) -> None:
    document = eindverslag(report_data(indicators))
    images = [b for s in document.sections for b in s.blocks if isinstance(b, Image)]
    assert len(images) == 1 and images[0].png.startswith(PNG)
    text = render(document, "md").decode("utf-8")
    for criterion in load_policies().werkproces.evaluation_criterion:
        assert criterion.label in text and f"Antwoord {criterion.key}" in text
    for i in indicators:
        assert i["label"] in text
    [embedded] = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    assert base64.b64decode(embedded).startswith(PNG)


def test_the_chart_is_a_png_also_without_measurements() -> None:
    assert indicator_chart([]).startswith(PNG)
    assert indicator_chart([{"label": "Leeg", "goal": 1, "measurements": []}]).startswith(PNG)
