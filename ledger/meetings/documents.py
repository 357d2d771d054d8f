"""The agenda and the minutes of a meeting as documents (the document model of decision
0039, rendered to Word, PDF or Markdown), from what `meeting document` returns: plain
data, so the same code renders for the embedded ledger and for a client of the server."""

from __future__ import annotations

from typing import Any

from ledger.workbench.document import (
    Bullets,
    Document,
    Paragraph,
    Section,
    Supplied,
    Table,
)
from ledger.workbench.document.model import cells, paragraphs

Row = dict[str, Any]


def _metadata(shown: Row) -> tuple[tuple[str, str], ...]:
    return (
        ("Casus", f"{shown['case']} ({shown['working_name']}, {shown['municipality']})"),
        ("Overleg", f"{shown['meeting']}: {shown['kind_label']}"),
        ("Datum", shown["on"]),
        ("Gepland door", shown["planned_by"]),
    )


def _attendees(shown: Row) -> Bullets:
    return Bullets(
        tuple(
            [*(f"{a} (actor)" for a in shown["actors"])]
            + [f"{o} (organisatie)" for o in shown["organisations"]]
        ),
        empty="nog niet vastgelegd",
    )


def _points(shown: Row) -> Table:
    return Table(
        ("nr", "actiepunt", "organisatie", "termijn", "plan-actie", "voortgang"),
        cells(
            [
                (
                    p["number"],
                    p["text"],
                    p["organisation"],
                    p["due"],
                    p["action"],
                    p["progress"]
                    + (f" ({p['completed_on']})" if p["completed_on"] else "")
                    + (" - te laat" if p["overdue"] else ""),
                )
                for p in shown["action_point_rows"]
            ]
        ),
    )


def agenda(shown: Row) -> Document:
    """The agenda as sent before the meeting: its items in order, who is invited, and the
    action points already agreed in this meeting with their progress."""
    items = tuple(f"{n}. {text}" for n, text in enumerate(shown["agenda"], start=1))
    return Document(
        title=f"Agenda {shown['kind_label']}",
        subtitle=shown["working_name"],
        metadata=_metadata(shown),
        sections=(
            Section("Agendapunten", (Bullets(items, empty="nog geen agendapunten"),)),
            Section("Deelnemers", (_attendees(shown),)),
            Section("Actiepunten", (_points(shown),)),
        ),
        footer=f"Vertrouwelijk: {shown['case']} {shown['meeting']}, agenda",
        keywords=("agenda", shown["kind"]),
    )


def minutes(shown: Row) -> Document:
    """The minutes: who attended, the agenda, the minutes text as recorded (or a marked
    gap), the decisions taken and the action points with their progress."""
    text = shown["minutes_text"]
    report: tuple[Paragraph | Supplied, ...] = (
        tuple(Paragraph(p) for p in paragraphs(text))
        if text
        else (Supplied("de notulen van dit overleg (`regie meeting minutes`)"),)
    )
    decisions = Table(
        ("besluit", "stap", "uitkomst", "orgaan", "datum"),
        cells(
            [
                (d["number"], d["step"], d["outcome"], d["body"], d["decided_on"])
                for d in shown["decision_rows"]
            ]
        ),
    )
    meta = _metadata(shown)
    if shown["minutes_version"]:
        meta += (
            ("Gehouden op", shown["held_on"]),
            ("Notulen", f"versie {shown['minutes_version']}, door {shown['minutes_by']}"),
        )
    return Document(
        title=f"Notulen {shown['kind_label']}",
        subtitle=shown["working_name"],
        metadata=meta,
        sections=(
            Section("Aanwezig", (_attendees(shown),)),
            Section(
                "Agenda",
                (
                    Bullets(
                        tuple(f"{n}. {t}" for n, t in enumerate(shown["agenda"], start=1)),
                        empty="geen agendapunten",
                    ),
                ),
            ),
            Section("Verslag", report),
            Section("Besluiten", (decisions,)),
            Section("Actiepunten", (_points(shown),)),
        ),
        footer=f"Vertrouwelijk: {shown['case']} {shown['meeting']}, notulen",
        keywords=("notulen", shown["kind"]),
    )


def document(shown: Row) -> Document:
    """The document `meeting document` asked for: the agenda or the minutes."""
    return agenda(shown) if shown["document"] == "agenda" else minutes(shown)
