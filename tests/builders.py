"""Synthetic actors and command builders shared by the tests. Nobody here is real."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import NotFound
from ledger.retention.service import RunResult

ADMIN = "beheer-test"
REGISSEUR = "regisseur-test"
UC = "uc-test"
PRIVACY = "fg-builders"
PRIVACY_2 = "fg-builders-2"


def seed_actors(ledger: Ledger) -> Acting:
    """An administrator, a regisseur, an uitvoeringscoördinator and two privacy officers
    (four-eyes needs two); returns the regisseur."""
    app = ledger.app
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle=ADMIN,
            display_name="Test Beheerder",
            organisation="gemeente",
            roles=["administrator"],
        ),
        None,
    )
    admin = app.acting(ADMIN)
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle=REGISSEUR,
            display_name="Test Regisseur",
            organisation="gemeente",
            roles=["regisseur", "uitvoeringscoordinator"],
        ),
        admin,
    )
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle=UC,
            display_name="Test Coordinator",
            organisation="politie",
            roles=["uitvoeringscoordinator"],
        ),
        admin,
    )
    for handle in (PRIVACY, PRIVACY_2):
        ledger.actors.register_actor(
            c.build(
                c.RegisterActor,
                handle=handle,
                display_name="Test Privacy Officer",
                organisation="gemeente",
                roles=["privacy-officer"],
            ),
            admin,
        )
    return app.acting(REGISSEUR, "regisseur")


def privacy_officer(ledger: Ledger, second: bool = False) -> Acting:
    return ledger.app.acting(PRIVACY_2 if second else PRIVACY)


PROCESEIGENAAR, ARCHIVARIS = "proceseigenaar-test", "archivaris-test"


def reviewers(ledger: Ledger) -> tuple[Acting, Acting]:
    """A proceseigenaar and an archivaris, the default reviewers of destruction lists
    (registered on first use)."""
    out = []
    for handle, role in ((PROCESEIGENAAR, "proceseigenaar"), (ARCHIVARIS, "archivaris")):
        try:
            ledger.app.actor(handle)
        except NotFound:
            ledger.actors.register_actor(
                c.build(
                    c.RegisterActor,
                    handle=handle,
                    display_name=f"Test {role.capitalize()}",
                    organisation="gemeente",
                    roles=[role],
                ),
                ledger.app.acting(ADMIN),
            )
        out.append(ledger.app.acting(handle))
    return out[0], out[1]


def purge_due(ledger: Ledger, as_of: date | None = None) -> RunResult:
    """A retention run as the privacy officer; its destruction list approved by both
    reviewer roles and executed (the default, four-eyes). Says what the run counted
    (held; interrupted purges and erasures completed) and what the execution destroyed."""
    run = ledger.retention.run(as_of, privacy_officer(ledger))
    if not run.proposal or run.run_id is None:
        return run
    for by in reviewers(ledger):
        ledger.retention.approve_list(run.run_id, by)
    done = ledger.retention.execute_list(run.run_id, privacy_officer(ledger))
    return replace(
        done, held=run.held, completed=run.completed, completed_erasures=run.completed_erasures
    )


def single_approval(ledger: Ledger) -> None:
    """Switch destruction lists off (retention.toml [settings] four_eyes = false)."""
    ledger.policies.retention.settings.__dict__["four_eyes"] = False


def open_case(ledger: Ledger, by: Acting, name: str = "Groep Testplein") -> str:
    cmd = c.build(c.OpenCase, working_name=name, municipality="Teststad", area="Noord")
    return ledger.cases.open_case(cmd, by).ref


def signal(ref: str, **overrides: Any) -> c.RecordSignal:
    values: dict[str, Any] = dict(
        case=ref,
        kind="overlast",
        location="Testplein",
        source_org="politie",
        source_role="wijkagent",
        text="Groep van ca. 8 jongeren",
    )
    values.update(overrides)
    return c.build(c.RecordSignal, **values)


def advance(ref: str, merge: bool = False) -> c.Advance:
    return c.build(c.Advance, case=ref, body="ketenoverleg", reason="besproken", merge_4_5=merge)


def decision(ref: str, outcome: str = "geprioriteerd", **overrides: Any) -> c.RecordDecision:
    items = {
        "doelen-en-kaders": "Overlast halveren",
        "sturing": "Driehoek",
        "informeermomenten": "Maandelijks",
        "strafrechtelijk-traject": "Geen",
        "externe-communicatie": "Gemeente",
    }
    values: dict[str, Any] = dict(
        case=ref, outcome=outcome, items=items, motivation="omdat", body="driehoek"
    )
    values.update(overrides)
    return c.build(c.RecordDecision, **values)


def plan(ref: str, actions: int = 1, due: date = date(2027, 1, 15)) -> c.SetPlan:
    return c.build(
        c.SetPlan,
        case=ref,
        goals=["Overlast halveren"],
        tracks=[{"kind": "groep", "description": "Groepsaanpak"}],
        actions=[
            {
                "description": f"Actie {i}",
                "track": "groep",
                "organisation": "jongerenwerk",
                "person": "Jongerenwerker Test",
                "due": due,
            }
            for i in range(actions)
        ],
    )


EVALUATION = {
    "rolverdeling": "helder",
    "informatieoverdracht": "goed",
    "inzet": "200 uur",
    "effectiviteit": "goed",
    "snelheid": "snel",
    "looptijd": "zoals begroot",
    "knelpunten": "geen",
}


def close(
    ref: str, handover: dict[int, dict[str, str]] | None = None, bewaartermijn: str = "P2Y"
) -> c.CloseCase:
    return c.build(
        c.CloseCase,
        case=ref,
        goals_reached="ja",
        goals_assessment="bereikt",
        handover=handover or {},
        bewaartermijn=bewaartermijn,
        evaluation=EVALUATION,
    )


def walk_to_step(ledger: Ledger, by: Acting, ref: str, step: int) -> None:
    if step >= 2:
        ledger.cases.record_signal(signal(ref), by)
        ledger.cases.advance(advance(ref), by)
    if step >= 3:
        ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=UC), by)
        ledger.cases.advance(advance(ref), by)
    if step >= 4:
        ledger.cases.advance(advance(ref), by)
    if step >= 5:
        ledger.cases.record_decision(decision(ref), by)
        ledger.cases.advance(advance(ref), by)
    if step >= 6:
        ledger.cases.set_plan(plan(ref, actions=2), by)
        ledger.cases.advance(advance(ref), by)
    if step >= 7:
        ledger.cases.advance(advance(ref), by)


def provider(ledger: Ledger, by: Acting, ref: str, org: str) -> Acting:
    """An actor of ``org`` who takes part in case ``ref``: a provision from ``org`` is
    recorded by one of its own (rule share.provider). The regisseur when ``org`` is theirs."""
    if org == by.organisation:
        return by
    handle = f"{org}-test"
    try:
        ledger.app.actor(handle)
    except NotFound:
        ledger.actors.register_actor(
            c.build(
                c.RegisterActor,
                handle=handle,
                display_name=f"Test Contact {org}",
                organisation=org,
                roles=["partner-contact"],
            ),
            ledger.app.acting(ADMIN),
        )
    case = ledger.app.case(ref)
    if handle not in case.participants:
        ledger.cases.add_participant(
            c.build(c.Participation, case=ref, actor=handle, reason="Contactpersoon"), by
        )
    return ledger.app.acting(handle)
