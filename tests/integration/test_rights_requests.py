"""The register of rights requests (AVG art. 12, 15-21): deadlines by the calendar month,
one extension, decisions, the legal hold while pending, overdue requests as findings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.domain.acting import Acting
from ledger.durations import Duration
from ledger.errors import Refused, Unauthorised
from ledger.rights.commands import DecideRequest, ExtendRequest, OpenRequest
from tests import builders as b
from tests.conftest import FixedClock, fresh_database_url

LATE = "verzoek-te-laat"


def youth(ledger: Ledger, by: Acting, name: str = "Test Verzoeker") -> str:
    cmd = c.build(c.RegisterSubject, kind="jongere", name=name, date_of_birth=date(2010, 5, 6))
    return ledger.persons.register(cmd, by).short


def open_request(
    ledger: Ledger, by: Acting, subject: str, received: date, kind: str = "inzage"
) -> dict[str, str]:
    cmd = c.build(
        OpenRequest, subject=subject, kind=kind, received_on=received, note="Test notitie"
    )
    return ledger.rights.open(cmd, by)


def decide(ledger: Ledger, by: Acting, ref: str, on: date | None = None) -> dict[str, object]:
    cmd = c.build(
        DecideRequest, request=ref, outcome="toegewezen", reason="Test reden", decided_on=on
    )
    return ledger.rights.decide(cmd, by)


def extend(ledger: Ledger, by: Acting, ref: str, on: date | None = None) -> dict[str, str]:
    cmd = c.build(ExtendRequest, request=ref, reason="Test verlenging", extended_on=on)
    return ledger.rights.extend(cmd, by)


@settings(max_examples=25)
@given(received=st.dates(date(2024, 1, 1), date(2026, 11, 22)))
def test_the_deadline_is_one_calendar_month_and_the_extension_two_more(
    database_kind: str, received: date
) -> None:
    clock = FixedClock(date(2026, 11, 22))
    with fresh_database_url(database_kind) as url:
        ledger = open_ledger(url, require_initialised=False, clock=clock)
        try:
            ledger.initialise()
            regisseur = b.seed_actors(ledger)
            subject = youth(ledger, regisseur)
            opened = open_request(ledger, regisseur, subject, received)
            due = date.fromisoformat(opened["deadline"])
            # One calendar month: the same day of the next month, or its last day.
            month = received.month % 12 + 1
            year = received.year + (received.month == 12)
            assert (due.year, due.month) == (year, month)
            last_day = (due + timedelta(days=1)).day == 1
            assert due.day == received.day or (due.day < received.day and last_day)
            clock.set(received)
            extended = extend(ledger, regisseur, opened["request"])
            assert extended["deadline"] == Duration(months=2).after(due).isoformat()
        finally:
            ledger.close()


def test_month_ends(ledger: Ledger, clock: FixedClock) -> None:
    regisseur = b.seed_actors(ledger)
    subject = youth(ledger, regisseur)
    clock.set(date(2028, 3, 1))
    cases = {
        date(2027, 1, 31): "2027-02-28",
        date(2028, 1, 31): "2028-02-29",
        date(2027, 12, 31): "2028-01-31",
        date(2027, 8, 31): "2027-09-30",
    }
    for received, due in cases.items():
        assert open_request(ledger, regisseur, subject, received)["deadline"] == due


def test_extension_once_and_in_time(ledger: Ledger, clock: FixedClock) -> None:
    regisseur = b.seed_actors(ledger)
    subject = youth(ledger, regisseur)
    first = open_request(ledger, regisseur, subject, clock.today)
    clock.advance(40)
    with pytest.raises(Refused) as late:
        extend(ledger, regisseur, first["request"])
    assert late.value.rule == "request.extend-in-time"
    second = open_request(ledger, regisseur, subject, clock.today)
    extend(ledger, regisseur, second["request"])
    with pytest.raises(Refused) as twice:
        extend(ledger, regisseur, second["request"])
    assert twice.value.rule == "request.extend-once"


def test_overdue_request_is_a_finding_until_decided_and_lists(
    ledger: Ledger, clock: FixedClock
) -> None:
    regisseur = b.seed_actors(ledger)
    officer = b.privacy_officer(ledger)
    subject = youth(ledger, regisseur)
    opened = open_request(ledger, regisseur, subject, clock.today)
    assert not [f for f in ledger.privacy.findings(officer) if f["kind"] == LATE]
    clock.advance(35)
    late = [f for f in ledger.privacy.findings(officer) if f["kind"] == LATE]
    assert len(late) == 1 and opened["request"] in late[0]["detail"]
    assert [r["request"] for r in ledger.rights.listing(officer, overdue_only=True)] == [
        opened["request"]
    ]
    decided = decide(ledger, officer, opened["request"])
    assert decided["late"] is True
    assert ledger.rights.listing(officer, pending_only=True) == []
    answered_late = [f for f in ledger.privacy.findings(officer) if f["kind"] == LATE]
    assert "beantwoord op" in answered_late[0]["detail"]


def test_decided_in_time_is_no_finding_and_reads_back(ledger: Ledger, clock: FixedClock) -> None:
    regisseur = b.seed_actors(ledger)
    officer = b.privacy_officer(ledger)
    subject = youth(ledger, regisseur)
    opened = open_request(ledger, regisseur, subject, clock.today - timedelta(days=3))
    decide(ledger, regisseur, opened["request"])
    clock.advance(60)
    assert not [f for f in ledger.privacy.findings(officer) if f["kind"] == LATE]
    shown = ledger.rights.show(opened["request"], officer)
    assert shown["outcome"] == "toegewezen"
    assert shown["texts"] == {"note": "Test notitie", "decision": "Test reden"}
    with pytest.raises(Refused) as again:
        decide(ledger, regisseur, opened["request"])
    assert again.value.rule == "request.decided"
    report = ledger.privacy.subject_report(subject, officer)
    assert [(r["kind"], r["outcome"]) for r in report["requests"]] == [
        ("Recht op inzage", "toegewezen")
    ]


def test_a_pending_request_holds_the_subject_until_decided(
    ledger: Ledger, clock: FixedClock
) -> None:
    regisseur = b.seed_actors(ledger)
    subject = youth(ledger, regisseur)
    opened = open_request(ledger, regisseur, subject, clock.today, kind="wissing")
    holds = ledger.retention.holds(regisseur)
    assert [h["label"] for h in holds] == [subject]
    with pytest.raises(Refused) as by_hand:
        ledger.retention.lift_hold(holds[0]["hold_id"][:8], "Test", regisseur)
    assert by_hand.value.rule == "hold.request"
    with pytest.raises(Refused) as erase:
        ledger.persons.erase(
            c.build(c.EraseSubject, subject=subject, reason="Test", basis="AVG art. 17"),
            regisseur,
        )
    assert erase.value.rule == "subject.held"
    decide(ledger, regisseur, opened["request"])
    assert ledger.retention.holds(regisseur) == []
    ledger.persons.erase(
        c.build(c.EraseSubject, subject=subject, reason="Test", basis="AVG art. 17"), regisseur
    )


def test_who_may_handle_requests(ledger: Ledger, clock: FixedClock) -> None:
    regisseur = b.seed_actors(ledger)
    subject = youth(ledger, regisseur)
    admin = ledger.app.acting(b.ADMIN)
    with pytest.raises(Unauthorised):
        open_request(ledger, admin, subject, clock.today)
    uc = ledger.app.acting(b.UC)
    with pytest.raises(Unauthorised):
        open_request(ledger, uc, subject, clock.today)
    opened = open_request(ledger, b.privacy_officer(ledger), subject, clock.today)
    with pytest.raises(Unauthorised):
        ledger.rights.show(opened["request"], uc)
    with pytest.raises(Unauthorised):
        decide(ledger, uc, opened["request"])


def test_a_request_is_not_received_in_the_future(ledger: Ledger, clock: FixedClock) -> None:
    regisseur = b.seed_actors(ledger)
    subject = youth(ledger, regisseur)
    with pytest.raises(Refused) as future:
        open_request(ledger, regisseur, subject, clock.today + timedelta(days=1))
    assert future.value.rule == "date.not-future"
    opened = open_request(ledger, regisseur, subject, clock.today)
    with pytest.raises(Refused) as before:
        decide(ledger, regisseur, opened["request"], clock.today - timedelta(days=1))
    assert before.value.rule == "request.date-order"
