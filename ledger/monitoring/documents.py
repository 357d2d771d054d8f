"""The tussenevaluatie and the evaluation report (eindverslag) of a case as documents, with
the chart of the indicators over time; built from what `evaluation document` returns.

The evaluation report follows step 7 of the werkproces (000 L2339-2360): whether the goals
were reached, the results measured, the seven criteria of the cooperation, and the
discussion in the ketenoverleg ("Van de evaluatie wordt een verslag opgemaakt dat in het
ketenoverleg besproken wordt")."""

from __future__ import annotations

from typing import Any

from ledger.monitoring.chart import indicator_chart
from ledger.workbench.document import (
    Bullets,
    Document,
    Image,
    Paragraph,
    Section,
    Supplied,
    Table,
)
from ledger.workbench.document.model import cells, paragraphs

Row = dict[str, Any]


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _indicators(data: Row) -> Section:
    table = Table(
        ("doel", "indicator", "eenheid", "metingen", "eerste", "laatste"),
        cells(
            [
                (
                    i["goal"],
                    i["label"],
                    i["unit"],
                    len(i["measurements"]),
                    _number(i["measurements"][0]["value"]) if i["measurements"] else None,
                    _number(i["last"]),
                )
                for i in data["indicators"]
            ]
        ),
        empty="geen indicatoren gekozen",
    )
    series = Table(
        ("indicator", "datum", "waarde", "toelichting"),
        cells(
            [
                (i["label"], m["on"], _number(m["value"]), m["note"])
                for i in data["indicators"]
                for m in i["measurements"]
            ]
        ),
        empty="nog geen metingen",
    )
    chart = Image(indicator_chart(data["indicators"]), "De indicatoren in de tijd")
    goals = Bullets(
        tuple(f"Doel {n}: {g}" for n, g in enumerate(data["goals"], start=1)),
        empty="geen doelen",
    )
    return Section(
        "Doelen en indicatoren",
        (goals, table, chart, Paragraph("De metingen:"), series),
    )


def _meetings(data: Row) -> Section:
    return Section(
        "Overleggen",
        (
            Table(
                ("overleg", "soort", "datum", "notulen", "besluiten", "actiepunten"),
                cells(
                    [
                        (
                            m["meeting"],
                            m["kind"],
                            m["on"],
                            "ja" if m["minutes"] else "nee",
                            m["decisions"],
                            m["action_points"],
                        )
                        for m in data["meetings"]
                    ]
                ),
                empty="geen overleggen vastgelegd",
            ),
            Bullets(
                tuple(f"{status}: {count}" for status, count in sorted(data["actions"].items())),
                empty="geen acties",
            ),
        ),
    )


def _answers(evaluation: Row) -> tuple[Section, ...]:
    return tuple(
        Section(
            a["question"],
            tuple(Paragraph(p) for p in paragraphs(a["answer"])) or (Paragraph("-"),),
            level=2,
        )
        for a in evaluation["answers"]
    )


def tussenevaluatie(data: Row) -> Document:
    """The last tussenevaluatie: the answers to the questions of seed 004 (L207-222), with
    the goals, the indicators and their chart, the meetings and the actions."""
    last = data["tussenevaluaties"][-1]
    return Document(
        title="Tussenevaluatie plan van aanpak",
        subtitle=data["working_name"],
        metadata=(
            ("Casus", f"{data['case']} ({data['municipality']})"),
            ("Tussenevaluatie", f"nr {last['number']}, {last['on']}, door {last['by']}"),
            ("Stap", str(data["step"])),
        ),
        sections=(
            _indicators(data),
            Section("Vragen van de tussenevaluatie", (), key="vragen"),
            *_answers(last),
            _meetings(data),
        ),
        footer=f"Vertrouwelijk: {data['case']}, tussenevaluatie {last['number']}",
        keywords=("tussenevaluatie",),
    )


def _discussed(data: Row) -> tuple[Paragraph | Supplied, ...]:
    """Where the report was discussed: a ketenoverleg of the case on or after its closure,
    or a marked gap for the regisseur to fill."""
    closed_on = data["closure"]["closed_on"]
    held = [m for m in data["meetings"] if m["kind"] == "ketenoverleg" and m["on"] >= closed_on]
    if held:
        m = held[0]
        return (Paragraph(f"Besproken in het ketenoverleg {m['meeting']} van {m['on']}."),)
    return (Supplied("datum en uitkomst van de bespreking in het ketenoverleg"),)


def eindverslag(data: Row) -> Document:
    """The evaluation report at step 7: goals reached, the indicators over time, the seven
    criteria of the cooperation (000 L2350-2358) and the tussenevaluaties held."""
    closure = data["closure"]
    criteria = tuple(
        Section(
            c["label"],
            tuple(Paragraph(p) for p in paragraphs(c["answer"]))
            or (Supplied(f"de evaluatie op '{c['label']}'"),),
            level=2,
            key=c["key"],
        )
        for c in closure["criteria"]
    )
    held = Table(
        ("nr", "datum", "door", "vragen beantwoord"),
        cells(
            [(e["number"], e["on"], e["by"], len(e["answers"])) for e in data["tussenevaluaties"]]
        ),
        empty="geen tussenevaluatie gehouden",
    )
    return Document(
        title="Evaluatieverslag groepsaanpak",
        subtitle=data["working_name"],
        metadata=(
            ("Casus", f"{data['case']} ({data['municipality']})"),
            ("Looptijd", f"{data['opened_on']} tot {closure['closed_on']}"),
            ("Doelen bereikt", str(closure["goals_reached"])),
        ),
        sections=(
            Section(
                "Doelen",
                tuple(Paragraph(p) for p in paragraphs(closure["goals_assessment"] or "-")),
            ),
            _indicators(data),
            Section(
                "Evaluatie van de samenwerking",
                (Paragraph("De zeven onderdelen van de ketensamenwerking (werkproces, stap 7)."),),
                key="criteria",
            ),
            *criteria,
            Section("Tussenevaluaties", (held,)),
            _meetings(data),
            Section("Bespreking in het ketenoverleg", _discussed(data)),
        ),
        footer=f"Vertrouwelijk: {data['case']}, evaluatieverslag",
        keywords=("evaluatie", "stap 7"),
    )


def document(data: Row) -> Document:
    """The document `evaluation document` asked for."""
    return tussenevaluatie(data) if data["document"] == "tussenevaluatie" else eindverslag(data)
