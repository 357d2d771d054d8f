"""The demo's information duty as practised: a partner phones the parent and records
it, the youth is given the letter at the home conversation, the deferral waits for the
privacy officer's second decision; and the demo's letters pass the art. 14 checker."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.letters.commands import GenerateLetters
from tests.integration.test_letters import POLICIES, controller_facts, org_name
from tests.letter_checker import Expected, missing_art14_elements, pdf_facts


def test_the_demo_records_a_phone_call_by_a_partner_and_its_letters_are_complete(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    target = tmp_path / "demo.sqlite"
    env = {"REGIE_CONFIG": str(tmp_path / "absent.toml"), "REGIE_DATA_DIR": str(tmp_path)}
    assert runner.invoke(regie, ["demo", "--db", str(target)], env=env).exit_code == 0
    env["REGIE_ACTOR"] = "regisseur-demo"
    due = runner.invoke(regie, ["--db", str(target), "letters", "due", "--all", "--json"], env=env)
    assert due.exit_code == 0, due.output
    rows = json.loads(due.output)
    [phoned] = [r for r in rows if any(x["how"] == "telefoon" for x in r["informed"])]
    call = next(x for x in phoned["informed"] if x["how"] == "telefoon")
    assert (call["by"], call["org"], call["with_letter"]) == (
        "jongerenwerk-demo",
        "jongerenwerk",
        False,
    )
    assert phoned["status"] == "informed"
    assert any(x["how"] == "huisgesprek" and x["with_letter"] for x in phoned["informed"])
    assert any(r["status"].startswith("deferred until") for r in rows)  # confirmed by the FG

    env["REGIE_ACTOR"] = "privacy-demo"
    found = runner.invoke(regie, ["--db", str(target), "audit", "findings", "--json"], env=env)
    kinds = {f["kind"] for f in json.loads(found.output)}
    assert "uitstel-herbeoordelen" in kinds and "vertegenwoordiger-onbekend" in kinds

    ledger = open_ledger(f"sqlite:///{target}")
    try:
        uc = ledger.app.acting("uc-demo")
        sender = POLICIES.letters.controller_of("gemeente")
        assert sender is not None and sender.signatory
        for fmt in ("txt", "pdf"):
            made = ledger.letters.render(
                c.build(GenerateLetters, subject=phoned["subject"], format=fmt), uc
            )
            assert {m.kind for m in made} == {"jongere", "wettelijk-vertegenwoordiger"}
            for letter in made:
                youth = letter.kind == "jongere"
                text = letter.content.decode() if fmt == "txt" else pdf_facts(letter.content).text
                wanted = Expected(
                    controllers=[
                        controller_facts(o) for o in ("gemeente", "politie", "jongerenwerk")
                    ],
                    purposes=[POLICIES.letters.sender.purpose],
                    legal_bases=[],
                    categories=[],
                    sources=[],
                    recipients=[org_name("politie")],
                    intended=[],
                    arrangement=(
                        POLICIES.letters.texts.arrangement_youth
                        if youth
                        else POLICIES.letters.texts.arrangement
                    ),
                    signatory=sender.signatory,
                )
                assert missing_art14_elements(text, wanted, youth=youth) == []
                if fmt == "pdf":
                    facts = pdf_facts(letter.content)
                    assert facts.ink_in_margin == [] and (facts.pages <= 2 or not youth)
    finally:
        ledger.close()
