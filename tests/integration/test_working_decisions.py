"""Working decisions at any step (issue 11, item 6): to wait and look again (afwachten,
000 L774) and to share at another level (000 L572-584). They are on record with their
motivation and never take the place of the step-4 prioritisation. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.cases import commands as cc
from ledger.errors import BadInput, Refused
from tests import builders as b


def _wait(ref: str, **overrides: object) -> cc.RecordWorkingDecision:
    values: dict[str, object] = dict(
        case=ref,
        kind="afwachten",
        motivation="Eerst het weekend afwachten",
        body="ketenoverleg",
        review_on=date(2026, 11, 25),
    )
    values.update(overrides)
    return c.build(cc.RecordWorkingDecision, **values)


def test_a_decision_to_wait_is_recorded_at_step_1_and_shown_with_its_review_day(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    # The step-4 decision is refused here, the working decision is not.
    with pytest.raises(Refused, match=r"decision\.at-step-4"):
        ledger.cases.record_decision(b.decision(ref), by)
    assert ledger.cases.record_working_decision(_wait(ref), by) == 1
    level = _wait(ref, kind="deelniveau", level="kerngroep", review_on=None,
                  motivation="Sleutelfiguren in beeld")  # fmt: skip
    assert ledger.cases.record_working_decision(level, by) == 2
    decisions = ledger.cases.overview(ref, by)["decisions"]
    assert [(d["outcome"], d["review_on"], d["level"]) for d in decisions] == [
        ("afwachten", "2026-11-25", None),
        ("deelniveau", None, "kerngroep"),
    ]
    assert decisions[0]["motivation"] == "Eerst het weekend afwachten"
    assert decisions[0]["step"] == 1
    assert all(d["policy_hash"] == ledger.policies.policy_hash for d in decisions)


def test_working_decisions_are_refused_without_their_rule(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    today = ledger.app.clock()
    with pytest.raises(Refused, match=r"decision\.working-motivation"):
        ledger.cases.record_working_decision(_wait(ref, motivation="  "), by)
    with pytest.raises(Refused, match=r"decision\.wait-review"):
        ledger.cases.record_working_decision(_wait(ref, review_on=None), by)
    with pytest.raises(Refused, match=r"decision\.wait-review"):
        ledger.cases.record_working_decision(_wait(ref, review_on=today), by)
    with pytest.raises(Refused, match=r"decision\.level-named"):
        ledger.cases.record_working_decision(_wait(ref, kind="deelniveau", level=None), by)
    with pytest.raises(BadInput, match="unknown sharing level"):
        ledger.cases.record_working_decision(_wait(ref, kind="deelniveau", level="iedereen"), by)
    outsider = ledger.app.acting(b.PRIVACY)
    with pytest.raises(Exception, match=r"may not run `decision working`"):
        ledger.cases.record_working_decision(_wait(ref), outsider)
    assert ledger.cases.overview(ref, by)["decisions"] == []


def test_a_working_decision_never_prioritises(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 4)
    level = _wait(ref, kind="deelniveau", level="convenant", review_on=None)
    ledger.cases.record_working_decision(level, by)
    with pytest.raises(Refused, match=r"step\.prioritised-before-5"):
        ledger.cases.advance(b.advance(ref), by)
    number = ledger.cases.record_decision(b.decision(ref), by)
    assert number == 2  # numbered with the working decision before it
    ledger.cases.advance(b.advance(ref), by)
    assert ledger.cases.overview(ref, by)["step"] == 5


def test_the_cli_records_both_kinds_and_says_what_it_decided(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the CLI acts by REGIE_ACTOR on SQLite (PostgreSQL: test_identity.py)")
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    monkeypatch.setenv("REGIE_DATABASE_URL", database_url)
    monkeypatch.setenv("REGIE_KEY_DIR", str(ledger.keys.directory))
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("REGIE_ACTOR", b.REGISSEUR)
    ledger.close()
    runner = CliRunner()
    later = (date.today() + timedelta(days=4)).isoformat()
    waited = runner.invoke(regie, ["decision", "record", ref, "--wait", "--review-on",
                                   later, "--body", "ketenoverleg", "--motivation",
                                   "Weekend"])  # fmt: skip
    assert waited.exit_code == 0, waited.output
    assert f"wait, look again on {later}" in waited.output
    level = runner.invoke(regie, ["decision", "record", ref, "--level", "kerngroep", "--body",
                                  "ketenoverleg", "--motivation", "Namen", "--json"])  # fmt: skip
    assert level.exit_code == 0, level.output
    assert json.loads(level.output) == {"case": ref, "decision": 2, "outcome": "deelniveau"}
    shown = runner.invoke(regie, ["case", "show", ref])
    assert "afwachten" in shown.output and "kerngroep" in shown.output
    decisions = json.loads(runner.invoke(regie, ["case", "show", ref, "--json"]).output)
    assert [(d["review_on"], d["level"]) for d in decisions["decisions"]] == [
        (later, None),
        (None, "kerngroep"),
    ]
    missing = runner.invoke(regie, ["decision", "record", ref, "--wait", "--body",
                                    "ketenoverleg", "--motivation", "x"])  # fmt: skip
    assert missing.exit_code == 1
    assert "decision.wait-review" in missing.output
    urgent = runner.invoke(regie, ["action", "add", ref, "--urgent", "--description", "Toezicht",
                                   "--track", "locatie", "--org", "gemeente", "--person",
                                   "Team Toezicht", "--due", later, "--reason", "Weekend",
                                   "--authorised-by", "Burgemeester"])  # fmt: skip
    assert urgent.exit_code == 0, urgent.output
    assert "Took urgent measure A1" in urgent.output
    alone = runner.invoke(regie, ["action", "add", ref, "--description", "x", "--track",
                                  "locatie", "--org", "gemeente", "--person", "y", "--due",
                                  later, "--reason", "Weekend"])  # fmt: skip
    assert alone.exit_code == 2
    listed = json.loads(runner.invoke(regie, ["case", "show", ref, "--json"]).output)
    assert [(a["urgent"], a["ratified_by"]) for a in listed["actions"]] == [(True, None)]
    both = runner.invoke(regie, ["decision", "record", ref, "--wait", "--level", "kerngroep",
                                 "--body", "ketenoverleg"])  # fmt: skip
    assert both.exit_code == 2


def _urgent(ref: str, **overrides: object) -> cc.TakeUrgentMeasure:
    values: dict[str, object] = dict(
        case=ref,
        description="Cameratoezicht op het plein",
        track="locatie",
        organisation="gemeente",
        person="Team Toezicht",
        due=date(2026, 12, 15),
        reason="Escalatie verwacht dit weekend",
        authorised_by="Burgemeester",
    )
    values.update(overrides)
    return c.build(cc.TakeUrgentMeasure, **values)


def test_an_urgent_measure_before_the_decision_is_ratified_by_it(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    # Plain actions wait for a plan; an urgent measure does not.
    with pytest.raises(Refused, match=r"action\.step"):
        ledger.cases.add_action(
            c.build(c.AddAction, case=ref, description="x", track="locatie",
                    organisation="gemeente", person="y", due=date(2026, 12, 15)), by,
        )  # fmt: skip
    assert ledger.cases.take_urgent_measure(_urgent(ref), by) == 1
    with pytest.raises(BadInput, match="reason"):
        ledger.cases.take_urgent_measure(_urgent(ref, reason=" "), by)
    (measure,) = ledger.cases.actions(by, ref)
    assert (measure["urgent"], measure["ratified_by"]) == (True, None)
    assert measure["urgent_reason"] == "Escalatie verwacht dit weekend"
    assert measure["authorised_by"] == "Burgemeester"
    b.walk_to_step(ledger, by, ref, 4)
    # The decision to prioritise must ratify it, and only what awaits ratification.
    with pytest.raises(Refused, match=r"decision\.ratify-urgent") as refused:
        ledger.cases.record_decision(b.decision(ref), by)
    assert "--ratify A1" in str(refused.value)
    with pytest.raises(Refused, match=r"decision\.ratify-unknown"):
        ledger.cases.record_decision(b.decision(ref, ratify=[1, 7]), by)
    number = ledger.cases.record_decision(b.decision(ref, ratify=[1]), by)
    (measure,) = ledger.cases.actions(by, ref)
    assert measure["ratified_by"] == number
    with pytest.raises(Refused, match=r"decision\.ratify-unknown"):
        ledger.cases.record_decision(b.decision(ref, ratify=[1]), by)
    # After a rebuild from the events, the same.
    ledger.projections.rebuild()
    assert ledger.cases.actions(by, ref)[0]["ratified_by"] == number


def test_a_decision_not_to_prioritise_may_leave_an_urgent_measure_unratified(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 4)
    ledger.cases.take_urgent_measure(_urgent(ref), by)
    refused = b.decision(ref, outcome="niet-geprioriteerd", motivation="Geen groep")
    ledger.cases.record_decision(refused, by)
    assert ledger.cases.actions(by, ref)[0]["ratified_by"] is None
