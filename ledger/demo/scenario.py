"""A realistic, synthetic scenario: one group walked from signals to closure at step 7.

All people are obviously fictitious ("Demo ..."); dates are relative to today so that the
scenario is always in the past. Later capabilities extend this scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.cases import commands as cc
from ledger.demo import destruction, execution, informing, rights, sharing
from ledger.demo.scene import Scene
from ledger.domain.acting import Acting
from ledger.errors import Inconsistent, Refused
from ledger.persons import family

DEMO_ACTOR = "regisseur-demo"


ACTORS = [
    ("beheer-demo", "Demo Beheerder", "gemeente", ["administrator"]),
    ("regisseur-demo", "Demo Regisseur", "gemeente", ["regisseur"]),
    ("uc-demo", "Demo Uitvoeringscoordinator", "gemeente", ["uitvoeringscoordinator"]),
    ("wijkagent-demo", "Demo Wijkagent", "politie", ["partner-contact"]),
    ("jongerenwerk-demo", "Demo Jongerenwerker", "jongerenwerk", ["partner-contact"]),
    ("privacy-demo", "Demo Privacy Officer", "gemeente", ["privacy-officer"]),
]


def ensure_empty(ledger: Ledger) -> None:
    if ledger.store.exists() and (ledger.app.recorder.max_notification_id() or 0) > 0:
        raise Refused(
            "demo.new-ledger",
            "this ledger already holds events; run the demo on a new one with --db demo.sqlite",
        )


@dataclass(frozen=True)
class Demo:
    ref: str
    same_person: str
    """What `subject add` said when the demo registered a youth a second time."""
    destruction: str = ""
    """What the demo's destruction list destroyed and kept, approved by two roles."""


def run(ledger: Ledger) -> Demo:
    """Write the scenario; returns the case reference and the same-person notice."""
    ensure_empty(ledger)
    ledger.initialise()
    app = ledger.app
    cases = ledger.cases
    today = ledger.app.clock()

    def day(offset: int) -> date:
        return today - timedelta(days=offset)

    admin = None
    for handle, name, org, roles in ACTORS:
        actor = ledger.actors.register_actor(
            c.build(
                c.RegisterActor, handle=handle, display_name=name, organisation=org, roles=roles
            ),
            admin,
        )
        admin = admin or actor.acting_as("administrator")
    regisseur = app.acting("regisseur-demo")
    uc = app.acting("uc-demo")
    agent = app.acting("wijkagent-demo")
    jw = app.acting("jongerenwerk-demo")

    ref = cases.open_case(
        c.build(
            c.OpenCase,
            working_name="Groep Stationsplein",
            municipality="Voorbeeldstad",
            area="Centrum",
            opened_on=day(240),
        ),
        regisseur,
    ).ref
    # The wijkagent and the jongerenwerker report signals, so take part from the start.
    for handle, reason in [
        ("wijkagent-demo", "Wijkagent Centrum"),
        ("jongerenwerk-demo", "Jongerenwerk Centrum"),
    ]:
        cases.add_participant(
            c.build(c.Participation, case=ref, actor=handle, reason=reason), regisseur
        )
    signals = [
        (
            agent,
            238,
            "overlast",
            "Stationsplein",
            "politie",
            "wijkagent",
            "Groep van ca. 12 jongeren hangt 's avonds bij de fietsenstalling; "
            "intimiderend gedrag.",
        ),
        (
            regisseur,
            236,
            "schoolverzuim",
            "Wijk Centrum",
            "gemeente",
            "leerplichtambtenaar",
            "Toename verzuim bij leerlingen die tot dezelfde groep lijken te behoren.",
        ),
        (
            jw,
            232,
            "online-oproep",
            "Sociale media",
            "jongerenwerk",
            "jongerenwerker",
            "Online oproep tot treffen met een groep uit een andere wijk.",
        ),
    ]
    for by, ago, kind, location, org, role, text in signals:
        cases.record_signal(
            c.build(
                c.RecordSignal,
                case=ref,
                observed_on=day(ago),
                kind=kind,
                location=location,
                source_org=org,
                source_role=role,
                text=text,
            ),
            by,
        )

    def advance(ago: int, body: str, reason: str, merge: bool = False) -> None:
        cases.advance(
            c.build(
                c.Advance, case=ref, body=body, reason=reason, decided_on=day(ago), merge_4_5=merge
            ),
            regisseur,
        )

    # Practice decides between the steps too (000 L774): wait for the weekend, then look.
    cases.record_working_decision(
        c.build(
            cc.RecordWorkingDecision,
            case=ref,
            kind="afwachten",
            motivation="Eerst het weekend afwachten; dan bezien of de signalen aanhouden",
            body="regulier-overleg",
            decided_on=day(234),
            review_on=day(231),
        ),
        regisseur,
    )
    advance(230, "regulier-overleg", "Signalen van drie partners wijzen op dezelfde groep.")
    cases.designate_coordinator(
        c.build(c.Designate, case=ref, coordinator="uc-demo", decided_on=day(229)), regisseur
    )
    persons, group = ledger.persons, ledger.group
    youths = []
    for name, born, core, influence, kopstuk in [
        ("Demo Jongere Een", day(365 * 16 + 40), "kern", "negatief", True),
        ("Demo Jongere Twee", day(365 * 15 + 100), "kern", "meeloper", False),
        ("Demo Jongere Drie", day(365 * 13 + 10), "aanhang", "positief", False),
    ]:
        youth = persons.register(
            c.build(
                c.RegisterSubject,
                kind="jongere",
                name=name,
                date_of_birth=born,
                address="Demostraat 1, Voorbeeldstad",
            ),
            uc,
        )
        youths.append(youth.short)
        group.add_member(
            c.build(
                c.Membership,
                case=ref,
                subject=youth.short,
                core=core,
                influence=influence,
                kopstuk=kopstuk,
                from_date=day(228),
            ),
            uc,
        )
    persons.register(
        c.build(
            c.RegisterSubject,
            kind="wettelijk-vertegenwoordiger",
            name="Demo Ouder Drie",
            address="Demostraat 1, Voorbeeldstad",
            representative_of=youths[2],
        ),
        uc,
    )
    notice = same_person(ledger, uc, youths, day(365 * 15 + 100))
    persons.record_note(
        c.build(
            c.RecordNote,
            subject=youths[1],
            category="school",
            text="Verzuim sinds de herfstvakantie (demo)",
        ),
        uc,
    )
    group.agree_namenlijst(
        c.build(
            c.AgreeNamenlijst,
            case=ref,
            subjects=youths,
            partners=["gemeente", "politie", "jongerenwerk"],
            agreed_on=day(226),
        ),
        uc,
    )
    group.request_groepsscan(
        c.build(
            c.RequestGroepsscan,
            case=ref,
            requested_by="burgemeester",
            motivation="Zicht nodig op rolverdeling en contacten van de groep",
            requested_on=day(225),
        ),
        regisseur,
    )
    group.receive_groepsscan(
        c.build(
            c.ReceiveGroepsscan,
            case=ref,
            received_on=day(218),
            recipients=["burgemeester", "OM gebiedsofficier"],
            unknown_names=1,
            informatiepositie="matig",
            summary="Kern van twee, aanhang wisselend; een naam onbekend bij de politie.",
        ),
        regisseur,
    )
    group.note_police_report(
        c.build(c.NotePoliceReport, case=ref, subject=youths[0], reported_on=day(217)), regisseur
    )
    police = sharing.share(ledger, ref, youths, day, regisseur, uc, agent)
    informing.inform(ledger, youths, day, uc)
    rights.answer(ledger, youths, day)
    execution.carry_out(Scene(ledger, ref, day, regisseur, uc, youths, police))
    return Demo(ref, notice, destruction.destroy(ledger, day))


def same_person(ledger: Ledger, uc: Acting, youths: list[str], born: date) -> str:
    """Youth two registered again is refused (decision 0027); youths one and two are
    brothers. Returns the refusal, which names the pseudonym and no personal data."""
    again = c.build(c.RegisterSubject, kind="jongere", name="Demo Jongere Twee", date_of_birth=born)
    try:
        ledger.persons.register(again, uc)
    except Refused as refused:
        notice = str(refused)
    else:
        raise Inconsistent("the demo's second registration of a youth was not noticed")
    link = c.build(family.LinkSubjects, subject=youths[0], other=youths[1], relation="broer")
    ledger.persons.link(link, uc)
    return notice
