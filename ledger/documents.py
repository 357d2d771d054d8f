"""Documents for people outside the ledger: plain Dutch text, and the same as PDF.

PDF uses fpdf2's built-in Helvetica, which covers Latin-1 (all Dutch letters); the few
typographic characters outside it are replaced by their plain equivalents.
"""

from __future__ import annotations

from typing import Any

_PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


def _list(items: list[str], empty: str) -> list[str]:
    return [f"  - {item}" for item in items] or [f"  {empty}"]


def subject_report_text(report: dict[str, Any], organisation: str = "Gemeente") -> str:
    """The answer to an inzageverzoek (AVG art. 15), in plain Dutch."""
    name = report.get("name") or "betrokkene"
    lines = [
        "Overzicht van uw persoonsgegevens (inzage, artikel 15 AVG)",
        "",
        f"Datum: {report['generated_on']}",
        f"Over: {name} (kenmerk {report['subject']})",
        "",
        f"U vroeg welke gegevens {organisation} en haar partners in de aanpak van "
        "jeugdgroepen over u verwerken. Hieronder staat wat er over u is vastgelegd.",
        "",
        "Welke soorten gegevens wij over u hebben:",
        *_list([c["label"] for c in report["categories"]], "Geen."),
        "",
        "Van wie deze gegevens komen (bronnen):",
        *_list(report["sources"], "Niet vastgelegd."),
        "",
        "Aan wie gegevens over u zijn verstrekt (ontvangers):",
        *_list(report["recipients"], "Er zijn geen gegevens over u aan anderen verstrekt."),
        "",
        "Waarvoor (doelen):",
        *_list(report["purposes"] or ["De aanpak van problematische jeugdgroepen"], ""),
        "",
        "Hoe lang wij de gegevens bewaren:",
    ]
    for case in report["cases"]:
        term = case["bewaartermijn"]
        lines.append(
            f"  - Aanpak {case['case']}: "
            + (
                f"afgesproken bewaartermijn {term} na afronding."
                if term
                else "de bewaartermijn wordt afgesproken bij het afronden van de aanpak."
            )
        )
    if not report["cases"]:
        lines.append("  Volgens de bewaartermijnen van de gemeente.")
    if report.get("requests"):
        lines += ["", "Uw verzoeken (rechten van betrokkene):"]
        lines += [
            f"  - {r['kind']} ({r['article']}), ontvangen {r['received_on']}, termijn "
            f"{r['deadline']}: "
            + (f"{r['outcome']} op {r['decided_on']}" if r["outcome"] else "in behandeling")
            for r in report["requests"]
        ]
    if report.get("confidential"):
        lines += [
            "",
            "Een deel van de gegevens is tijdelijk vertrouwelijk (uitgestelde "
            "informatieplicht) en staat daarom niet in dit overzicht.",
        ]
    lines += [
        "",
        "Uw rechten: u kunt ons vragen uw gegevens te verbeteren, te wissen of het gebruik te "
        "beperken, en u kunt bezwaar maken. Bent u het niet eens met hoe wij met uw gegevens "
        "omgaan, dan kunt u een klacht indienen bij de Autoriteit Persoonsgegevens.",
    ]
    if report.get("checkpoint"):
        lines += ["", f"{report['checkpoint']} (zo is na te gaan dat dit overzicht klopt)"]
    return "\n".join(lines) + "\n"


def to_pdf(text: str, title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title.translate(_PLAIN))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for number, line in enumerate(text.translate(_PLAIN).splitlines()):
        if number == 0:
            pdf.set_font("Helvetica", style="B", size=13)
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
        else:
            pdf.multi_cell(0, 6, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
