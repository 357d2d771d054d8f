"""The demo's texts for the plan document (seed 004): what the regisseur writes into the
concept at step 3, with the estimate of costs and effort for the step-4 decision, and
the sections filled in when the plan is set at step 5. No name in any of them, so the
concept passes its anonymity check; two sections are left for the reader to see the
placeholder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.workbench.plandoc.commands import RecordPlanEstimate, SupplyPlanSection

CONCEPT = {
    "aanleiding": (
        "Sinds het voorjaar hangt een groep van ongeveer twaalf jongeren 's avonds bij de "
        "fietsenstalling van het Stationsplein. Reizigers en winkeliers voelen zich "
        "geïntimideerd; online werd opgeroepen tot een treffen met een groep uit een andere "
        "wijk.\n\nDe politie bracht de groep in kaart met een groepsscan."
    ),
    "duiding": (
        "Gelet op de samenstelling, de leeftijd van de groepsleden, het toenemende verzuim en "
        "de online oproep hebben de partners ernstige zorgen. De groep wordt geduid als "
        "midden-risico: er is risico op afglijden, nog geen criminele carrière."
    ),
    "wat-is-nodig": (
        "Een integrale groepsaanpak op groep, individu en locatie: toezicht op het plein, "
        "jongerenwerk op de groep en individuele trajecten met de gezinnen."
    ),
}
AT_STEP_5 = {
    "rollen": (
        "Gemeente: regie, jeugdgroepenoverleg, verzuim en bestuurlijke maatregelen. Politie: "
        "toezicht en informatiepositie. Jongerenwerk: inloop en contact met de groep. "
        "Sociaal wijkteam: huisbezoeken en trajecten met de gezinnen."
    ),
    "overlegstructuur": (
        "Eens per zes weken een jeugdgroepenoverleg onder voorzitterschap van de gemeente; "
        "casusoverleg per jongere waar nodig; maandelijks een terugkoppeling in het "
        "ketenoverleg."
    ),
    "monitoring": (
        "Het jeugdgroepenoverleg volgt de acties; na zes maanden evalueren gemeente, politie "
        "en OM de aanpak en informeren zij de driehoek over het vervolg."
    ),
}


def supply(ledger: Ledger, ref: str, texts: dict[str, str], on: date, by: Acting) -> None:
    for key, text in texts.items():
        ledger.plan_documents.supply_section(
            c.build(
                SupplyPlanSection,
                case=ref,
                key=key,
                text=text,
                risk="midden-risico" if key == "duiding" else None,
                supplied_on=on,
            ),
            by,
        )


def concept(ledger: Ledger, ref: str, day: Callable[[int], date], by: Acting) -> None:
    """At step 3: the concept's texts and the estimate the driehoek weighs."""
    supply(ledger, ref, CONCEPT, day(210), by)
    ledger.plan_documents.record_estimate(
        c.build(
            RecordPlanEstimate,
            case=ref,
            hours=300,
            cost_eur=12_000,
            note="Zes maanden; politie, jongerenwerk, wijkteam en gemeente samen",
            estimated_on=day(208),
        ),
        by,
    )


def at_step_5(ledger: Ledger, ref: str, day: Callable[[int], date], by: Acting) -> None:
    supply(ledger, ref, AT_STEP_5, day(192), by)
