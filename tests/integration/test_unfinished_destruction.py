"""No erasure left half-done: a process killed between recording an erasure or a purge and
destroying its key leaves data that still opens. The finding shows it, the proof of
destruction does not claim it, and the next write or retention run destroys the key.

A raising ``KeyStore.shred_many`` (which ``shred`` calls too) stands for kill -9 at that
moment (as in test_retention.py); one test kills a real child process with SIGKILL right
after the erasure is committed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.crypto.keystore import KeyStore, KeyStoreError
from ledger.crypto.seal import MASKED
from ledger.domain.acting import Acting
from tests import builders as b
from tests.conftest import FixedClock
from tests.paths import ROOT

NAME = "Test Halfgewist"
UNFINISHED = "vernietiging-onvoltooid"


class Killed(Exception):
    """Stands for kill -9 between the record and the destruction of a key."""


@contextmanager
def killed_at_shred(after: int = 0) -> Iterator[None]:
    """Every key destruction after the first ``after`` dies, as the process would."""
    calls = {"n": 0}
    original = KeyStore.shred_many  # every destruction of keys passes here (shred too)

    def shred_many(self: KeyStore, *args: Any, **kwargs: Any) -> int:
        if calls["n"] >= after:
            raise Killed
        calls["n"] += 1
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(KeyStore, "shred_many", shred_many)
        yield


def register(ledger: Ledger, by: Acting, name: str = NAME) -> str:
    return ledger.persons.register(
        c.build(c.RegisterSubject, kind="jongere", name=name, date_of_birth=date(2010, 3, 4)),
        by,
    ).short


def erase(ledger: Ledger, by: Acting, subject: str) -> str:
    return ledger.persons.erase(
        c.build(c.EraseSubject, subject=subject, reason="verzoek betrokkene", basis="AVG art. 17"),
        by,
    )


def unfinished(ledger: Ledger) -> list[dict[str, Any]]:
    found = ledger.privacy.findings(b.privacy_officer(ledger))
    return [f for f in found if f["kind"] == UNFINISHED]


def key_alive(ledger: Ledger, subject: str, category: str = "identificatie") -> bool:
    """Does the data still open? Asked of the key store without any cache."""
    subject_id = ledger.persons.resolve(subject)
    return (subject_id, category) in ledger.keystore.alive([subject_id])


@contextmanager
def next_process(ledger: Ledger, clock: FixedClock) -> Iterator[Ledger]:
    """The same ledger opened again, as the next command would: nothing cached."""
    fresh = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=clock)
    try:
        yield fresh
    finally:
        fresh.close()


def test_a_killed_erasure_is_a_finding_until_the_next_write_finishes_it(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    with killed_at_shred(), pytest.raises(Killed):
        erase(ledger, by, subject)
    assert key_alive(ledger, subject)
    assert ledger.persons.view(subject, by)["fields"]["name"] == MASKED  # the record rules

    clock.advance(3)
    [found] = unfinished(ledger)
    assert subject in found["detail"] and "3 day(s)" in found["detail"]
    assert "every category" in found["detail"] and NAME not in found["detail"]
    assert found["on"] == date(2026, 11, 22).isoformat() and found["actor"] == b.REGISSEUR
    plan = ledger.retention.plan(b.privacy_officer(ledger))
    assert plan.unfinished == 1

    with next_process(ledger, clock) as fresh:
        register(fresh, by, "Test Ander")  # any write: the first one finishes the erasure
        assert not key_alive(fresh, subject)
        assert fresh.persons.view(subject, by)["fields"]["name"] == MASKED
        assert unfinished(fresh) == []
        assert fresh.audit_log.verify().events > 0


def test_a_killed_purge_is_not_reported_destroyed_until_the_next_run(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    officer = b.privacy_officer(ledger)
    subject = register(ledger, by)
    clock.advance(365 * 3)
    with killed_at_shred(), pytest.raises(Killed):
        b.purge_due(ledger)  # killed while its destruction list is executed
    assert key_alive(ledger, subject)
    assert ledger.persons.view(subject, by)["fields"]["name"] == NAME  # still opens

    [row] = ledger.retention.report(officer)
    assert (row["what"], row["status"], row["destroyed"]) == (
        f"subject {subject}",
        "nog niet vernietigd",
        False,
    )
    [found] = unfinished(ledger)
    assert f"purge of subject {subject} (identificatie)" in found["detail"]
    plan = ledger.retention.plan(officer)
    [row] = [
        r for r in plan.rows if r.what == f"subject {subject}" and r.category == "identificatie"
    ]
    assert (row.status, row.pending) == ("nog niet vernietigd", True)

    result = ledger.retention.run(None, officer)
    assert (result.completed, result.completed_erasures) == (1, 0)
    assert ledger.persons.view(subject, by)["fields"]["name"] == MASKED
    assert [r["status"] for r in ledger.retention.report(officer)] == ["vernietigd"]
    assert unfinished(ledger) == []
    assert ledger.retention.run(None, officer).completed == 0  # nothing twice


def test_the_next_run_finishes_a_killed_erasure_and_says_so(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    with killed_at_shred(), pytest.raises(Killed):
        erase(ledger, by, subject)
    officer = b.privacy_officer(ledger)
    assert ledger.retention.run(None, officer, dry_run=True).completed_erasures == 1
    assert key_alive(ledger, subject)  # a dry run destroys nothing
    result = ledger.retention.run(None, officer)
    assert (result.completed, result.completed_erasures) == (0, 1)
    assert not key_alive(ledger, subject)
    assert unfinished(ledger) == []


def test_an_erasure_of_some_categories_destroys_those_and_keeps_the_rest(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    ledger.persons.record_note(
        c.build(c.RecordNote, subject=subject, category="school", text="verzuim"), by
    )
    aggregate = ledger.persons.subject(subject)
    aggregate.erase("verzoek", "AVG art. 17", clock().isoformat(), by, categories=["school"])
    ledger.app.save(aggregate)  # recorded; the process dies before any key is destroyed
    [found] = unfinished(ledger)
    assert "(school)" in found["detail"]
    with next_process(ledger, clock) as fresh:
        fresh.retention.run(None, b.privacy_officer(fresh))
        assert not key_alive(fresh, subject, "school")
        assert key_alive(fresh, subject, "identificatie")
        assert fresh.persons.view(subject, by)["fields"]["name"] == NAME
        assert unfinished(fresh) == []


def test_finishing_may_itself_be_killed_and_is_simply_repeated(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subjects = [register(ledger, by, f"Test Halfgewist {n}") for n in range(3)]
    for subject in subjects:
        with killed_at_shred(), pytest.raises(Killed):
            erase(ledger, by, subject)
    with next_process(ledger, clock) as fresh, killed_at_shred(after=1), pytest.raises(Killed):
        register(fresh, by, "Test Ander")  # the first write dies while finishing
    assert sum(key_alive(ledger, s) for s in subjects) == 2
    assert len(unfinished(ledger)) == 2
    with next_process(ledger, clock) as fresh:
        register(fresh, by, "Test Derde")
        assert not any(key_alive(fresh, s) for s in subjects)
        assert unfinished(fresh) == []


def test_a_key_store_failure_while_finishing_does_not_block_the_write(
    ledger: Ledger, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    with killed_at_shred(), pytest.raises(Killed):
        erase(ledger, by, subject)

    def unavailable(self: KeyStore, *args: Any, **kwargs: Any) -> int:
        raise KeyStoreError("the key store is unavailable")

    with next_process(ledger, clock) as fresh:
        with monkeypatch.context() as patch:
            patch.setattr(KeyStore, "shred", unavailable)
            other = register(fresh, by, "Test Ander")
        assert fresh.persons.view(other, by)["fields"]["name"] == "Test Ander"
        assert key_alive(fresh, subject)
        assert len(unfinished(fresh)) == 1  # still reported; the run finishes it
        assert fresh.retention.run(None, b.privacy_officer(fresh)).completed_erasures == 1
        assert not key_alive(fresh, subject)


CHILD = """
import os, signal, sys
from datetime import date
from pathlib import Path

from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.crypto.keystore import KeyStore

url, key_dir, subject, actor = sys.argv[1:5]
ledger = open_ledger(url, key_dir=Path(key_dir), clock=lambda: date(2026, 11, 22))
by = ledger.app.acting(actor, "regisseur")
# Persons.erase destroys the keys right after Subject.Erased is committed: die there.
KeyStore.shred = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
ledger.persons.erase(
    c.build(c.EraseSubject, subject=subject, reason="verzoek", basis="AVG art. 17"), by
)
sys.exit(3)
"""


def test_an_erasure_killed_by_sigkill_after_its_commit_is_finished_by_the_next_write(
    ledger: Ledger, clock: FixedClock
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            ledger.store.url,
            str(ledger.keys.directory),
            subject,
            b.REGISSEUR,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert key_alive(ledger, subject)
    assert len(unfinished(ledger)) == 1  # this process wrote before: nothing finished it
    with next_process(ledger, clock) as fresh:
        assert fresh.persons.view(subject, by)["erased"] is True
        register(fresh, by, "Test Ander")
        assert not key_alive(fresh, subject)
        assert fresh.persons.view(subject, by)["fields"]["name"] == MASKED
        assert unfinished(fresh) == []
