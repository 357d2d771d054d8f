"""Reminders (issue 13, item 5): what is due or overdue, for whom, and as a calendar file
with one entry per reminder; never a name or an action's text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from icalendar import Calendar

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.cases import commands as cc
from ledger.domain.acting import Acting
from ledger.workbench.calendar import calendar_file
from tests import builders as b
from tests.conftest import FixedClock

NAME = "Testpersoon Herinnering"


def case_in_execution(ledger: Ledger) -> tuple[str, Acting]:
    """A case at step 6 with two plan actions of youth work due 2027-01-15, and one youth
    on the agreed namenlijst (so a letter is due)."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 6)
    youth = ledger.persons.register(
        c.build(c.RegisterSubject, kind="jongere", name=NAME, date_of_birth=date(2010, 2, 3)), by
    ).short
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=youth, core="kern", influence="negatief"), by
    )
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[youth], partners=["politie"]), by
    )
    return ref, by


def kinds(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["kind"], r["due"]) for r in rows]


def test_actions_letters_and_reviews_come_when_due_and_go_when_done(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = case_in_execution(ledger)
    today = clock().isoformat()
    rows = ledger.reminders.reminders(by, within=14)
    # The letter is due within a month; the actions not before 2027-01-15.
    assert [r["kind"] for r in rows] == []
    rows = ledger.reminders.reminders(by, within=45)
    assert [r["kind"] for r in rows] == ["informatieplicht"]
    [letter] = rows
    assert letter["case"] == ref and letter["owner"] == b.UC and not letter["overdue"]
    assert "1 jongere te informeren" in letter["what"]
    assert today < letter["due"] <= "2027-01-06"  # a month after the namenlijst

    later = ledger.reminders.reminders(by, as_of=date(2027, 1, 20), within=0)
    assert kinds(later) == [
        ("informatieplicht", letter["due"]),
        ("actie", "2027-01-15"),
        ("actie", "2027-01-15"),
    ]
    assert all(r["overdue"] for r in later)
    assert {r["owner"] for r in later if r["kind"] == "actie"} == {"jongerenwerk"}
    ledger.cases.complete_action(c.build(c.CompleteAction, case=ref, number=1), by)
    later = ledger.reminders.reminders(by, as_of=date(2027, 1, 20), within=0)
    assert [r["uid"] for r in later if r["kind"] == "actie"] == [f"actie-{ref}-A2"]

    wait = c.build(
        cc.RecordWorkingDecision,
        case=ref,
        kind="afwachten",
        motivation="Eerst de vakantie afwachten",
        body="regulier-overleg",
        review_on=date(2026, 12, 1),
    )
    number = ledger.cases.record_working_decision(wait, by)
    [waiting] = [r for r in ledger.reminders.reminders(by) if r["kind"] == "afwachten"]
    assert (waiting["due"], waiting["owner"]) == ("2026-12-01", b.REGISSEUR)
    assert f"Besluit {number}" in waiting["what"]
    # Once a later decision is taken, the wait is no longer the case's last word.
    level = c.build(
        cc.RecordWorkingDecision,
        case=ref,
        kind="deelniveau",
        motivation="Delen met de kerngroep",
        body="regulier-overleg",
        level="kerngroep",
    )
    ledger.cases.record_working_decision(level, by)
    assert not [r for r in ledger.reminders.reminders(by) if r["kind"] == "afwachten"]


def test_for_an_actor_and_within_the_cases_a_role_may_see(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = case_in_execution(ledger)
    as_of = date(2027, 1, 20)
    youth_work = b.provider(ledger, by, ref, "jongerenwerk")
    # The coordinator follows up everything of the case it coordinates.
    assert len(ledger.reminders.reminders(by, as_of, for_actor=b.UC)) == 3
    # Youth work: the actions of its own organisation only.
    mine = ledger.reminders.reminders(by, as_of, for_actor=youth_work.actor)
    assert [r["kind"] for r in mine] == ["actie", "actie"]
    # A partner that takes part sees the actions (no letters: not its command).
    assert [r["kind"] for r in ledger.reminders.reminders(youth_work, as_of)] == ["actie", "actie"]
    other = b.provider(ledger, by, b.open_case(ledger, by, "Groep Anderplein"), "om")
    assert ledger.reminders.reminders(other, as_of) == []  # not a participant of the case


def test_the_calendar_has_one_entry_per_reminder_and_no_names(
    ledger: Ledger, clock: FixedClock
) -> None:
    ref, by = case_in_execution(ledger)
    rows = ledger.reminders.reminders(by, date(2027, 1, 20), within=0)
    made = calendar_file(rows, datetime(2027, 1, 20, 8, 0, tzinfo=UTC))
    events = Calendar.from_ical(made).walk("VEVENT")
    assert len(events) == len(rows) == 3
    assert [str(e["UID"]) for e in events] == [f"{r['uid']}@regie" for r in rows]
    assert [e["DTSTART"].dt.isoformat() for e in events] == [r["due"] for r in rows]
    assert all("te laat" in str(e["SUMMARY"]) and ref in str(e["SUMMARY"]) for e in events)
    text = made.decode("utf-8")
    assert NAME not in text and "Actie 0" not in text  # no name, no action text
    # The same reminders make the same entries: importing again updates, never doubles.
    again = calendar_file(rows, datetime(2027, 1, 21, 8, 0, tzinfo=UTC))
    assert [str(e["UID"]) for e in Calendar.from_ical(again).walk("VEVENT")] == [
        str(e["UID"]) for e in events
    ]


def test_reminders_through_the_command_line_write_an_ics_file(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "demo.sqlite"
    env = {"REGIE_CONFIG": str(tmp_path / "absent.toml"), "REGIE_DATA_DIR": str(tmp_path)}
    assert runner.invoke(regie, ["demo", "--db", str(target)], env=env).exit_code == 0
    env["REGIE_ACTOR"] = "regisseur-demo"
    ics = tmp_path / "herinneringen.ics"
    args = ["--db", str(target), "reminders", "--within", "400", "--ics", str(ics), "--json"]
    result = runner.invoke(regie, args, env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    # the closed demo case: letters, a deferral, and the hold its destruction list kept
    assert rows and {r["kind"] for r in rows} <= {"informatieplicht", "uitstel", "blokkade"}
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == len(rows)
    assert "Demo Jongere" not in ics.read_text(encoding="utf-8")
    bad = runner.invoke(regie, ["--db", str(target), "reminders", "--for", "niemand"], env=env)
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1


def test_a_rights_request_reminds_its_deadline_by_its_reference(
    ledger: Ledger, clock: FixedClock
) -> None:
    from ledger.rights.commands import DecideRequest, OpenRequest

    ref, by = case_in_execution(ledger)
    subject = ledger.persons.register(
        c.build(
            c.RegisterSubject, kind="jongere", name=NAME + " Twee", date_of_birth=date(2010, 5, 6)
        ),
        by,
    ).short
    opened = ledger.rights.open(
        c.build(OpenRequest, subject=subject, kind="inzage", received_on=clock()), by
    )
    [request] = [r for r in ledger.reminders.reminders(by, within=45) if r["kind"] == "verzoek"]
    assert request["case"] == opened["request"] and opened["request"] in request["what"]
    assert subject not in request["what"] and request["owner"] == b.REGISSEUR
    partner = b.provider(ledger, by, ref, "jongerenwerk")  # keeps no register: sees none
    assert not [r for r in ledger.reminders.reminders(partner, within=45) if r["kind"] == "verzoek"]
    ledger.rights.decide(
        c.build(DecideRequest, request=opened["request"], outcome="toegewezen", reason="Inzage"),
        by,
    )
    assert not [r for r in ledger.reminders.reminders(by, within=45) if r["kind"] == "verzoek"]
