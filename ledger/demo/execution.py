"""The demo from the integral picture on: priority, the plan van aanpak, execution with a
step back, an escalation and a youth added to the namenlijst, and closure at step 7 with
its evaluation."""

from __future__ import annotations

from ledger import commands as c
from ledger.cases import commands as cc
from ledger.demo import meetings, plandoc
from ledger.demo.scene import Scene
from ledger.sharing.reuse import ReuseProvision
from ledger.workbench.checklists import AnswerChecklist


def carry_out(scene: Scene) -> None:
    ledger, ref, day, regisseur, uc = scene.ledger, scene.ref, scene.day, scene.regisseur, scene.uc
    youths, advance, cases, group = scene.youths, scene.advance, ledger.cases, ledger.group
    advance(215, "ketenoverleg", "Problematische jeugdgroep vastgesteld; integraal beeld nodig.")
    cases.set_plan(
        c.build(
            c.SetPlan,
            case=ref,
            goals=["Overlast op het Stationsplein binnen zes maanden halveren"],
            tracks=[{"kind": "groep", "description": "Groepsgerichte aanpak"}],
            actions=[],
        ),
        uc,
    )
    plandoc.concept(ledger, ref, day, regisseur)
    advance(205, "ketenoverleg", "Integraal beeld en conceptplan gereed.")
    # Before the driehoek decides, the burgemeester orders an urgent measure (000
    # L1472-1476); the decision ratifies it, and it is done before the plan is set.
    urgent = cases.take_urgent_measure(
        c.build(
            cc.TakeUrgentMeasure,
            case=ref,
            description="Tijdelijk extra toezicht bij de fietsenstalling",
            track="locatie",
            organisation="politie",
            person="Wijkagent Centrum",
            due=day(196),
            reason="Aangekondigde confrontatie met een groep uit een andere wijk",
            authorised_by="Burgemeester",
        ),
        regisseur,
    )
    cases.record_decision(
        c.build(
            c.RecordDecision,
            case=ref,
            outcome="geprioriteerd",
            body="driehoek",
            decided_on=day(200),
            items={
                "doelen-en-kaders": "Overlast halveren binnen 6 maanden; maximaal 300 uur inzet",
                "sturing": "Driehoek; escalatie via de burgemeester",
                "informeermomenten": "Maandelijks in het ketenoverleg",
                "strafrechtelijk-traject": "Geen lopend onderzoek; OM sluit aan bij overleg",
                "externe-communicatie": "Woordvoering gemeente",
            },
            ratify=[urgent],
        ),
        regisseur,
    )
    advance(199, "driehoek", "Groep geprioriteerd; plan van aanpak uitwerken.")
    cases.complete_action(
        c.build(
            c.CompleteAction,
            case=ref,
            number=urgent,
            completed_on=day(199),
            note="Toezicht gehouden; de confrontatie bleef uit",
        ),
        uc,
    )
    actions = [
        (
            "Extra toezicht op vrijdag- en zaterdagavond",
            "locatie",
            "politie",
            "Wijkagent Centrum",
            150,
        ),
        ("Wekelijkse inloop op het plein", "groep", "jongerenwerk", "Jongerenwerker Centrum", 170),
        (
            "Huisbezoeken bij de gezinnen",
            "persoon-gezin",
            "sociaal-wijkteam",
            "Wijkteam Centrum",
            120,
        ),
        ("Verzuimgesprekken met de scholen", "persoon-gezin", "gemeente", "Leerplicht", 140),
    ]
    cases.set_plan(
        c.build(
            c.SetPlan,
            case=ref,
            goals=[
                "Overlast op het Stationsplein binnen zes maanden halveren",
                "Verzuim van de betrokken jongeren terug naar schoolgemiddelde",
            ],
            tracks=[
                {"kind": "groep", "description": "Groepsgerichte aanpak"},
                {"kind": "persoon-gezin", "description": "Individuele trajecten"},
                {"kind": "locatie", "description": "Toezicht Stationsplein"},
            ],
            actions=[
                {
                    "description": d,
                    "track": t,
                    "organisation": o,
                    "person": p,
                    "due": day(200 - due_in),
                }
                for d, t, o, p, due_in in actions
            ],
        ),
        uc,
    )
    plandoc.at_step_5(ledger, ref, day, regisseur)
    advance(190, "ketenoverleg", "Plan van aanpak vastgesteld.")
    ledger.sharing.reuse_provision(
        c.build(ReuseProvision, case=ref, action=4, share=scene.police_provision, on=day(189)),
        uc,
    )
    cases.complete_action(
        c.build(
            c.CompleteAction,
            case=ref,
            number=3,
            completed_on=day(60),
            note="Inloop loopt; opkomst wisselend",
        ),
        uc,
    )
    cases.escalate_action(
        c.build(
            c.EscalateAction,
            case=ref,
            number=2,
            escalated_to="Teamchef politie Centrum",
            reason="Afgesproken extra toezicht drie weekenden niet uitgevoerd",
            escalated_on=day(45),
        ),
        uc,
    )
    cases.record_signal(
        c.build(
            c.RecordSignal,
            case=ref,
            observed_on=day(40),
            kind="intimidatie",
            location="Winkelcentrum Centrum",
            source_org="gemeente",
            source_role="boa",
            text="Groep verplaatst zich naar het winkelcentrum.",
        ),
        regisseur,
    )
    newcomer(scene)
    cases.step_back(
        c.build(
            c.StepBack,
            case=ref,
            to_step=5,
            body="ketenoverleg",
            reason="Verplaatsing naar winkelcentrum: plan bijstellen",
            decided_on=day(38),
        ),
        regisseur,
    )
    cases.set_plan(
        c.build(
            c.SetPlan,
            case=ref,
            goals=[
                "Overlast op het Stationsplein en in het winkelcentrum halveren",
                "Verzuim van de betrokken jongeren terug naar schoolgemiddelde",
            ],
            tracks=[
                {"kind": "groep", "description": "Groepsgerichte aanpak"},
                {"kind": "persoon-gezin", "description": "Individuele trajecten"},
                {"kind": "locatie", "description": "Toezicht Stationsplein en winkelcentrum"},
            ],
            actions=[
                {
                    "number": 2,
                    "description": "Extra toezicht Stationsplein en winkelcentrum",
                    "track": "locatie",
                    "organisation": "politie",
                    "person": "Wijkagent Centrum",
                    "due": day(10),
                },
                {
                    "number": 4,
                    "description": "Huisbezoeken bij de gezinnen",
                    "track": "persoon-gezin",
                    "organisation": "sociaal-wijkteam",
                    "person": "Wijkteam Centrum",
                    "due": day(-30),
                },
                {
                    "number": 5,
                    "description": "Verzuimgesprekken met de scholen",
                    "track": "persoon-gezin",
                    "organisation": "gemeente",
                    "person": "Leerplicht",
                    "due": day(20),
                },
                {
                    "description": "Afspraken met winkeliersvereniging",
                    "track": "locatie",
                    "organisation": "gemeente",
                    "person": "Gebiedsregisseur Centrum",
                    "due": day(15),
                },
            ],
        ),
        uc,
    )
    advance(36, "ketenoverleg", "Bijgesteld plan vastgesteld.")
    group.change_member(
        c.build(
            c.Membership,
            case=ref,
            subject=youths[1],
            core="aanhang",
            influence="meeloper",
            from_date=day(30),
        ),
        uc,
    )
    group.end_member(
        c.build(
            c.EndMembership,
            case=ref,
            subject=youths[2],
            to_date=day(20),
            reason="Geen binding meer met de groep",
        ),
        uc,
    )
    for number, ago in ((2, 12), (5, 18), (6, 14)):
        done = c.build(c.CompleteAction, case=ref, number=number, completed_on=day(ago))
        cases.complete_action(done, uc)
    meetings.hold_meetings(scene)
    advance(7, "ketenoverleg", "Doelen grotendeels bereikt; afschalen.")
    ledger.retention.place_hold(youths[2], "Bezwaarprocedure loopt (demo)", regisseur)
    cases.close_case(
        c.build(
            c.CloseCase,
            case=ref,
            goals_reached="deels",
            goals_assessment="Overlast fors afgenomen; verzuim nog boven gemiddelde.",
            handover={
                4: {
                    "organisation": "sociaal-wijkteam",
                    "note": "Begeleiding gezinnen loopt door in regulier wijkteam",
                }
            },
            bewaartermijn="P2Y",
            evaluation={
                "rolverdeling": "Duidelijk na aanwijzing uitvoeringscoordinator",
                "informatieoverdracht": "Signalen snel gedeeld; terugkoppeling school traag",
                "inzet": "Circa 260 uur, binnen kader",
                "effectiviteit": "Overlast gehalveerd",
                "snelheid": "Verplaatsing binnen twee weken opgepakt",
                "looptijd": "Begroot 6 maanden, gerealiseerd 7,5 maand",
                "knelpunten": "Escalatie toezicht nodig geweest",
            },
            closed_on=day(6),
        ),
        regisseur,
    )
    # At closure the regisseur walks the fourth of the 4 sleutels (seed 001).
    ledger.checklists.answer(
        c.build(
            AnswerChecklist,
            case=ref,
            sleutel=4,
            answers={n: "nee" if n in (7, 10) else "ja" for n in range(1, 11)},
            on=day(5),
        ),
        regisseur,
    )


def newcomer(scene: Scene) -> None:
    """At the winkelcentrum the police ask youths for their ID (000 L1018); one was never on
    the namenlijst, and is added to it with why before anything is shared about him."""
    from ledger.cases.group import AddToNamenlijst

    ledger, ref, day, uc = scene.ledger, scene.ref, scene.day, scene.uc
    youth = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="jongere",
            name="Demo Jongere Vier",
            date_of_birth=day(365 * 16 + 200),
            address="Demolaan 4, Voorbeeldstad",
        ),
        uc,
    ).short
    ledger.group.add_member(
        c.build(
            c.Membership,
            case=ref,
            subject=youth,
            core="aanhang",
            influence="meeloper",
            from_date=day(40),
        ),
        uc,
    )
    ledger.group.add_to_namenlijst(
        c.build(
            AddToNamenlijst,
            case=ref,
            subject=youth,
            motivation="Bij het winkelcentrum op naam aangesproken; hoort bij de groep",
            agreed_by=["gemeente", "politie", "jongerenwerk"],
            agreed_on=day(39),
        ),
        uc,
    )
