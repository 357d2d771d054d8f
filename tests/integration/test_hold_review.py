"""A legal hold is not forever: it has a review day, is a reminder from then on, and is
kept (with a reason and a next day) or lifted (decision 0050)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Refused
from ledger.rights.commands import OpenRequest
from policies.loader import PolicyError, load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_destruction_lists import write_policy


def youth(ledger: Ledger, by: Acting) -> str:
    cmd = c.build(
        c.RegisterSubject, kind="jongere", name="Test Blokkade", date_of_birth="2010-05-06"
    )
    return ledger.persons.register(cmd, by).short


def hold_row(ledger: Ledger, hold: str, by: Acting) -> dict[str, object]:
    rows = ledger.retention.holds(by, active_only=False)
    return next(r for r in rows if r["hold_id"] == hold)


def blokkades(ledger: Ledger, by: Acting, days_ahead: int) -> list[dict[str, object]]:
    rows = ledger.reminders.reminders(by, within=days_ahead)
    return [r for r in rows if r["kind"] == "blokkade"]


def test_a_hold_is_reviewed_by_default_after_the_policy_term(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    officer = b.privacy_officer(ledger)
    subject = youth(ledger, by)
    hold = ledger.retention.place_hold(subject, "bezwaar loopt", by)
    today = clock()
    review_on = str(hold_row(ledger, hold, by)["review_on"])
    assert today + timedelta(days=180) <= today.fromisoformat(review_on)
    assert today.fromisoformat(review_on) <= today + timedelta(days=185)
    assert blokkades(ledger, officer, 14) == []
    due = blokkades(ledger, officer, 200)
    assert [r["due"] for r in due] == [review_on]
    assert subject not in str(due)  # named by the hold, never the subject


def test_a_review_keeps_the_hold_until_its_next_day_and_a_lift_ends_the_reminders(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    officer = b.privacy_officer(ledger)
    ref = b.open_case(ledger, by)
    hold = ledger.retention.place_hold(ref, "procedure", by, review_on=clock() + timedelta(days=3))
    assert [r["case"] for r in blokkades(ledger, officer, 7)] == [ref]
    clock.advance(5)
    assert blokkades(ledger, officer, 0)[0]["overdue"] is True
    nxt = clock() + timedelta(days=90)
    ledger.retention.review_hold(hold[:8], "procedure loopt nog", nxt, officer)
    assert hold_row(ledger, hold, by)["review_on"] == nxt.isoformat()
    assert blokkades(ledger, officer, 30) == []
    assert [r["due"] for r in blokkades(ledger, officer, 100)] == [nxt.isoformat()]
    ledger.retention.lift_hold(hold[:8], "procedure afgerond", officer)
    assert blokkades(ledger, officer, 400) == []
    with pytest.raises(Refused, match=r"hold\.active"):
        ledger.retention.review_hold(hold[:8], "te laat", nxt, officer)


def test_a_review_day_lies_ahead_and_a_refusal_writes_nothing(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    before = ledger.app.sql_recorder.max_notification_id()
    with pytest.raises(BadInput, match="--review-on"):
        ledger.retention.place_hold(ref, "procedure", by, review_on=clock())
    hold = ledger.retention.place_hold(ref, "procedure", by)
    written = ledger.app.sql_recorder.max_notification_id()
    assert before is not None and written is not None and written > before
    with pytest.raises(BadInput, match="--next"):
        ledger.retention.review_hold(hold[:8], "procedure", clock(), by)
    assert ledger.app.sql_recorder.max_notification_id() == written


def test_a_hold_for_a_rights_request_has_its_deadline_as_review(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    officer = b.privacy_officer(ledger)
    subject = youth(ledger, by)
    ledger.rights.open(
        c.build(OpenRequest, subject=subject, kind="wissing", received_on=clock()), officer
    )
    held = [r for r in ledger.retention.holds(officer) if r["request_id"]]
    assert held and all(r["review_on"] is None for r in held)


def test_a_zero_review_term_is_refused_on_load(tmp_path: Path) -> None:
    policy = write_policy(tmp_path, 'hold_review = "P6M"', 'hold_review = "P0D"')
    with pytest.raises(PolicyError, match=r"retention\.toml.*hold_review"):
        load_policies(policy)
