"""The demo's meetings and monitoring, written while the case is still at step 6: the
driehoek that prioritised the group, a jeugdgroepenoverleg with action points on the plan's
actions, indicators per goal measured month by month, and the tussenevaluatie."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger import commands as c
from ledger.meetings import commands as mc
from ledger.monitoring import commands as mo

if TYPE_CHECKING:
    from ledger.demo.scene import Scene

INCIDENTS = ((185, 16), (155, 14), (125, 11), (95, 9), (65, 8), (35, 6), (10, 5))
"""(days ago, incidents that month): the group's overlast going down."""
IN_CARE = ((185, 1), (125, 2), (95, 3), (35, 4), (10, 4))
ABSENCE = ((35, 14), (10, 11))


def hold_meetings(scene: Scene) -> None:
    ledger, ref, day, regisseur, uc = scene.ledger, scene.ref, scene.day, scene.regisseur, scene.uc
    meetings = ledger.meetings
    attendees = [regisseur.actor, uc.actor]

    def meeting(kind: str, ago: int, agenda: list[str], orgs: list[str], minutes: str) -> int:
        number = meetings.plan(c.build(mc.PlanMeeting, case=ref, kind=kind, on=day(ago)), regisseur)
        meetings.add_agenda(
            c.build(mc.AddAgendaItems, case=ref, meeting=number, items=agenda), regisseur
        )
        meetings.record_attendees(
            c.build(
                mc.RecordAttendees, case=ref, meeting=number, actors=attendees, organisations=orgs
            ),
            regisseur,
        )
        meetings.record_minutes(
            c.build(mc.RecordMinutes, case=ref, meeting=number, text=minutes, held_on=day(ago)),
            regisseur,
        )
        return number

    driehoek = meeting(
        "driehoek",
        200,
        ["Beleidsadvies groep Stationsplein", "Prioritering en kaders", "Urgente maatregel"],
        ["gemeente", "politie", "om"],
        "De driehoek bespreekt het beleidsadvies en prioriteert de groep.\n\n"
        "De urgente maatregel van de burgemeester wordt bekrachtigd.",
    )
    decisions = ledger.cases.overview(ref, regisseur)["decisions"]
    prioritised = next(d["number"] for d in decisions if d["outcome"] == "geprioriteerd")
    meetings.link_decision(
        c.build(mc.LinkDecision, case=ref, meeting=driehoek, decision=prioritised), regisseur
    )
    overleg = meeting(
        "jeugdgroepenoverleg",
        100,
        ["Voortgang plan van aanpak", "Actiepunten vorig overleg", "Monitoring en indicatoren"],
        ["gemeente", "politie", "jongerenwerk", "sociaal-wijkteam"],
        "Het toezicht in het weekend loopt achter; de politie zegt extra inzet toe.\n\n"
        "De inloop van het jongerenwerk trekt wisselend publiek. Het aantal incidenten daalt.",
    )
    for text, org, due, action in (
        ("Toezicht vrijdag en zaterdag weer op sterkte", "politie", 80, 2),
        ("Huisbezoeken plannen bij de gezinnen", "sociaal-wijkteam", 60, 4),
        ("Winkeliersvereniging uitnodigen voor het volgende overleg", "gemeente", 70, None),
    ):
        point = meetings.agree_action_point(
            c.build(
                mc.AgreeActionPoint,
                case=ref,
                meeting=overleg,
                text=text,
                organisation=org,
                due=day(due),
                action=action,
            ),
            regisseur,
        )
        if action is None:
            done = c.build(
                mc.CompleteActionPoint,
                case=ref,
                number=point,
                completed_on=day(72),
                note="Uitnodiging verstuurd",
            )
            meetings.complete_action_point(done, regisseur)
    monitor(scene)


def monitor(scene: Scene) -> None:
    ledger, ref, day, uc = scene.ledger, scene.ref, scene.day, scene.uc
    monitoring = ledger.monitoring
    for key, goal, label, unit in (
        ("incidenten-per-maand", 1, None, None),
        ("leden-in-zorg", 2, None, None),
        ("verzuim-procent", 2, "Verzuim van de betrokken jongeren", "procent"),
    ):
        monitoring.choose_indicator(
            c.build(mo.ChooseIndicator, case=ref, key=key, goal=goal, label=label, unit=unit),
            uc,
        )
    for key, series in (
        ("incidenten-per-maand", INCIDENTS),
        ("leden-in-zorg", IN_CARE),
        ("verzuim-procent", ABSENCE),
    ):
        for ago, value in series:
            monitoring.measure(
                c.build(mo.Measure, case=ref, indicator=key, value=value, on=day(ago)), uc
            )
    monitoring.plan_tussenevaluatie(c.build(mo.PlanTussenevaluatie, case=ref, due=day(20)), uc)
    answers = {
        "afgegleden-of-gerecidiveerd": "1",
        "schil-naar-kern": "0",
        "kern-afgegleden": "0",
        "contact-politie-justitie": "Twee jongeren minder in contact met politie dan bij de start",
        "uit-de-schil": "2",
        "kopstukken-uit-kern": "1",
        "verhoudingen": "De spanning met de groep van het winkelcentrum is afgenomen",
        "interventies": "Inloop jongerenwerk, verzuimgesprekken en huisbezoeken; "
        "de huisbezoeken lopen nog",
    }
    monitoring.record_tussenevaluatie(
        c.build(mo.RecordTussenevaluatie, case=ref, answers=answers, on=day(15)), uc
    )
