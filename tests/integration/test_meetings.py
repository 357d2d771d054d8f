"""Meetings of a case (issue 13, item 2): planned with a kind of the policy, agenda,
attendees, sealed minutes, decisions taken in them and action points with the progress of
the plan action they follow up; every read of the texts is an access; a due meeting is a
reminder; agenda and minutes open as documents."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.cases import commands as cc
from ledger.crypto.seal import MASKED
from ledger.domain.acting import Acting
from ledger.domain.case import case_id
from ledger.errors import BadInput, Refused, Unauthorised
from ledger.meetings import commands as mc
from ledger.meetings.documents import document
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.workbench.document import render
from tests import builders as b
from tests.conftest import FixedClock
from tests.documents import text_of
from tests.integration.test_sharing import events_since, mark

MINUTES = "Vertrouwelijk verslag: de groep is rustiger sinds de zomer."
AGENDA = "Voortgang van het plan van aanpak bespreken"
POINT = "Extra toezicht bij het winkelcentrum op vrijdag"


def at_step_6(ledger: Ledger) -> tuple[str, Acting]:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 6)
    return ref, by


def planned(ledger: Ledger, ref: str, by: Acting, kind: str = "jeugdgroepenoverleg") -> int:
    today = ledger.app.clock()
    return ledger.meetings.plan(c.build(mc.PlanMeeting, case=ref, kind=kind, on=today), by)


def held(ledger: Ledger, ref: str, by: Acting) -> int:
    """A meeting with an agenda, attendees, minutes, a decision and an action point."""
    number = planned(ledger, ref, by)
    meetings = ledger.meetings
    meetings.add_agenda(
        c.build(mc.AddAgendaItems, case=ref, meeting=number, items=[AGENDA, "Rondvraag"]), by
    )
    meetings.record_attendees(
        c.build(
            mc.RecordAttendees,
            case=ref,
            meeting=number,
            actors=[b.UC],
            organisations=["politie", "jongerenwerk"],
        ),
        by,
    )
    meetings.record_minutes(c.build(mc.RecordMinutes, case=ref, meeting=number, text=MINUTES), by)
    return number


def test_a_meeting_holds_agenda_attendees_minutes_decisions_and_action_points(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = at_step_6(ledger)
    before = mark(ledger)
    number = held(ledger, ref, by)
    assert number == 1
    working = c.build(
        cc.RecordWorkingDecision,
        case=ref,
        kind="afwachten",
        motivation="Eerst de zomer afwachten",
        body="ketenoverleg",
        review_on=clock.today + timedelta(days=30),
        meeting=number,
    )
    decision = ledger.cases.record_working_decision(working, by)
    due = clock.today + timedelta(days=10)
    point = ledger.meetings.agree_action_point(
        c.build(
            mc.AgreeActionPoint,
            case=ref,
            meeting=number,
            text=POINT,
            organisation="politie",
            due=due,
            action=1,
        ),
        by,
    )
    assert point == 1
    assert events_since(ledger, before) == Counter(
        {
            "Case.MeetingPlanned": 1,
            "Case.AgendaItemAdded": 2,
            "Case.AttendeesRecorded": 1,
            "Case.MinutesRecorded": 1,
            "Case.WorkingDecisionRecorded": 1,
            "Case.DecisionLinked": 1,
            "Case.ActionPointAgreed": 1,
        }
    )
    shown = ledger.meetings.show(ref, number, by)
    assert shown["agenda"] == [AGENDA, "Rondvraag"]
    assert shown["actors"] == [b.UC] and shown["organisations"] == ["jongerenwerk", "politie"]
    assert shown["minutes_text"] == MINUTES and shown["minutes_version"] == 1
    assert [d["number"] for d in shown["decision_rows"]] == [decision]
    assert shown["decision_rows"][0]["outcome"] == "afwachten"
    [row] = shown["action_point_rows"]
    assert (row["number"], row["action"], row["progress"], row["text"]) == (
        "P1",
        "A1",
        "open",
        POINT,
    )
    # The plan action it follows up is completed: the action point shows that progress.
    ledger.cases.complete_action(c.build(c.CompleteAction, case=ref, number=1, note="klaar"), by)
    [row] = ledger.meetings.show(ref, number, by)["action_point_rows"]
    assert row["progress"] == "afgerond" and row["completed_on"] == clock.today.isoformat()
    [listed] = ledger.meetings.meetings(by, ref)
    assert listed["meeting"] == "M1" and listed["minutes"] and listed["decisions"] == 1
    assert "minutes_text" not in listed  # a listing names no texts


def test_refusals_write_nothing(ledger: Ledger, clock: FixedClock) -> None:
    ref, by = at_step_6(ledger)
    today = clock.today
    with pytest.raises(BadInput, match="unknown meeting kind"):
        ledger.meetings.plan(c.build(mc.PlanMeeting, case=ref, kind="borrel", on=today), by)
    number = ledger.meetings.plan(
        c.build(mc.PlanMeeting, case=ref, kind="driehoek", on=today + timedelta(days=7)), by
    )
    before = mark(ledger)
    with pytest.raises(Refused, match=r"rule meeting\.minutes-after"):
        ledger.meetings.record_minutes(
            c.build(mc.RecordMinutes, case=ref, meeting=number, text="te vroeg"), by
        )
    with pytest.raises(Refused, match=r"rule meeting\.known"):
        ledger.meetings.add_agenda(c.build(mc.AddAgendaItems, case=ref, meeting=9, items=["x"]), by)
    with pytest.raises(Refused, match=r"rule meeting\.decision-known"):
        ledger.meetings.link_decision(
            c.build(mc.LinkDecision, case=ref, meeting=number, decision=99), by
        )
    with pytest.raises(Refused, match=r"rule meeting\.action-known"):
        ledger.meetings.agree_action_point(
            c.build(
                mc.AgreeActionPoint,
                case=ref,
                meeting=number,
                text="x",
                organisation="politie",
                due=today,
                action=42,
            ),
            by,
        )
    with pytest.raises(Refused, match=r"rule meeting\.attendees"):
        ledger.meetings.record_attendees(
            c.build(mc.RecordAttendees, case=ref, meeting=number, actors=["niemand"]), by
        )
    ledger.meetings.link_decision(
        c.build(mc.LinkDecision, case=ref, meeting=number, decision=1), by
    )
    with pytest.raises(BadInput, match="agenda or notulen"):
        ledger.meetings.document(ref, number, "verslag", by)
    second = planned(ledger, ref, by, "ketenoverleg")
    after_link = mark(ledger)
    with pytest.raises(Refused, match=r"rule meeting\.decision-once"):
        ledger.meetings.link_decision(
            c.build(mc.LinkDecision, case=ref, meeting=second, decision=1), by
        )
    assert events_since(ledger, after_link) == Counter()
    assert events_since(ledger, before) == Counter(
        {"Case.DecisionLinked": 1, "Case.MeetingPlanned": 1}
    )


def test_minutes_are_sealed_every_read_is_an_access_and_shredding_masks_them(
    ledger: Ledger,
) -> None:
    ref, by = at_step_6(ledger)
    number = held(ledger, ref, by)
    with ledger.store.read() as conn:
        states = b"".join(bytes(r[0]) for r in conn.execute(select(events.c.state)))
    assert MINUTES.encode() not in states and AGENDA.encode() not in states
    ledger.meetings.show(ref, number, by)
    ledger.meetings.document(ref, number, "notulen", by)
    ledger.projections.catch_up()
    rows = ledger.queries.rows(
        select(t.access_log.c.command, t.access_log.c.case_ref, t.access_log.c.actor).where(
            t.access_log.c.command.like("meeting.%")
        )
    )
    assert sorted(r["command"] for r in rows) == ["meeting.document", "meeting.show"]
    assert all(r["case_ref"] == ref and r["actor"] == b.REGISSEUR for r in rows)
    # Destroying the case's key for its records leaves the minutes unreadable.
    ledger.keystore.shred(str(case_id(ref)), ["verslaglegging"])
    shown = ledger.meetings.show(ref, number, by)
    assert shown["minutes_text"] == MASKED and shown["agenda"] == [MASKED, MASKED]


def test_participant_roles_read_only_the_meetings_of_their_own_cases(ledger: Ledger) -> None:
    ref, by = at_step_6(ledger)
    number = held(ledger, ref, by)
    other = b.open_case(ledger, by, "Groep Anderplein")
    admin = ledger.app.acting(b.ADMIN)
    ledger.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle="uc-elders",
            display_name="Andere Coordinator",
            organisation="politie",
            roles=["uitvoeringscoordinator"],
        ),
        admin,
    )
    outsider = ledger.app.acting("uc-elders")
    with pytest.raises(Unauthorised, match=r"rule permission\.participant"):
        ledger.meetings.show(ref, number, outsider)
    assert ledger.meetings.meetings(outsider) == []
    coordinator = ledger.app.acting(b.UC)
    assert ledger.meetings.show(ref, number, coordinator)["minutes_text"] == MINUTES
    assert [m["case"] for m in ledger.meetings.meetings(coordinator)] == [ref]
    assert other != ref


def test_a_meeting_without_minutes_is_a_reminder_until_they_are_in(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = at_step_6(ledger)
    ahead = clock.today + timedelta(days=5)
    number = ledger.meetings.plan(
        c.build(mc.PlanMeeting, case=ref, kind="ketenoverleg", on=ahead), by
    )
    due = [r for r in ledger.reminders.reminders(by) if r["kind"] == "overleg"]
    assert [(r["case"], r["due"], r["overdue"]) for r in due] == [(ref, ahead.isoformat(), False)]
    assert "M1" in due[0]["what"]
    clock.advance(6)
    [late] = [r for r in ledger.reminders.reminders(by) if r["kind"] == "overleg"]
    assert late["overdue"]
    ledger.meetings.record_minutes(
        c.build(mc.RecordMinutes, case=ref, meeting=number, text="Gehouden."), by
    )
    assert not [r for r in ledger.reminders.reminders(by) if r["kind"] == "overleg"]


def test_an_action_point_of_its_own_is_done_and_reminded_until_then(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = at_step_6(ledger)
    number = held(ledger, ref, by)
    due = clock.today + timedelta(days=3)

    def agree(organisation: str, action: int | None) -> int:
        point = c.build(
            mc.AgreeActionPoint,
            case=ref,
            meeting=number,
            text=POINT,
            organisation=organisation,
            due=due,
            action=action,
        )
        return ledger.meetings.agree_action_point(point, by)

    def done(point: int) -> None:
        ledger.meetings.complete_action_point(
            c.build(mc.CompleteActionPoint, case=ref, number=point, note="gedaan"), by
        )

    def points() -> dict[str, dict[str, object]]:
        rows = ledger.meetings.show(ref, number, by)["action_point_rows"]
        return {str(r["number"]): r for r in rows}

    alone, linked = agree("gemeente", None), agree("politie", 1)
    [reminded] = [r for r in ledger.reminders.reminders(by) if r["kind"] == "actiepunt"]
    assert reminded["uid"].endswith(f"P{alone}") and reminded["owner"] == "gemeente"
    before = mark(ledger)
    with pytest.raises(Refused, match=r"rule meeting\.action-point-linked"):
        done(linked)
    with pytest.raises(Refused, match=r"rule meeting\.action-point-known"):
        done(99)
    assert events_since(ledger, before) == Counter()
    clock.advance(5)
    assert points()[f"P{alone}"]["overdue"] and points()[f"P{alone}"]["progress"] == "open"
    done(alone)
    row = points()[f"P{alone}"]
    assert (row["progress"], row["completed_on"], row["overdue"]) == (
        "afgerond",
        clock.today.isoformat(),
        False,
    )
    assert not [r for r in ledger.reminders.reminders(by) if r["kind"] == "actiepunt"]
    with pytest.raises(Refused, match=r"rule meeting\.action-point-open"):
        done(alone)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "md"])
def test_agenda_and_minutes_open_as_documents(ledger: Ledger, fmt: str) -> None:
    ref, by = at_step_6(ledger)
    number = held(ledger, ref, by)
    agenda = text_of(
        render(document(ledger.meetings.document(ref, number, "agenda", by)), fmt), fmt
    )
    assert "Agenda Jeugdgroepenoverleg" in agenda and AGENDA in agenda
    assert "politie (organisatie)" in agenda
    minutes = text_of(
        render(document(ledger.meetings.document(ref, number, "notulen", by)), fmt), fmt
    )
    assert MINUTES in minutes and "Notulen" in minutes and "Besluiten" in minutes
