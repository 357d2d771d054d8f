"""Self-checks (issue 13, item 6): the 4 sleutels checklists of seed 001 for a case, with
what the ledger answers itself, answers recorded as an event, and the informatiematrix of
the werkproces per step."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.errors import BadInput, Unauthorised
from ledger.workbench.checklists import AnswerChecklist
from policies.loader import DEFAULTS, PolicyError, load_policies
from tests import builders as b
from tests.integration.test_sharing import events_since, mark

SEEDS = Path("/work/shared/seeds")
SOURCE_TYPOS = {"Monitoring is een": "Monitoring in een"}  # 001 L1843 reads "in"


def ledger_answers(ledger: Ledger, ref: str, sleutel: int) -> dict[int, str | None]:
    shown = ledger.checklists.checklist(ref, sleutel, ledger.app.acting(b.REGISSEUR))
    return {i["number"]: i["ledger"] for i in shown["items"] if i["fact"]}


def test_the_default_checklists_are_the_four_sleutels_of_seed_001() -> None:
    policies = load_policies()
    assert [(s.number, len(s.item)) for s in policies.werkbank.sleutel] == [
        (1, 10),
        (2, 10),
        (3, 10),
        (4, 10),
    ]
    found = sorted(SEEDS.glob("001_*")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("the seed documents are not on this machine")
    seed = re.sub(r"\s+", " ", found[0].read_text("utf-8"))
    for sleutel in policies.werkbank.sleutel:
        for item in sleutel.item:
            head = item.text[:40]
            for fixed, original in SOURCE_TYPOS.items():
                head = head.replace(fixed, original)
            assert head in seed, f"sleutel {sleutel.number} item {item.number} is not in 001"


def test_the_ledger_answers_what_its_record_holds(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    assert ledger_answers(ledger, ref, 1) == {1: "ja", 8: "ja"}  # a regisseur, a coordinator
    assert ledger_answers(ledger, ref, 2) == {2: "nee", 3: "nee", 10: "nee"}
    assert ledger_answers(ledger, ref, 3) == {1: "nee", 2: "nee", 7: "nee"}
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.record_decision(b.decision(ref), by)
    ledger.cases.advance(b.advance(ref), by)
    ledger.cases.set_plan(b.plan(ref), by)
    answers = ledger_answers(ledger, ref, 3)
    assert (answers[1], answers[2], answers[7]) == ("ja", None, "ja")
    shown = ledger.checklists.checklist(ref, 3, by)
    assert "SMART beoordeelt u" in shown["items"][1]["fact"]


def test_answers_are_recorded_as_an_event_and_bad_ones_write_nothing(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    before = mark(ledger)
    answered = c.build(AnswerChecklist, case=ref, sleutel=4, answers={"2": "ja", 10: "nee"})
    assert ledger.checklists.answer(answered, by) == 2
    assert events_since(ledger, before) == Counter({"Case.ChecklistAnswered": 1})
    shown = ledger.checklists.checklist(ref, 4, by)
    assert shown["answered_by"] == b.REGISSEUR and shown["answered_on"]
    assert {i["number"]: i["answer"] for i in shown["items"] if i["answer"]} == {
        2: "ja",
        10: "nee",
    }
    partner = b.provider(ledger, by, ref, "jongerenwerk")
    before = mark(ledger)
    for bad, message in (
        ({11: "ja"}, "has items 1..10, not 11"),
        ({1: "misschien"}, "answer ja or nee"),
    ):
        with pytest.raises(BadInput, match=message):
            ledger.checklists.answer(c.build(AnswerChecklist, case=ref, sleutel=4, answers=bad), by)
    with pytest.raises(BadInput, match="there is no sleutel 5"):
        ledger.checklists.checklist(ref, 5, by)
    with pytest.raises(Unauthorised):
        ledger.checklists.answer(answered, partner)
    assert mark(ledger) == before + 1  # only the denial, in the access log


def test_step_info_shows_what_each_partner_brings_now(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 2)
    info = ledger.checklists.step_info(ref, by)
    assert info["step"] == 2
    brought = {e["organisation"]: e["brings"] for e in info["expected"]}
    assert "groepsscan" in brought["politie"] and "namenlijst" in brought["gemeente"]
    assert all(e["source"].startswith("000 L") for e in info["expected"])
    partner = b.provider(ledger, by, ref, "politie")
    assert ledger.checklists.step_info(ref, partner) == info


def test_a_municipality_checklist_file_is_validated(tmp_path: Path) -> None:
    default = (DEFAULTS / "werkbank.toml").read_text(encoding="utf-8")
    path = tmp_path / "werkbank.toml"
    path.write_text(default.replace('evidence = "convenant-actueel"', 'evidence = "gevoel"'))
    with pytest.raises(PolicyError, match="unknown evidence 'gevoel'") as raised:
        load_policies(tmp_path)
    assert str(path) in str(raised.value) and "sleutel[1].item[9]" in str(raised.value)
    path.write_text(default.replace('organisation = "om"', 'organisation = "kmar"', 1))
    with pytest.raises(PolicyError, match="'kmar' is not an organisation"):
        load_policies(tmp_path)


def test_checklists_through_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "demo.sqlite"
    env = {"REGIE_CONFIG": str(tmp_path / "absent.toml"), "REGIE_DATA_DIR": str(tmp_path)}
    made = runner.invoke(regie, ["demo", "--db", str(target), "--json"], env=env)
    assert made.exit_code == 0, made.output
    ref = json.loads(made.output)["overview"]["ref"]  # JG-<this year>-001
    env["REGIE_ACTOR"] = "regisseur-demo"
    db = ["--db", str(target)]
    shown = runner.invoke(regie, [*db, "checklist", "show", ref, "--sleutel", "2"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "Informatie en analyse" in shown.output and "jga-voorbeeldstad" in shown.output
    bad = runner.invoke(
        regie, [*db, "checklist", "answer", ref, "--sleutel", "2", "--answer", "x"], env=env
    )
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1
