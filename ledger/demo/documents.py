"""What the workbench makes of the demo case, written to one folder (`regie demo --documents`).

The plan van aanpak (Word, PDF) and its anonymised concept, the agenda and notulen of the
demo's meetings, the tussenevaluatie and the evaluation report with the indicator chart,
the overview report with its charts, and the reminders as an iCalendar file: each made
through the same service call and renderer as its own command, as the demo's regisseur,
so every document with personal data is in the access log like any other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ledger.bootstrap import Ledger

PURPOSE = "demo"


def write(ledger: Ledger, ref: str, folder: Path, actor: str) -> list[str]:
    """Write every document of the demo case into ``folder``; returns the paths written."""
    from ledger.meetings.documents import document as meeting_document
    from ledger.monitoring.documents import document as evaluation_document
    from ledger.workbench import report
    from ledger.workbench.calendar import calendar_file
    from ledger.workbench.document import render
    from ledger.workbench.plandoc.build import document as plan_document

    folder.mkdir(parents=True, exist_ok=True)
    by = ledger.app.acting(actor)
    made: list[str] = []

    def put(name: str, content: bytes) -> None:
        path = folder / name
        path.write_bytes(content)
        made.append(str(path))

    for concept, formats in ((False, ("docx", "pdf")), (True, ("pdf",))):
        plan = plan_document(ledger.plan_documents.document(ref, by, concept, PURPOSE))
        for fmt in formats:
            put(f"plan-{ref}{'-concept' if concept else ''}.{fmt}", render(plan, fmt))
    for held in ledger.meetings.meetings(by, ref):
        number = int(str(held["meeting"]).lstrip("M"))
        for what, fmt in (("agenda", "docx"), ("notulen", "pdf")):
            shown = ledger.meetings.document(ref, number, what, by, PURPOSE)
            put(f"{ref}-M{number}-{what}.{fmt}", render(meeting_document(shown), fmt))
    for what, fmt in (("tussenevaluatie", "docx"), ("eindverslag", "pdf")):
        data = ledger.monitoring.document(ref, what, by, PURPOSE)
        put(f"{ref}-{what}.{fmt}", render(evaluation_document(data), fmt))
    today = ledger.app.clock()
    figures = ledger.overview.overview(by, today - timedelta(days=365), today)
    put("overzicht.html", report.html(figures).encode("utf-8"))
    put("overzicht.pdf", report.pdf(figures))
    rows = ledger.reminders.reminders(by, today, None, 30)
    put("herinneringen.ics", calendar_file(rows, datetime.now(UTC)))
    return made
