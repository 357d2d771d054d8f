"""Purging in batches (decision 0047): each batch is one durable commit of its purge
records, with one signed checkpoint, then one key-store transaction; a run killed between
a batch's record and its keys is finished by the next execution, nothing twice."""

from __future__ import annotations

import pytest

from ledger.bootstrap import Ledger
from ledger.crypto.keystore import KeyStore
from ledger.retention import purging
from ledger.retention.lists import DESTROYED
from tests import builders as b
from tests.conftest import FixedClock
from tests.integration.test_destruction_lists import proposed
from tests.integration.test_unfinished_destruction import Killed, killed_at_shred

SUBJECTS = 5
BATCH = 2


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(purging, "BATCH", BATCH)


def _approved(ledger: Ledger, clock: FixedClock) -> str:
    list_id, _ = proposed(ledger, clock, count=SUBJECTS)
    for reviewer in b.reviewers(ledger):
        ledger.retention.approve_list(list_id, reviewer)
    return list_id


def test_each_batch_is_one_checkpoint_and_one_key_store_transaction(
    ledger: Ledger, clock: FixedClock, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_id = _approved(ledger, clock)
    officer = b.privacy_officer(ledger)
    destroyed: list[int] = []
    original = KeyStore.shred_many

    def counted(self: KeyStore, *args: object, **kwargs: object) -> int:
        n = original(self, *args, **kwargs)  # type: ignore[arg-type]
        destroyed.append(n)
        return n

    monkeypatch.setattr(KeyStore, "shred_many", counted)
    before = len(ledger.audit_log.checkpoints())
    done = ledger.retention.execute_list(list_id, officer)
    checkpoints = len(ledger.audit_log.checkpoints()) - before

    assert len(done.purged) == SUBJECTS
    batches = -(-SUBJECTS // BATCH)
    assert checkpoints == batches + 1  # the batches' records, and the run's completion
    assert destroyed[:batches] == [BATCH, BATCH, SUBJECTS - 2 * BATCH]
    statuses = {i["status"] for i in ledger.retention.show_list(list_id, officer)["items"]}
    assert statuses == {DESTROYED}
    assert ledger.audit_log.verify().events > 0


def test_a_run_killed_between_batches_is_finished_by_executing_again(
    ledger: Ledger, clock: FixedClock, small_batches: None
) -> None:
    list_id = _approved(ledger, clock)
    officer = b.privacy_officer(ledger)
    with killed_at_shred(after=1), pytest.raises(Killed):
        ledger.retention.execute_list(list_id, officer)  # dies at the second batch's keys
    report = ledger.retention.report(officer)
    assert [r["destroyed"] for r in report].count(True) == BATCH
    assert [r["destroyed"] for r in report].count(False) == BATCH  # recorded, key alive
    assert len(report) == 2 * BATCH  # the third batch was never recorded

    ledger.retention.execute_list(list_id, officer)
    report = ledger.retention.report(officer)
    assert len(report) == SUBJECTS  # each purge recorded once
    assert all(r["destroyed"] for r in report)
    statuses = {i["status"] for i in ledger.retention.show_list(list_id, officer)["items"]}
    assert statuses == {DESTROYED}
