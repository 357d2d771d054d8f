"""The namenlijst and the groepsscan as provisions (issue 11, item 5; decision 0030): each
agreed namenlijst version went to its partners, the groepsscan request took it to the
police, and the scan went to the burgemeester and the OM. The register of disclosures,
who-saw, the subject report and the letters say so: a youth on a namenlijst sent to the
police and the OM is never told that nothing about them was provided."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.cases.group import AddToNamenlijst
from ledger.documents import subject_report_text
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_letters import POLICIES, World, born, build_world, generate

NOTHING_PROVIDED = "Er zijn geen gegevens over u aan anderen verstrekt."
NOBODY = "We hebben je gegevens aan niemand anders gegeven."


def listed_world(ledger: Ledger, clock: FixedClock, scan: bool = True) -> World:
    """A youth on a namenlijst agreed by gemeente, politie and OM, no provision (share)
    about them; with ``scan`` the groepsscan was requested and received."""
    world = build_world(ledger, clock, born(17), partners=("gemeente", "politie", "om"), shares=())
    if scan:
        ledger.group.request_groepsscan(
            c.build(
                c.RequestGroepsscan,
                case=world.ref,
                requested_by="burgemeester",
                motivation="Zicht op de rolverdeling nodig (test)",
            ),
            world.by,
        )
        ledger.group.receive_groepsscan(
            c.build(
                c.ReceiveGroepsscan,
                case=world.ref,
                recipients=["burgemeester", "OM gebiedsofficier"],
                unknown_names=0,
                informatiepositie="matig",
                summary="Synthetische samenvatting",
            ),
            world.by,
        )
    return world


def of_kind(rows: list[dict[str, Any]], *kinds: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["kind"] in kinds]


def test_the_register_of_disclosures_lists_the_namenlijst_and_the_groepsscan(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = listed_world(ledger, clock)
    officer = b.privacy_officer(ledger)
    register = ledger.privacy.disclosures(officer)
    assert of_kind(register, "verstrekking") == []
    summary = [
        (r["kind"], r["share"], r["from"], r["to"], r["subjects"], r["categories"])
        for r in register
    ]
    assert summary == [
        ("namenlijst", "namenlijst v1", "gemeente", ["om", "politie"], 1, ["identificatie"]),
        ("groepsscan", "groepsscan 1 (verzoek)", "gemeente", ["politie"], 1, ["identificatie"]),
        (
            "groepsscan",
            "groepsscan 1",
            "politie",
            ["OM gebiedsofficier", "burgemeester"],
            1,
            ["identificatie", "politie-informatie"],
        ),
    ]
    listed, request, scan = register
    assert "namenlijst v1" in listed["basis"] and "000 L2078" in listed["basis"]
    assert "burgemeester" in request["basis"] and request["named_recipients"] == [
        "teamchef politie"
    ]
    assert "standaardrapportage" in scan["basis"]
    assert listed["answered_by"] == f"{b.REGISSEUR} (gemeente)"
    assert all(r["outcome"] == "verstrekt" for r in register)
    # The register counts persons; it does not name them, not even by pseudonym.
    youth_id = ledger.persons.resolve(world.youth)
    assert youth_id not in json.dumps(register) and world.youth not in json.dumps(register)
    # Filtered as provisions are: by recipient, by date, and none rests on a convenant.
    to_police = ledger.privacy.disclosures(officer, to_org="politie")
    assert [r["share"] for r in to_police] == ["namenlijst v1", "groepsscan 1 (verzoek)"]
    assert ledger.privacy.disclosures(officer, convenant="jga-test") == []
    assert ledger.privacy.disclosures(officer, until=date(2026, 9, 2)) == []
    since = ledger.privacy.disclosures(officer, since=date(2026, 11, 1))
    assert [r["kind"] for r in since] == ["groepsscan", "groepsscan"]


def test_an_addition_is_its_own_version_in_the_register(ledger: Ledger, clock: FixedClock) -> None:
    world = listed_world(ledger, clock, scan=False)
    other = ledger.persons.register(
        c.build(
            c.RegisterSubject, kind="jongere", name="Test Jongere Later", date_of_birth=born(16)
        ),
        world.by,
    ).short
    ledger.group.add_member(
        c.build(c.Membership, case=world.ref, subject=other, core="aanhang", influence="meeloper"),
        world.by,
    )
    ledger.group.add_to_namenlijst(
        c.build(
            AddToNamenlijst,
            case=world.ref,
            subject=other,
            motivation="Later in beeld (test)",
            agreed_by=["gemeente", "politie"],
        ),
        world.by,
    )
    rows = ledger.privacy.disclosures(b.privacy_officer(ledger))
    assert [(r["share"], r["subjects"], r["to"]) for r in rows] == [
        ("namenlijst v1", 1, ["om", "politie"]),
        ("namenlijst v2", 2, ["politie"]),
    ]
    assert "aangevuld" in rows[1]["basis"] and rows[1]["command"] == "namenlijst.add"
    seen = of_kind(ledger.privacy.who_saw(other, b.privacy_officer(ledger)), "namenlijst")
    assert [r["recipients"] for r in seen] == [["politie"]]  # not on version 1


def test_who_saw_names_the_recipients_of_the_namenlijst_and_the_groepsscan(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = listed_world(ledger, clock)
    rows = ledger.privacy.who_saw(world.youth, b.privacy_officer(ledger))
    provided = of_kind(rows, "namenlijst", "groepsscan")
    assert [(r["kind"], r["command"], r["recipients"]) for r in provided] == [
        ("namenlijst", "namenlijst.agree", ["om", "politie"]),
        ("groepsscan", "groepsscan.request", ["politie"]),
        ("groepsscan", "groepsscan.receive", ["OM gebiedsofficier", "burgemeester"]),
    ]
    assert all(r["outcome"] == "verstrekt" and r["case"] == world.ref for r in provided)
    # Someone on no namenlijst has none of these rows.
    stranger = ledger.persons.register(
        c.build(c.RegisterSubject, kind="jongere", name="Test Buiten", date_of_birth=born(15)),
        world.by,
    ).short
    assert of_kind(ledger.privacy.who_saw(stranger, b.privacy_officer(ledger)), "namenlijst") == []


def test_the_subject_report_never_says_nothing_was_provided_about_a_listed_youth(
    ledger: Ledger, clock: FixedClock
) -> None:
    world = listed_world(ledger, clock)
    report = ledger.privacy.subject_report(world.youth, b.privacy_officer(ledger))
    labels = {o.key: o.label for o in ledger.app.policies.organisations.organisation}
    assert sorted(report["recipients"]) == sorted(
        ["OM gebiedsofficier", "Burgemeester", labels["om"], labels["politie"]]
    )
    assert [p["what"] for p in report["provisions"]] == [
        "namenlijst (versie 1)",
        "verzoek om een groepsscan",
        "groepsscan",
    ]
    assert labels["politie"] in report["sources"]  # the police delivered the scan
    assert "Politie-informatie (groepsscan)" in report["categories"]
    text = subject_report_text(report)
    assert NOTHING_PROVIDED not in text
    assert f"  - {labels['politie']}" in text and f"  - {labels['om']}" in text
    assert "  - om\n" not in text and "  - politie\n" not in text  # labels, not keys


def test_the_letter_names_the_police_and_the_om_as_recipients(
    ledger: Ledger, clock: FixedClock, tmp_path: Path
) -> None:
    world = listed_world(ledger, clock)
    (letter,) = generate(ledger, world, tmp_path)
    for org in ("politie", "om"):  # named as the letters policy names the controller
        controller = POLICIES.letters.controller_of(org)
        assert controller is not None and controller.name in letter.text
    assert "OM gebiedsofficier" in letter.text  # who received the groepsscan
    assert NOBODY not in letter.text
