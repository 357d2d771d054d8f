"""Same person? The blind index says so to whoever may see that subject, to no one else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import regie
from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.crypto.blind_index import normalised
from ledger.crypto.keystore import blind_index
from ledger.domain.acting import Acting
from ledger.errors import Refused
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_personal_data import raw_database_bytes

NAME = "Zyrnella Quobbenhaar"
SPELLED_OTHERWISE = "  zyrnélla   QUOBBENHAAR "
DOB = date(2010, 6, 7)
NEEDLES = [NAME.encode(), b"Quobbenhaar", b"Zyrnella", "zyrnélla".encode(), b"Krastoverdam"]


def register(ledger: Ledger, by: Acting, name: str = NAME, **extra: object) -> str:
    values: dict[str, object] = {"kind": "jongere", "name": name, "date_of_birth": DOB}
    values.update(extra)
    return ledger.persons.register(c.build(c.RegisterSubject, **values), by).short


def subject_count(ledger: Ledger, by: Acting) -> int:
    return len(ledger.persons.listing(by))


def test_the_normal_form_ignores_case_accents_and_spacing() -> None:
    assert normalised(SPELLED_OTHERWISE, DOB) == normalised(NAME, DOB)
    assert normalised(NAME, DOB) != normalised(NAME, date(2010, 6, 8))
    assert normalised(NAME, DOB) != normalised("Zyrnella Quobbenhaer", DOB)


def test_whoever_may_see_the_subject_is_told_its_pseudonym(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first = register(ledger, by)
    with pytest.raises(Refused) as refused:
        register(ledger, by, name=SPELLED_OTHERWISE)
    message = str(refused.value)
    assert "subject.maybe-registered" in message
    assert first in message and "--new-person" in message
    assert "quobbenhaar" not in message.casefold() and "2010" not in message
    assert subject_count(ledger, by) == 1  # nothing written
    second = register(ledger, by, name=SPELLED_OTHERWISE, new_person=True)
    assert second != first and subject_count(ledger, by) == 2


def test_another_date_of_birth_is_another_person(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first = register(ledger, by)
    assert register(ledger, by, date_of_birth=date(2011, 6, 7)) != first


def test_someone_who_may_not_see_the_subject_learns_nothing(ledger: Ledger) -> None:
    """No oracle: the outsider's registration goes exactly as for someone unknown; it
    writes the same number of events (no denial is logged) and returns a new pseudonym."""
    by = b.seed_actors(ledger)
    first = register(ledger, by)
    outsider = ledger.app.acting(b.UC)  # a coordinator who did not register it, no case
    start = written(ledger)
    duplicate = register(ledger, outsider, name=SPELLED_OTHERWISE)
    after_duplicate = written(ledger)
    register(ledger, outsider, name="Wubbelien Krastoverdam")
    assert duplicate != first
    assert after_duplicate - start == written(ledger) - after_duplicate
    # Their own registration they may see, so a third one is refused to them.
    with pytest.raises(Refused, match="maybe-registered") as refused:
        register(ledger, outsider)
    assert duplicate in str(refused.value) and first not in str(refused.value)


def written(ledger: Ledger) -> int:
    return int(ledger.app.recorder.max_notification_id() or 0)


def test_after_erasure_the_person_registers_without_a_hint(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    first = register(ledger, by)
    erase = c.build(c.EraseSubject, subject=first, reason="verzoek", basis="AVG art. 17")
    ledger.persons.erase(erase, by)
    with ledger.keystore.engine.connect() as conn:
        assert conn.execute(select(blind_index.c.subject_id)).all() == []
    assert register(ledger, by) != first


def test_no_name_in_any_database_after_duplicates(ledger: Ledger, database_url: str) -> None:
    by = b.seed_actors(ledger)
    register(ledger, by)
    register(ledger, by, name=SPELLED_OTHERWISE, new_person=True)
    ledger.queries.cases()
    ledger.store.dispose()
    raw = raw_database_bytes(ledger, database_url)
    assert not [n.decode() for n in NEEDLES if n in raw]


def test_the_cli_refuses_with_exit_1_and_registers_with_new_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/same.sqlite"
    monkeypatch.setenv("REGIE_DATABASE_URL", url)
    monkeypatch.setenv("REGIE_CONFIG", str(tmp_path / "absent.toml"))
    ledger = open_ledger(url, require_initialised=False, clock=FixedClock())
    try:
        ledger.initialise()
        b.seed_actors(ledger)
    finally:
        ledger.close()
    args = ["subject", "add", "--name", NAME, "--dob", DOB.isoformat()]
    env = {"REGIE_ACTOR": b.REGISSEUR}
    first = CliRunner().invoke(regie, args, env=env)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(regie, args, env=env)
    assert again.exit_code == 1
    assert "may already be registered as P-" in again.output
    assert NAME not in again.output
    anyway = CliRunner().invoke(regie, [*args, "--new-person"], env=env)
    assert anyway.exit_code == 0 and "Registered jongere P-" in anyway.output
