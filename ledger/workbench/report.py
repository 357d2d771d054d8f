"""The overview report as a self-contained HTML page (charts inline as SVG, figures as
tables too, so a reader without the charts misses nothing) and as a PDF (charts as PNG)."""

from __future__ import annotations

import io
from typing import Any

import jinja2

from ledger.workbench.charts import Chart, charts

_PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Overzicht aanpak jeugdgroepen {{ f.from }} t/m {{ f.to }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .2rem .6rem;
border-bottom: 1px solid #ddd; text-align: left; } td.n { text-align: right; }
figure { margin: .5rem 0; } figure svg { max-width: 100%; height: auto; }
footer { margin-top: 2rem; font-size: .8rem; color: #666; }
</style>
</head>
<body>
<h1>Overzicht aanpak problematische jeugdgroepen</h1>
<p>Periode {{ f.from }} t/m {{ f.to }}; gemaakt op {{ f.made_on }}. {{ f.cases }} groep(en)
in beeld. Alleen aantallen: geen namen, pseudoniemen of groepsnamen.</p>
{% for chart in charts %}
<section id="{{ chart.key }}">
<h2>{{ chart.title }}</h2>
<figure class="chart" data-chart="{{ chart.key }}">{{ chart.svg | safe }}</figure>
{{ tables[chart.key] | safe }}
</section>
{% endfor %}
<section id="letters">
<h2>Informatieplicht</h2>
{% if f.letters is none %}<p>Niet zichtbaar voor deze rol.</p>{% else %}
<table><tr><th>nog te informeren</th><th>te laat</th><th>uitgesteld</th></tr>
<tr><td class="n">{{ f.letters.due }}</td><td class="n">{{ f.letters.overdue }}</td>
<td class="n">{{ f.letters.deferred }}</td></tr></table>{% endif %}
</section>
<footer>regie{% if checkpoint %} &middot; {{ checkpoint }}{% endif %}</footer>
</body>
</html>
"""
)

_TABLE = jinja2.Environment(autoescape=True).from_string(
    """<table><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for v in row %}<td{% if v is number %} class="n"{% endif %}>\
{{ "-" if v is none else v }}</td>{% endfor %}</tr>
{% endfor %}</table>"""
)


def _tables(f: dict[str, Any]) -> dict[str, str]:
    def table(head: list[str], rows: list[list[Any]]) -> str:
        return _TABLE.render(head=head, rows=rows)

    return {
        "per-step": table(
            ["stap", "naam", "lopende groepen"],
            [[s["step"], s["name"], s["groups"]] for s in f["per_step"]],
        ),
        "time-per-step": table(
            ["stap", "afgeronde verblijven", "mediaan (dagen)", "langste (dagen)"],
            [
                [s["step"], s["stays"], s["median_days"], s["longest_days"]]
                for s in f["time_per_step"]
            ],
        ),
        "actions": table(
            ["organisatie", "open", "te laat"],
            [[a["organisation"], a["open"], a["overdue"]] for a in f["actions"]],
        ),
        "provisions": table(
            ["verstrekker", "grondslag", "uitkomst", "aantal"],
            [[p["from"], p["basis"], p["outcome"], p["count"]] for p in f["provisions"]],
        ),
        "purges": table(
            ["maand", "vernietigde sleutels"], [[p["month"], p["count"]] for p in f["purges"]]
        ),
    }


def html(figures: dict[str, Any]) -> str:
    return _PAGE.render(
        f=figures,
        charts=charts(figures),
        tables=_tables(figures),
        checkpoint=figures.get("checkpoint", ""),
    )


def pdf(figures: dict[str, Any]) -> bytes:
    from fpdf import FPDF

    document = FPDF(format="A4")
    document.set_title("Overzicht aanpak problematische jeugdgroepen")
    document.set_auto_page_break(auto=True, margin=18)
    document.add_page()
    document.set_font("Helvetica", style="B", size=15)
    document.cell(
        0, 9, "Overzicht aanpak problematische jeugdgroepen", new_x="LMARGIN", new_y="NEXT"
    )
    document.set_font("Helvetica", size=10)
    document.multi_cell(
        0,
        5,
        f"Periode {figures['from']} t/m {figures['to']}; gemaakt op {figures['made_on']}. "
        f"{figures['cases']} groep(en) in beeld. Alleen aantallen.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    chart: Chart
    for chart in charts(figures):
        document.ln(3)
        document.set_font("Helvetica", style="B", size=12)
        document.cell(0, 7, chart.title, new_x="LMARGIN", new_y="NEXT")
        document.image(io.BytesIO(chart.png), w=170)
    letters = figures["letters"]
    if letters is not None:
        document.ln(3)
        document.set_font("Helvetica", style="B", size=12)
        document.cell(0, 7, "Informatieplicht", new_x="LMARGIN", new_y="NEXT")
        document.set_font("Helvetica", size=10)
        document.cell(
            0,
            6,
            f"Nog te informeren: {letters['due']}; te laat: {letters['overdue']}; "
            f"uitgesteld: {letters['deferred']}.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if figures.get("checkpoint"):
        document.ln(4)
        document.set_font("Helvetica", size=7)
        document.multi_cell(0, 4, figures["checkpoint"], new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())
