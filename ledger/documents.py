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
    """The answer to an inzageverzoek (AVG art. 15), in plain Dutch: the data themselves
    (art. 15(3)), then what is done with them (art. 15(1)). Only words meant for the
    subject; a limited answer says that UAVG art. 41 limits it, and nothing more."""
    name = report.get("name") or "betrokkene"
    lines = [
        "Overzicht van uw persoonsgegevens (inzage, artikel 15 AVG)",
        "",
        f"Datum: {report['date']}",
        f"Over: {name} (kenmerk {report['subject']})",
        "",
        f"U vroeg welke gegevens {organisation} en haar partners in de aanpak van "
        "jeugdgroepen over u verwerken. Hieronder staat wat er over u is vastgelegd, met "
        "een kopie van de gegevens zelf.",
    ]
    if report.get("limitation"):
        lines += ["", report["limitation"]]
    lines += [
        "",
        "Uw gegevens (kopie):",
        *_list([f"{d['field']}: {d['value']}" for d in report["data"]], "Geen."),
    ]
    if report["memberships"]:
        lines += ["", "Uw plaats in de groep:"]
        lines += [
            f"  - {m['group']} (aanpak {m['case']}): {m['position']}, {m['influence'].lower()}"
            + (", kopstuk" if m["kopstuk"] else "")
            + f", sinds {m['since']}"
            + (f", tot {m['until']}" if m["until"] else "")
            for m in report["memberships"]
        ]
    if report["links"]:
        lines += ["", "Familierelaties:"]
        lines += [f"  - {x['relation']} (vastgelegd {x['recorded_on']})" for x in report["links"]]
    if report["notes"]:
        lines += ["", "Aantekeningen over u:"]
        for n in report["notes"]:
            lines.append(f"  - {n['recorded_on']}, {n['by']} ({n['category']}):")
            lines.append(f"    {n['text']}")
    lines += [
        "",
        "Welke soorten gegevens wij over u hebben:",
        *_list(report["categories"], "Geen."),
        "",
        "Van wie deze gegevens komen (bronnen):",
        *_list(report["sources"], "Niet vastgelegd."),
        "",
        "Aan wie gegevens over u zijn verstrekt (ontvangers):",
        *_list(report["recipients"], "Er zijn geen gegevens over u aan anderen verstrekt."),
    ]
    if report["provisions"]:
        lines += ["", "Wanneer, wat en waarom (verstrekkingen):"]
        for p in report["provisions"]:
            lines.append(
                f"  - {p['on']}: {p['what']} van {p['from']} aan {', '.join(p['to'])}; "
                f"gegevens: {', '.join(p['categories']).lower()}; doel: {p['purpose']}; "
                f"grondslag: {p['basis']}"
            )
    lines += [
        "",
        "Waarvoor (doelen):",
        *_list(report["purposes"], ""),
        "",
        "Op welke grond (grondslagen):",
        *_list(report["bases"], ""),
        "",
        "Hoe lang wij de gegevens bewaren:",
        *_list(report["retention"], "Volgens de bewaartermijnen van de gemeente."),
    ]
    if report.get("requests"):
        lines += ["", "Uw verzoeken (rechten van betrokkene):"]
        lines += [
            f"  - {r['kind']} ({r['article']}), ontvangen {r['received_on']}, te beantwoorden "
            f"uiterlijk {r['deadline']}: "
            + (f"{r['outcome']} op {r['decided_on']}" if r["outcome"] else r["status"])
            for r in report["requests"]
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
