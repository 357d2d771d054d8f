"""Destruction lists (decision 0033): a run proposes, a proceseigenaar and an archivaris
approve (each may exclude items with a reason), then the list is executed; and the
retention rules that decide what is on it (dry runs ahead, back-dated registration, a
representative following the youth, the age limit over every category)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.durations import Duration
from ledger.errors import BadInput, Refused
from ledger.retention.lists import DESTROYED, EXCLUDED, HELD_SINCE, PROPOSED
from policies.loader import PolicyError, load_policies
from tests import builders as b
from tests.conftest import FixedClock
from tests.paths import ROOT


def youth(ledger: Ledger, by: Acting, name: str, **extra: object) -> str:
    return ledger.persons.register(
        c.build(
            c.RegisterSubject, kind="jongere", name=name, date_of_birth=date(2010, 3, 4), **extra
        ),
        by,
    ).short


def proposed(ledger: Ledger, clock: FixedClock, count: int = 2) -> tuple[str, list[str]]:
    """``count`` youths registered outside any approach, and a list proposing their data."""
    by = b.seed_actors(ledger)
    subjects = [youth(ledger, by, f"Test Lijst {n}") for n in range(count)]
    clock.advance(365 * 3)
    run = ledger.retention.run(None, b.privacy_officer(ledger))
    assert run.proposal and run.run_id and run.purged
    return run.run_id, subjects


def test_a_list_is_executed_only_after_both_approvals(
    ledger: Ledger, clock: FixedClock
) -> None:
    list_id, subjects = proposed(ledger, clock)
    owner, archivist = b.reviewers(ledger)
    officer = b.privacy_officer(ledger)
    view = ledger.retention.show_list(list_id, owner)
    assert {i["status"] for i in view["items"]} == {PROPOSED}
    assert [r["run_id"] for r in ledger.retention.pending_lists(owner)] == [list_id]
    with pytest.raises(Refused, match=r"retention\.list-approved"):
        ledger.retention.execute_list(list_id, officer)
    ledger.retention.approve_list(list_id, owner, comment="Gecontroleerd")
    with pytest.raises(Refused, match=r"retention\.list-approved"):
        ledger.retention.execute_list(list_id, officer)
    ledger.retention.approve_list(list_id, archivist)
    done = ledger.retention.execute_list(list_id, officer)
    assert {i["label"] for i in done.purged} == set(subjects)
    view = ledger.retention.show_list(list_id, owner)
    assert view["executed"] and {i["status"] for i in view["items"]} == {DESTROYED}
    assert [r["by"] for r in view["reviews"]] == [b.PROCESEIGENAAR, b.ARCHIVARIS]
    with pytest.raises(Refused, match=r"retention\.list-approved"):
        ledger.retention.execute_list(list_id, officer)  # once
    assert ledger.retention.pending_lists(owner) == []
    assert len(ledger.retention.pending_lists(owner, all_lists=True)) == 1
    report = ledger.retention.report(officer)
    assert {r["what"] for r in report} == {f"subject {s}" for s in subjects}


def register(ledger: Ledger, handle: str, roles: list[str]) -> Acting:
    ledger.actors.register_actor(
        c.build(c.RegisterActor, handle=handle, display_name="Test Beoordelaar",
                organisation="gemeente", roles=roles),
        ledger.app.acting(b.ADMIN),
    )  # fmt: skip
    return ledger.app.acting(handle)


def test_reviewers_are_the_policy_roles_each_a_different_actor(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    youth(ledger, by, "Test Rollen")
    clock.advance(365 * 3)
    proposer = register(ledger, "fg-en-proceseigenaar-test", ["privacy-officer", "proceseigenaar"])
    both = register(ledger, "twee-rollen-test", ["proceseigenaar", "archivaris"])
    run = ledger.retention.run(None, proposer)
    assert run.run_id is not None
    list_id = run.run_id
    owner, _ = b.reviewers(ledger)
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(Refused, match=r"retention\.list-reviewer"):
        ledger.retention.approve_list(list_id, owner, role="archivaris")  # not held
    with pytest.raises(Refused, match=r"retention\.list-reviewer"):
        ledger.retention.approve_list(list_id, proposer)  # privacy-officer reviews no list
    with pytest.raises(Refused, match=r"retention\.four-eyes"):
        ledger.retention.approve_list(list_id, proposer, role="proceseigenaar")
    assert ledger.app.recorder.max_notification_id() == before  # nothing written
    ledger.retention.approve_list(list_id, both, role="proceseigenaar")
    with pytest.raises(Refused, match=r"retention\.list-reviewer"):
        ledger.retention.approve_list(list_id, owner)  # a role reviews once
    with pytest.raises(Refused, match=r"retention\.list-reviewer"):
        ledger.retention.approve_list(list_id, both, role="archivaris")  # another actor


def test_excluded_and_newly_held_items_are_kept_with_their_reason(
    ledger: Ledger, clock: FixedClock
) -> None:
    list_id, subjects = proposed(ledger, clock, count=3)
    owner, archivist = b.reviewers(ledger)
    officer = b.privacy_officer(ledger)
    view = ledger.retention.show_list(list_id, owner)
    numbers = {i["what"].split()[-1]: i["number"] for i in view["items"]}
    with pytest.raises(BadInput, match="--reason"):
        ledger.retention.approve_list(list_id, owner, exclude=[numbers[subjects[0]]])
    with pytest.raises(BadInput, match="items 1 to"):
        ledger.retention.approve_list(list_id, owner, exclude=[99], reason="x")
    ledger.retention.approve_list(
        list_id, owner, exclude=[numbers[subjects[0]]], reason="Broer in nieuwe aanpak"
    )
    ledger.retention.approve_list(list_id, archivist)
    regisseur = ledger.app.acting(b.REGISSEUR, "regisseur")
    ledger.retention.place_hold(subjects[1], "inzageverzoek loopt", regisseur)
    done = ledger.retention.execute_list(list_id, officer)
    assert {i["label"] for i in done.purged} == {subjects[2]}
    status = {
        i["what"].split()[-1]: (i["status"], i["reason"])
        for i in ledger.retention.show_list(list_id, archivist)["items"]
    }
    assert status[subjects[0]] == (EXCLUDED, "proceseigenaar: Broer in nieuwe aanpak")
    assert status[subjects[1]][1] == HELD_SINCE
    assert status[subjects[2]] == (DESTROYED, "")
    by = ledger.app.acting(b.REGISSEUR, "regisseur")
    assert ledger.persons.view(subjects[0], by)["fields"]["name"] == "Test Lijst 0"


def test_an_interrupted_execution_is_executed_again(ledger: Ledger, clock: FixedClock) -> None:
    from tests.integration.test_unfinished_destruction import Killed, killed_at_shred

    list_id, _ = proposed(ledger, clock)
    for reviewer in b.reviewers(ledger):
        ledger.retention.approve_list(list_id, reviewer)
    officer = b.privacy_officer(ledger)
    with killed_at_shred(after=1), pytest.raises(Killed):
        ledger.retention.execute_list(list_id, officer)
    ledger.retention.execute_list(list_id, officer)
    statuses = {i["status"] for i in ledger.retention.show_list(list_id, officer)["items"]}
    assert statuses == {DESTROYED}


def test_single_approval_is_a_documented_switch(ledger: Ledger, clock: FixedClock) -> None:
    by = b.seed_actors(ledger)
    subject = youth(ledger, by, "Test Enkel")
    clock.advance(365 * 3)
    b.single_approval(ledger)
    run = ledger.retention.run(None, b.privacy_officer(ledger))
    assert not run.proposal and {i["label"] for i in run.purged} == {subject}
    text = (ROOT / "policies" / "defaults" / "retention.toml").read_text(encoding="utf-8")
    assert "four_eyes = true" in text and "four_eyes = false is\n# single approval" in text


def test_a_future_dry_run_lists_what_that_date_would_destroy(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subject = youth(ledger, by, "Test Vooruit")
    officer = b.privacy_officer(ledger)
    ahead = clock() + timedelta(days=365 * 3)
    assert ledger.retention.run(None, officer, dry_run=True).purged == []
    future = ledger.retention.run(ahead, officer, dry_run=True)
    assert future.as_of == ahead.isoformat() and future.dry_run
    assert {i["label"] for i in future.purged} == {subject}
    with pytest.raises(Refused, match=r"lies in the future"):
        ledger.retention.run(ahead, officer)  # a real run only today or before
    assert b.purge_due(ledger).purged == []  # the dry run destroyed nothing


def test_a_registration_can_be_back_dated_and_retention_counts_from_it(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    earlier = clock() - timedelta(days=800)
    subject = youth(ledger, by, "Test Terug", registered_on=earlier)
    [item] = [
        i
        for i in ledger.retention.schedule()
        if i.label == subject and i.category == "identificatie"
    ]
    assert item.start_date == earlier.isoformat()
    with pytest.raises(Refused, match=r"lies in the future"):
        youth(ledger, by, "Test Later", registered_on=clock() + timedelta(days=1))
    with pytest.raises(BadInput, match="after being born"):
        youth(ledger, by, "Test Eerder", registered_on=date(2009, 1, 1))


def test_a_representative_follows_the_case_and_age_of_the_youth(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    child = youth(ledger, by, "Test Kind")
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=child, core="kern", influence="meeloper"), by
    )
    clock.advance(400)  # the representative is registered long after the youth
    parent = ledger.persons.register(
        c.build(
            c.RegisterSubject,
            kind="wettelijk-vertegenwoordiger",
            name="Test Ouder",
            date_of_birth=date(1980, 1, 1),  # 23 long ago: must not count
            representative_of=child,
        ),
        by,
    ).short

    def item(label: str) -> tuple[str | None, str | None]:
        [found] = [
            i
            for i in ledger.retention.schedule()
            if i.label == label and i.category == "identificatie"
        ]
        return found.class_id, found.due

    assert item(parent) == item(child) == ("leeftijd-23", "2033-03-04")  # the case runs
    ledger.cases.end_early(
        c.build(c.EndEarly, case=ref, outcome="regulier-afgehandeld", body="ketenoverleg",
                reason="r"),
        by,
    )  # fmt: skip
    assert item(parent) == item(child)
    hold = ledger.retention.place_hold(child, "bezwaar loopt", by)
    assert all(
        i.held for i in ledger.retention.schedule() if i.label == parent
    ), "a hold on the youth holds the representative's data"
    assert hold


def test_the_age_limit_covers_every_category(ledger: Ledger, clock: FixedClock) -> None:
    by = b.seed_actors(ledger)
    subject = youth(ledger, by, "Test Alles")
    for category in ("gezinssituatie", "politie-informatie", "bsn"):
        ledger.persons.record_note(
            c.build(c.RecordNote, subject=subject, category=category, text="test"), by
        )
    items = [i for i in ledger.retention.schedule() if i.label == subject]
    assert len(items) >= 4
    assert all(i.due is not None and i.due <= "2033-03-04" for i in items)


def write_policy(tmp_path: Path, old: str, new: str) -> Path:
    policy = tmp_path / "policy"
    policy.mkdir(exist_ok=True)
    text = (ROOT / "policies" / "defaults" / "retention.toml").read_text(encoding="utf-8")
    assert old in text
    (policy / "retention.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return policy


def test_a_term_that_contradicts_its_source_is_refused_on_load(tmp_path: Path) -> None:
    policy = write_policy(tmp_path, 'term = "P5Y"\nmode = "limit"', 'term = "P1Y"\nmode = "limit"')
    with pytest.raises(PolicyError, match=r"retention\.toml.*does not match source_term"):
        load_policies(policy)


def test_reviewers_must_be_roles(tmp_path: Path) -> None:
    policy = write_policy(tmp_path, '"archivaris"]', '"archivist"]')
    with pytest.raises(PolicyError, match=r"settings\.reviewers.*archivist"):
        load_policies(policy)


def test_police_data_has_a_wpg_ceiling_while_the_case_runs(
    ledger: Ledger, clock: FixedClock
) -> None:
    """The groepsscan summary goes ten years after its receipt (Wpg art. 8), although the
    meeting records it belongs to wait for the end of the approach."""
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 3)
    member = youth(ledger, by, "Test Scan")
    ledger.group.add_member(
        c.build(c.Membership, case=ref, subject=member, core="kern", influence="negatief"), by
    )
    ledger.group.agree_namenlijst(
        c.build(c.AgreeNamenlijst, case=ref, subjects=[member], partners=["politie"]), by
    )
    ledger.group.request_groepsscan(
        c.build(c.RequestGroepsscan, case=ref, requested_by="burgemeester",
                motivation="Zicht op de groep"),
        by,
    )  # fmt: skip
    ledger.group.receive_groepsscan(
        c.build(c.ReceiveGroepsscan, case=ref, recipients=["burgemeester"], unknown_names=0,
                informatiepositie="matig", summary="Samenvatting (test)"),
        by,
    )  # fmt: skip
    items = {i.category: i for i in ledger.retention.schedule() if i.owner_kind == "case"}
    police = items["politie-informatie"]
    assert (police.class_id, police.due) == (
        "politie-wpg-plafond",
        Duration(years=10).after(clock()).isoformat(),
    )
    assert items["verslaglegging"].due is None  # waits for the end of the approach
