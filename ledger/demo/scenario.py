"""A realistic, synthetic scenario: one group walked from signals to closure at step 7.

All people are obviously fictitious ("Demo ..."); dates are relative to today so that the
scenario is always in the past. Later capabilities extend this scenario.
"""

from __future__ import annotations

import re
import tempfile
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import Refused
from ledger.sharing.service import ShareRefused

EXAMPLE_CONVENANT = Path(__file__).parent.parent / "examples" / "convenant.toml"

DEMO_ACTOR = "regisseur-demo"


def _example_text() -> str:
    return EXAMPLE_CONVENANT.read_text(encoding="utf-8")

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


def run(ledger: Ledger) -> str:
    """Write the scenario; returns the case reference."""
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

    advance(230, "regulier-overleg", "Signalen van drie partners wijzen op dezelfde groep.")
    cases.designate_coordinator(
        c.build(c.Designate, case=ref, coordinator="uc-demo", decided_on=day(229)), regisseur
    )
    persons = ledger.persons
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
        persons.add_member(
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
    persons.record_note(
        c.build(
            c.RecordNote,
            subject=youths[1],
            category="school",
            text="Verzuim sinds de herfstvakantie (demo)",
        ),
        uc,
    )
    persons.agree_namenlijst(
        c.build(
            c.AgreeNamenlijst,
            case=ref,
            subjects=youths,
            partners=["gemeente", "politie", "jongerenwerk"],
            agreed_on=day(226),
        ),
        uc,
    )
    persons.request_groepsscan(
        c.build(
            c.RequestGroepsscan,
            case=ref,
            requested_by="burgemeester",
            motivation="Zicht nodig op rolverdeling en contacten van de groep",
            requested_on=day(225),
        ),
        regisseur,
    )
    persons.receive_groepsscan(
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
    persons.note_police_report(
        c.build(c.NotePoliceReport, case=ref, subject=youths[0], reported_on=day(217)), regisseur
    )
    _sharing(ledger, ref, youths, day, regisseur, uc)
    _letters(ledger, youths, day, uc)
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
    advance(205, "ketenoverleg", "Integraal beeld en conceptplan gereed.")
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
        ),
        regisseur,
    )
    advance(199, "driehoek", "Groep geprioriteerd; plan van aanpak uitwerken.")
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
    advance(190, "ketenoverleg", "Plan van aanpak vastgesteld.")
    cases.complete_action(
        c.build(
            c.CompleteAction,
            case=ref,
            number=2,
            completed_on=day(60),
            note="Inloop loopt; opkomst wisselend",
        ),
        uc,
    )
    cases.escalate_action(
        c.build(
            c.EscalateAction,
            case=ref,
            number=1,
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
                    "number": 1,
                    "description": "Extra toezicht Stationsplein en winkelcentrum",
                    "track": "locatie",
                    "organisation": "politie",
                    "person": "Wijkagent Centrum",
                    "due": day(10),
                },
                {
                    "number": 3,
                    "description": "Huisbezoeken bij de gezinnen",
                    "track": "persoon-gezin",
                    "organisation": "sociaal-wijkteam",
                    "person": "Wijkteam Centrum",
                    "due": day(-30),
                },
                {
                    "number": 4,
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
    persons.change_member(
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
    persons.end_member(
        c.build(
            c.EndMembership,
            case=ref,
            subject=youths[2],
            to_date=day(20),
            reason="Geen binding meer met de groep",
        ),
        uc,
    )
    cases.complete_action(c.build(c.CompleteAction, case=ref, number=1, completed_on=day(12)), uc)
    cases.complete_action(c.build(c.CompleteAction, case=ref, number=4, completed_on=day(18)), uc)
    cases.complete_action(c.build(c.CompleteAction, case=ref, number=5, completed_on=day(14)), uc)
    advance(7, "ketenoverleg", "Doelen grotendeels bereikt; afschalen.")
    ledger.retention.place_hold(
        youths[2], "Bezwaarprocedure loopt (demo)", regisseur, ledger.persons.resolve(youths[2])
    )
    cases.close_case(
        c.build(
            c.CloseCase,
            case=ref,
            goals_reached="deels",
            goals_assessment="Overlast fors afgenomen; verzuim nog boven gemiddelde.",
            handover={
                3: {
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
    return ref


def _sharing(
    ledger: Ledger, ref: str, youths: list[str], day: Any, regisseur: Acting, uc: Acting
) -> None:
    """A convenant signed by its parties; shares under it, one refused, one ad hoc."""
    sharing = ledger.sharing
    with tempfile.TemporaryDirectory(prefix="regie-demo-") as scratch:
        # The scenario is dated relative to today, so its convenant must be too.
        text = re.sub(
            r"(?m)^valid_from = .*$", f"valid_from = {day(400).isoformat()}", _example_text()
        )
        text = re.sub(
            r"(?m)^valid_until = .*$", f"valid_until = {day(-3 * 365).isoformat()}", text
        )
        convenant_file = Path(scratch) / "convenant.toml"
        convenant_file.write_text(text, encoding="utf-8")
        sharing.add_convenant("jga-voorbeeldstad", convenant_file, regisseur)
    for party, signer, ago in [
        ("gemeente", "Demo Burgemeester", 300),
        ("politie", "Demo Teamchef", 298),
        ("om", "Demo Gebiedsofficier", 290),
        ("jongerenwerk", "Demo Coordinator Jongerenwerk", 285),
    ]:
        sharing.sign_convenant(
            c.build(
                c.SignConvenant,
                convenant="jga-voorbeeldstad",
                party=party,
                signer=signer,
                signed_on=day(ago),
            ),
            regisseur,
        )
    share = dict(case=ref, convenant="jga-voorbeeldstad", purpose="groepsaanpak")
    sharing.record_share(
        c.build(
            c.RecordShare,
            **share,
            from_org="politie",
            to_orgs=["gemeente"],
            subjects=youths[:2],
            categories=["identificatie", "groepspositie"],
            article="art. 6 lid 1",
            necessity="Nodig om de groep in kaart te brengen",
            decided_on=day(216),
        ),
        uc,
    )
    with suppress(ShareRefused):  # recorded as refused: health data is not in the matrix
        sharing.record_share(
            c.build(
                c.RecordShare,
                **share,
                from_org="gemeente",
                to_orgs=["jongerenwerk"],
                subjects=youths[:1],
                categories=["zorg-en-gezondheid"],
                article="art. 6 lid 2",
                necessity="Begeleiding afstemmen",
                decided_on=day(214),
            ),
            uc,
        )
    sharing.record_share(
        c.build(
            c.RecordShare,
            case=ref,
            from_org="gemeente",
            to_orgs=["veilig-thuis"],
            subjects=youths[1:2],
            categories=["gezinssituatie"],
            purpose="zorgen over de thuissituatie",
            legal_basis="AVG art. 6(1)(e) jo. Wmo 2015 art. 5.2.6",
            necessity="Signaal huiselijk geweld; Veilig Thuis zit niet in het convenant",
            decided_on=day(212),
        ),
        uc,
    )
    # The coordinator looks a member up: an access event is written first.
    ledger.persons.view(youths[0], uc)


def _letters(ledger: Ledger, youths: list[str], day: Any, uc: Acting) -> None:
    """The information duty: one letter handed over at the home visit, one deferred."""
    from tempfile import TemporaryDirectory

    from ledger.letters.commands import DeferLetters, DeliverLetter, GenerateLetters

    letters = ledger.letters
    with TemporaryDirectory() as out:  # the demo keeps the record, not the paper
        written = letters.generate(
            c.build(GenerateLetters, subject=youths[0], format="txt", letter_date=day(210)),
            uc,
            Path(out),
        )
    for letter in written:
        letters.hand_over(
            c.build(
                DeliverLetter,
                subject=youths[0],
                addressee=letter.addressee,
                how="overhandigd",
                delivered_on=day(205),
            ),
            uc,
        )
    letters.defer(
        c.build(
            DeferLetters,
            subject=youths[1],
            ground="uavg41",
            reason="Lopend strafrechtelijk onderzoek (demo)",
            review_date=day(64),  # passed: the privacy officer sees it among the findings
            deferred_on=day(214),
        ),
        uc,
    )
