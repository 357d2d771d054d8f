"""The plan's content (the JSON of `PlanDocuments.document`) as a workbench document:
each section's ledger facts as text and tables, then the regisseur's text, or the marked
placeholder when none was supplied. Pure: the same content makes the same document, here
or on a client of the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.workbench.document import (
    Block,
    Bullets,
    Document,
    Paragraph,
    Section,
    Supplied,
    Table,
)

Row = dict[str, Any]


def _counts(pairs: list[list[Any]]) -> str:
    return ", ".join(f"{key} {n}" for key, n in pairs) or "geen"


def _signalen(f: Row, concept: bool) -> list[Block]:
    if not f["count"]:
        return [Paragraph("Er zijn nog geen signalen vastgelegd.")]
    out: list[Block] = [
        Paragraph(
            f"{f['count']} signaal/signalen vastgelegd sinds {f['first']}; per soort: "
            f"{_counts(f['kinds'])}."
        )
    ]
    if not concept:
        out.append(
            Table(
                ("datum", "soort", "locatie", "van", "signaal"),
                tuple((s["on"], s["kind"], s["location"], s["from"], s["text"]) for s in f["list"]),
            )
        )
    return out


def _groepsscan(f: Row, concept: bool) -> list[Block]:
    if not f["received"]:
        return [Paragraph("Er is nog geen groepsscan van de politie ontvangen.")]
    out: list[Block] = [
        Paragraph(
            f"Groepsscan van de politie ontvangen op {f['last_on']} ({f['received']} in totaal)."
        )
    ]
    if not concept and f.get("summary"):
        out.append(Paragraph(f"Samenvatting van de groepsscan: {f['summary']}"))
    return out


def _leden(f: Row, concept: bool) -> list[Block]:
    out: list[Block] = [
        Paragraph(
            f"{f['current']} huidige groepsleden, van wie {f['kopstukken']} kopstuk(ken); "
            f"positie: {_counts(f['core'])}; invloed: {_counts(f['influence'])}; "
            f"{f['former']} oud-lid/leden."
        )
    ]
    if not concept:
        out.append(
            Table(
                ("pseudoniem", "positie", "invloed", "kopstuk", "sinds", "tot"),
                tuple(
                    (
                        m["subject"],
                        m["core"],
                        m["influence"],
                        "ja" if m["kopstuk"] else "nee",
                        m["since"],
                        m["ended_on"] or "-",
                    )
                    for m in f["list"]
                ),
                empty="nog geen groepsleden vastgelegd",
            )
        )
    return out


def _politiemeldingen(f: Row, concept: bool) -> list[Block]:
    return [
        Paragraph(
            f"Volgens de politie bestaat over {f['members']} groepslid/leden een "
            f"politiemelding ({f['reports']} in totaal); de inhoud staat niet in dit register."
        )
    ]


def _doelen(f: Row, concept: bool) -> list[Block]:
    if not f["goals"]:
        return [Paragraph("Er zijn nog geen doelen vastgelegd (`regie plan set`).")]
    return [
        Paragraph(f"Doelen van plan versie {f['version']} (vastgelegd {f['set_at']}):"),
        Bullets(tuple(f["goals"])),
    ]


def _sporen(f: Row, concept: bool) -> list[Block]:
    return [
        Table(
            ("spoor", "aanpak"),
            tuple((s["track"], s["description"]) for s in f["tracks"]),
            empty="nog geen sporen vastgelegd",
        )
    ]


def _acties(f: Row, concept: bool) -> list[Block]:
    head = ("actie", "omschrijving", "organisatie", *(() if concept else ("eigenaar",)))
    return [
        Table(
            (*head, "uiterlijk", "status"),
            tuple(
                (
                    a["number"],
                    a["description"],
                    a["organisation"],
                    *(() if concept else (a["person"],)),
                    a["due"],
                    a["status"],
                )
                for a in f["list"]
            ),
            empty="geen acties op dit spoor",
        )
    ]


def _informatiepositie(f: Row, concept: bool) -> list[Block]:
    if f["informatiepositie"] is None:
        return [Paragraph("Nog geen groepsscan: de informatiepositie is niet beoordeeld.")]
    return [
        Paragraph(
            f"Informatiepositie volgens de laatste groepsscan: {f['informatiepositie']}; "
            f"namen onbekend bij de politie: {f['unknown_names']}."
        )
    ]


def _partners(f: Row, concept: bool) -> list[Block]:
    out: list[Block] = []
    if not concept:
        out.append(
            Table(
                ("organisatie", "naam", "rol in de aanpak"),
                tuple((p["organisation"], p["name"], p["role"]) for p in f["people"]),
            )
        )
    out.append(
        Table(
            ("organisatie", "acties in het plan"),
            tuple((o["organisation"], str(o["actions"])) for o in f["organisations"]),
        )
    )
    return out


def _overleggen(f: Row, concept: bool) -> list[Block]:
    return [
        Paragraph("Besluiten, met het overleg waarin ze zijn genomen:"),
        Table(
            ("nr", "datum", "overleg", "stap", "besluit", "onderdelen"),
            tuple(
                (
                    str(d["number"]),
                    d["on"],
                    d["meeting"],
                    str(d["step"]),
                    d["outcome"],
                    ", ".join(d["items"]) or "-",
                )
                for d in f["decisions"]
            ),
            empty="nog geen besluiten",
        ),
        Paragraph("Stapovergangen, met het overleg dat erover besloot:"),
        Table(
            ("datum", "overleg", "van stap", "naar stap", "soort"),
            tuple(
                (s["on"], s["meeting"], str(s["from"]), str(s["to"] or "-"), s["kind"])
                for s in f["steps"]
            ),
            empty="nog geen stapovergangen",
        ),
    ]


def _voortgang(f: Row, concept: bool) -> list[Block]:
    return [
        Paragraph(
            f"De aanpak is in stap {f['step']} ({f['step_name']}), status {f['status']}; plan "
            f"versie {f['plan_version']}. Acties: {_counts(f['actions'])}; te laat: "
            f"{f['overdue']}; escalaties: {f['escalations']}."
        )
    ]


def _evaluatie(f: Row, concept: bool) -> list[Block]:
    if not f["closed_on"]:
        return [Paragraph("De aanpak is nog niet afgesloten en geëvalueerd.")]
    out: list[Block] = [
        Paragraph(f"Afgesloten op {f['closed_on']}; doelen bereikt: {f['goals_reached']}.")
    ]
    if not concept and f.get("criteria"):
        out.append(Table(("criterium", "beoordeling"), tuple((k, v) for k, v in f["criteria"])))
    return out


def _schatting(f: Row, concept: bool) -> list[Block]:
    if not f:
        return [Supplied("de globale schatting van kosten en inzet (`regie plan estimate`)")]
    return [
        Table(
            ("uren", "kosten (EUR)", "toelichting", "geschat op"),
            ((str(f["hours"]), f"{f['cost_eur']:,}".replace(",", "."), f["note"] or "-", f["on"]),),
        )
    ]


FILLERS: dict[str, Callable[[Row, bool], list[Block]]] = {
    "signalen": _signalen,
    "groepsscan": _groepsscan,
    "leden": _leden,
    "politiemeldingen": _politiemeldingen,
    "doelen": _doelen,
    "sporen": _sporen,
    "acties": _acties,
    "informatiepositie": _informatiepositie,
    "partners": _partners,
    "overleggen": _overleggen,
    "voortgang": _voortgang,
    "evaluatie": _evaluatie,
    "schatting": _schatting,
}


def _section(s: Row, concept: bool) -> Section:
    blocks: list[Block] = []
    for fill, facts in s["fills"].items():
        blocks += FILLERS[fill](facts, concept)
    if s["asks"]:
        given = s["supplied"]
        if given and given.get("risk_label"):
            blocks.append(Paragraph(f"Risiconiveau volgens de partners: {given['risk_label']}."))
        blocks.append(Supplied(s["asks"], given["text"] if given else None))
    return Section(s["title"], tuple(blocks), level=s["level"], key=s["key"])


def document(content: Row) -> Document:
    concept = bool(content["concept"])
    missing = sum(1 for s in content["sections"] if s["asks"] and not s["supplied"])
    return Document(
        title=content["title"],
        subtitle=(
            "Geanonimiseerd concept voor het besluit in stap 4: alleen aantallen, geen namen "
            "of pseudoniemen."
            if concept
            else "Vertrouwelijk: bevat gegevens over groepsleden (pseudoniemen)."
        ),
        metadata=(
            ("Zaak", content["ref"]),
            ("Gemeente", f"{content['municipality']}, {content['area']}"),
            ("Stap", str(content["step"])),
            ("Gemaakt op", f"{content['made_on']} door {content['made_by']}"),
            ("Doel", content["purpose"]),
            ("Nog in te vullen", f"{missing} onderde(e)l(en)" if missing else "niets"),
        ),
        sections=tuple(_section(s, concept) for s in content["sections"]),
        footer=content["checkpoint"],
        keywords=("plan van aanpak", content["ref"], *(("concept",) if concept else ())),
    )
