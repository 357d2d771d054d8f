"""The application on a real store (SQLite and PostgreSQL): identity, refusals, read models."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.errors import BadInput, NotFound, Refused, Unauthorised
from tests import builders as b


def event_count(ledger: Ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


def test_every_event_records_actor_role_organisation_and_time(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    ledger.cases.record_signal(b.signal(ref), by)
    notifications = ledger.app.recorder.select_notifications(1, 100)
    assert notifications
    for notification in notifications:
        event = ledger.app.mapper.to_domain_event(notification)
        assert {"actor", "role", "org"} <= set(event.by)  # type: ignore[attr-defined]
        assert event.timestamp.tzinfo is not None
    last = ledger.app.mapper.to_domain_event(notifications[-1])
    assert last.by == {"actor": b.REGISSEUR, "role": "regisseur", "org": "gemeente"}  # type: ignore[attr-defined]


def test_the_first_actor_bootstraps_and_must_be_an_administrator(ledger: Ledger) -> None:
    cmd = c.build(
        c.RegisterActor,
        handle="eerste",
        display_name="Test Eerste",
        organisation="gemeente",
        roles=["regisseur"],
    )
    with pytest.raises(Refused):
        ledger.actors.register_actor(cmd, None)
    assert event_count(ledger) == 0
    b.seed_actors(ledger)
    with pytest.raises(Unauthorised):
        ledger.actors.register_actor(cmd, None)


def test_unknown_deactivated_and_wrong_role_actors_are_refused(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    app = ledger.app
    with pytest.raises(Unauthorised, match="unknown actor"):
        app.acting("niemand-test")
    with pytest.raises(Unauthorised, match="no current actor"):
        app.acting(None)
    with pytest.raises(Unauthorised, match="does not hold role"):
        app.acting(b.UC, "regisseur")
    ledger.actors.deactivate_actor(
        c.build(c.DeactivateActor, handle=b.UC, reason="uit dienst"), app.acting(b.ADMIN)
    )
    with pytest.raises(Unauthorised, match="deactivated"):
        app.acting(b.UC)
    ref = b.open_case(ledger, by)
    with pytest.raises(Refused, match=r"case\.coordinator-role"):
        ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    assert [a["active"] for a in ledger.queries.actors() if a["handle"] == b.UC] == [False]


def test_case_references_are_sequential_per_year(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    refs = [b.open_case(ledger, by, f"Groep {n}") for n in range(3)]
    year = ledger.app.clock().year
    assert refs == [f"JG-{year}-001", f"JG-{year}-002", f"JG-{year}-003"]
    old = ledger.cases.open_case(
        c.build(
            c.OpenCase,
            working_name="Groep Oud",
            municipality="Teststad",
            area="Zuid",
            opened_on=date(2025, 6, 1),
        ),
        by,
    )
    assert old.ref == "JG-2025-001"


def test_refused_and_bad_commands_write_nothing(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    before = event_count(ledger)
    attempts = [
        lambda: ledger.cases.advance(b.advance(ref), by),  # no signal yet
        lambda: ledger.cases.record_signal(b.signal(ref, kind="onbekend"), by),
        lambda: ledger.cases.record_signal(b.signal(ref, source_org="nasa"), by),
        lambda: ledger.cases.record_signal(b.signal("JG-2026-999"), by),
        lambda: ledger.cases.record_decision(b.decision(ref), by),
        lambda: ledger.cases.close_case(b.close(ref), by),
        lambda: ledger.cases.close_case(b.close(ref, bewaartermijn="twee jaar"), by),
        lambda: ledger.cases.record_signal(b.signal(ref, observed_on=date(2999, 1, 1)), by),
    ]
    for attempt in attempts:
        with pytest.raises((Refused, BadInput, NotFound)):
            attempt()
    assert event_count(ledger) == before


def test_a_full_walk_shows_in_the_overview(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 6)
    ledger.cases.escalate_action(
        c.build(
            c.EscalateAction, case=ref, number=1, escalated_to="Teamchef", reason="niet gedaan"
        ),
        by,
    )
    ledger.cases.complete_action(c.build(c.CompleteAction, case=ref, number=1), by)
    ledger.cases.step_back(
        c.build(c.StepBack, case=ref, to_step=5, body="ketenoverleg", reason="bijstellen"), by
    )
    ledger.cases.add_action(
        c.build(
            c.AddAction,
            case=ref,
            description="Nieuw",
            track="locatie",
            organisation="politie",
            person="Wijkagent Test",
            due=date(2020, 1, 1),
        ),
        by,
    )
    overview = ledger.queries.case_overview(ref)
    assert overview["step"] == 5
    assert [s["kind"] for s in overview["step_history"]] == ["vooruit"] * 5 + ["terug"]
    assert [a["id"] for a in overview["open_actions"]] == ["A2", "A3"]
    assert [a["id"] for a in overview["overdue_actions"]] == ["A3"]
    assert overview["escalations"][0]["escalated_to"] == "Teamchef"
    assert overview["decisions"][0]["outcome"] == "geprioriteerd"
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.close_case(
        b.close(
            ref,
            handover={
                2: {"organisation": "jongerenwerk", "note": ""},
                3: {"organisation": "politie", "note": "regulier toezicht"},
            },
        ),
        by,
    )
    closed = ledger.queries.case_overview(ref)
    assert closed["status"] == "afgesloten"
    assert closed["bewaartermijn"] == "P2Y"
    assert closed["open_actions"] == []
    statuses = {a["id"]: a["status"] for a in ledger.queries.actions(ref)}
    assert statuses == {"A1": "afgerond", "A2": "overgedragen", "A3": "overgedragen"}
    assert ledger.queries.cases()[0]["status"] == "afgesloten"


def test_plan_versions_are_kept(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 5)
    assert ledger.cases.set_plan(b.plan(ref, actions=2), by) == 1
    revised = c.build(
        c.SetPlan,
        case=ref,
        goals=["Nieuw doel"],
        tracks=[],
        actions=[
            {
                "number": 2,
                "description": "Herzien",
                "track": "groep",
                "organisation": "jongerenwerk",
                "person": "Test",
                "due": date(2027, 2, 1),
            }
        ],
    )
    assert ledger.cases.set_plan(revised, by) == 2
    shown = ledger.queries.plan(ref)
    assert shown["version"] == 2
    assert shown["goals"] == ["Nieuw doel"]
    assert [(a["id"], a["description"]) for a in shown["actions"]] == [("A2", "Herzien")]
    assert [h["withdrawn"] for h in shown["history"]] == [[], [1]]


def test_rebuild_reproduces_identical_read_models(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    for n in range(3):
        ref = b.open_case(ledger, by, f"Groep {n}")
        b.walk_to_step(ledger, by, ref, 2 + 2 * n)
    ledger.queries.cases()  # catch up incrementally
    incremental = ledger.queries.tables_snapshot()
    replayed = ledger.projections.rebuild()
    assert replayed == event_count(ledger)
    assert ledger.queries.tables_snapshot() == incremental
    assert sum(len(rows) for rows in incremental.values()) > 20


def test_initialise_is_idempotent_and_keeps_events(ledger: Ledger) -> None:
    b.seed_actors(ledger)
    before = event_count(ledger)
    assert ledger.initialise() is False
    assert event_count(ledger) == before
