"""Family links: recorded on both subjects, sealed under both, unreadable once either goes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.crypto.seal import MASKED
from ledger.domain.acting import Acting
from ledger.errors import BadInput, Refused
from ledger.persons import family
from tests import builders as b
from tests.conftest import FixedClock


def register(ledger: Ledger, by: Acting, name: str, born: date) -> str:
    cmd = c.build(c.RegisterSubject, kind="jongere", name=name, date_of_birth=born)
    return ledger.persons.register(cmd, by).short


def siblings(ledger: Ledger, by: Acting) -> tuple[str, str]:
    first = register(ledger, by, "Test Broerjongere Een", date(2010, 1, 2))
    second = register(ledger, by, "Test Broerjongere Twee", date(2012, 3, 4))
    return first, second


def link(ledger: Ledger, by: Acting, subject: str, other: str, relation: str = "halfzus") -> None:
    cmd = c.build(family.LinkSubjects, subject=subject, other=other, relation=relation)
    ledger.persons.link(cmd, by)


def links(ledger: Ledger, by: Acting, subject: str) -> list[tuple[str, str, str]]:
    view = ledger.persons.view(subject, by)
    return [(x["subject"], x["relation"], x["direction"]) for x in view["links"]]


def test_a_link_shows_on_both_subjects(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first, second = siblings(ledger, by)
    link(ledger, by, first, second)
    assert links(ledger, by, first) == [(second, "halfzus", "to")]
    assert links(ledger, by, second) == [(first, "halfzus", "from")]


def test_the_relation_is_policy_data_and_a_link_needs_two_living_subjects(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    first, second = siblings(ledger, by)
    with pytest.raises(BadInput, match="unknown relation"):
        link(ledger, by, first, second, relation="buurman")
    with pytest.raises(BadInput, match="itself"):
        link(ledger, by, first, first)
    erase = c.build(c.EraseSubject, subject=second, reason="verzoek", basis="AVG art. 17")
    ledger.persons.erase(erase, by)
    with pytest.raises(Refused, match=r"subject\.erased"):
        link(ledger, by, first, second)
    assert links(ledger, by, first) == []


def test_erasing_either_subject_makes_the_link_unreadable(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first, second = siblings(ledger, by)
    link(ledger, by, first, second)
    subject = ledger.persons.subject(first)
    sealed = subject.links[0]["relation"]
    a, z = str(subject.id), subject.links[0]["other"]
    assert family.open_relation(ledger.sealer, a, z, sealed) == "halfzus"
    erase = c.build(c.EraseSubject, subject=second, reason="verzoek", basis="AVG art. 17")
    ledger.persons.erase(erase, by)
    # Not only masked in the view: the other's key is gone, so it no longer opens.
    assert family.open_relation(ledger.sealer, a, z, sealed) == MASKED
    assert links(ledger, by, first) == [(second, MASKED, "to")]
    assert links(ledger, by, second) == [(first, MASKED, "from")]


def test_the_event_holds_no_relation_in_plaintext(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first, second = siblings(ledger, by)
    link(ledger, by, first, second)
    subject = ledger.persons.subject(first)
    stored = list(ledger.app.repository.event_store.recorder.select_events(subject.id))
    assert stored and not [e for e in stored if b"halfzus" in e.state]


def test_a_link_to_someone_the_viewer_may_not_see_is_not_shown(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first, second = siblings(ledger, by)
    link(ledger, by, first, second)
    ref = b.open_case(ledger, by)
    b.walk_to_step(ledger, by, ref, 2)
    ledger.cases.designate_coordinator(c.build(c.Designate, case=ref, coordinator=b.UC), by)
    member = c.build(c.Membership, case=ref, subject=first, core="kern", influence="negatief")
    ledger.group.add_member(member, by)
    coordinator = ledger.app.acting(b.UC)
    assert ledger.persons.view(first, coordinator)["links"] == []  # second is not theirs
    assert links(ledger, by, first) == [(second, "halfzus", "to")]


def test_the_cli_links_and_shows_and_refuses_an_unknown_relation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/family.sqlite"
    monkeypatch.setenv("REGIE_DATABASE_URL", url)
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    ledger = open_ledger(url, require_initialised=False, clock=FixedClock())
    try:
        ledger.initialise()
        first, second = siblings(ledger, b.seed_actors(ledger))
    finally:
        ledger.close()
    env = {"REGIE_ACTOR": b.REGISSEUR}
    linked = CliRunner().invoke(
        regie, ["subject", "link", first, second, "--relation", "broer"], env=env
    )
    assert linked.exit_code == 0, linked.output
    shown = CliRunner().invoke(regie, ["subject", "show", second], env=env)
    assert shown.exit_code == 0 and "heeft dit subject als broer" in shown.output
    assert first in shown.output
    unknown = CliRunner().invoke(
        regie, ["subject", "link", first, second, "--relation", "buurman"], env=env
    )
    assert unknown.exit_code == 2 and "unknown relation" in unknown.output
