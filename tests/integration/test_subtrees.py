"""Stored subtree hashes (regie_log_nodes), on SQLite and PostgreSQL.

* The append hook stores every perfect subtree of 256 leaves or more in the transaction
  that completes it, whatever the commits' sizes; verify recomputes every one.
* Proofs made from them are the proofs made from every leaf, and check offline.
* A stored hash that was altered, removed or put in fails verify, and never yields a
  proof: prove and consistency refuse instead.
* A ledger from before the table gets it on opening, proves from its leaves until its
  next write stores the subtrees, and verifies throughout.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import Connection, text

from ledger.audit import triggers
from ledger.audit.merkle import CompactRange
from ledger.audit.nodes import MIN_HEIGHT
from ledger.audit.proofs import MerkleTree
from ledger.audit.service import check_proof_file
from ledger.audit.verify import VerificationFailed
from ledger.bootstrap import Ledger, open_ledger
from tests.conftest import FixedClock

NODES = "regie_log_nodes"
TOPIC = "tests.integration.test_subtrees:Synthetic"


def append(ledger: Ledger, sizes: list[int], seed: int = 3) -> int:
    """Commits of the given numbers of events (stored events made here: the log does not
    read them); returns the tree size."""
    rng = random.Random(seed)
    oid = UUID(int=rng.getrandbits(128), version=4)
    version = 0
    for size in sizes:
        batch = []
        for _ in range(size):
            version += 1
            batch.append(StoredEvent(oid, version, TOPIC, rng.randbytes(rng.randint(1, 40))))
        ledger.app.sql_recorder.insert_events(batch)
    return ledger.app.recorder.max_notification_id() or 0


def expected_subtrees(size: int) -> int:
    """Perfect subtrees of 2^MIN_HEIGHT leaves or more within the first ``size`` leaves."""
    return sum(size >> h for h in range(MIN_HEIGHT, size.bit_length()))


def leaves(ledger: Ledger, size: int) -> list[bytes]:
    with ledger.store.engine.connect() as conn:
        query = text("SELECT leaf_hash FROM regie_log WHERE position <= :n ORDER BY position")
        return [bytes(r[0]) for r in conn.execute(query, {"n": size})]


@contextmanager
def attacker(ledger: Ledger) -> Iterator[Connection]:
    """A raw transaction without the append-only triggers: what a DB superuser can do."""
    with ledger.store.engine.begin() as conn:
        triggers.drop(conn)
        yield conn


# Single-event commits across the first boundary, then batches that complete several
# subtrees at once and one that ends exactly on a boundary: 1,100 events.
SIZES = [1] * 10 + [240] + [1] * 15 + [300, 256, 279]
"""Checkpoints at 1..10, 250..265, 565, 821 and 1,100."""


@pytest.fixture
def grown(ledger: Ledger) -> tuple[Ledger, int]:
    return ledger, append(ledger, SIZES)


def test_every_completed_subtree_is_stored_and_verified(grown: tuple[Ledger, int]) -> None:
    ledger, size = grown
    assert size == 1100
    report = ledger.audit_log.verify()
    assert report.events == size
    assert report.subtrees == expected_subtrees(size) == 7  # 4 of 256, 2 of 512, 1 of 1024
    assert report.signatures == report.checkpoints  # fewer than the sample: every one


def test_proofs_are_the_proofs_from_every_leaf_and_check_offline(
    grown: tuple[Ledger, int],
) -> None:
    ledger, size = grown
    tree = MerkleTree(leaves(ledger, size))
    public_key = ledger.keys.directory / "signing.pub"
    for position in (1, 256, 257, 513, 777, 1024, 1025, size):
        proof = ledger.audit_log.prove(position)
        assert proof["audit_path"] == [h.hex() for h in tree.inclusion_proof(position - 1)]
        assert "included" in check_proof_file(proof, public_key)
    for old, new in [(1, size), (10, 250), (250, 565), (255, 821), (265, 1100), (565, 821)]:
        proof = ledger.audit_log.consistency(old, new)
        reference = MerkleTree(leaves(ledger, new)).consistency_proof(old)
        assert proof["consistency_path"] == [h.hex() for h in reference]
        assert "append-only" in check_proof_file(proof, public_key)


def node_rows(ledger: Ledger) -> list[tuple[int, int]]:
    with ledger.store.engine.connect() as conn:
        query = text(f"SELECT position, height FROM {NODES} ORDER BY position, height")
        return [(int(p), int(h)) for p, h in conn.execute(query)]


def test_an_altered_subtree_hash_fails_verify_and_yields_no_proof(
    grown: tuple[Ledger, int],
) -> None:
    ledger, _ = grown
    assert (512, 9) in node_rows(ledger)
    with attacker(ledger) as conn:
        conn.execute(
            text(f"UPDATE {NODES} SET hash = :h WHERE position = 512 AND height = 9"),
            {"h": bytes(32)},
        )
    with pytest.raises(VerificationFailed, match=r"stored subtree hash of leaves 1\.\.512"):
        ledger.audit_log.verify()
    # Leaf 700's path holds MTH(D[0:512]): made from the altered row, it is refused.
    with pytest.raises(VerificationFailed, match="does not reproduce its signed checkpoint"):
        ledger.audit_log.prove(700)
    with pytest.raises(VerificationFailed, match="does not reproduce its signed checkpoint"):
        ledger.audit_log.consistency(565, 1100)  # its path holds MTH(D[0:512]) too


@pytest.mark.parametrize(
    "statement",
    [
        f"DELETE FROM {NODES} WHERE position = 512 AND height = 8",
        f"INSERT INTO {NODES} (position, height, hash) VALUES (600, 8, :h)",
        f"INSERT INTO {NODES} (position, height, hash) VALUES (2048, 11, :h)",
        f"INSERT INTO {NODES} (position, height, hash) VALUES (768, 7, :h)",
    ],
    ids=["removed", "put in at no boundary", "beyond the tree", "below the stored height"],
)
def test_a_removed_or_inserted_subtree_hash_fails_verify(
    grown: tuple[Ledger, int], statement: str
) -> None:
    ledger, _ = grown
    with attacker(ledger) as conn:
        conn.execute(text(statement), {"h": bytes(32)})
    with pytest.raises(VerificationFailed, match="subtree hash"):
        ledger.audit_log.verify()


def test_the_table_refuses_updates_and_deletes(grown: tuple[Ledger, int]) -> None:
    ledger, _ = grown
    with pytest.raises(Exception, match="append-only"), ledger.store.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {NODES}"))
    assert len(node_rows(ledger)) == 7


def test_a_ledger_from_before_the_table_proves_verifies_and_catches_up(
    ledger: Ledger, clock: FixedClock
) -> None:
    size = append(ledger, [700, 1, 1])
    tree = MerkleTree(leaves(ledger, size))
    with ledger.store.engine.begin() as conn:  # as 0.2 left it: no table
        conn.execute(text(f"DROP TABLE {NODES}"))
    ledger.close()
    older = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=clock)
    try:
        assert node_rows(older) == []  # created on opening, empty
        assert older.audit_log.verify().subtrees == 0
        proof = older.audit_log.prove(300)  # from the leaves, as before
        assert proof["audit_path"] == [h.hex() for h in tree.inclusion_proof(299)]
        size = append(older, [1], seed=4)  # the next write stores every subtree
        assert node_rows(older) == [(256, 8), (512, 8), (512, 9)]
        report = older.audit_log.verify()
        assert (report.events, report.subtrees) == (size, 3)
        with pytest.raises(Exception, match="append-only"), older.store.engine.begin() as c:
            c.execute(text(f"DELETE FROM {NODES}"))  # and its triggers
    finally:
        older.close()


def test_a_writer_that_did_not_store_subtrees_is_caught_up_by_the_next(
    ledger: Ledger, clock: FixedClock
) -> None:
    """Another process that wrote past a boundary without storing (an older version):
    this process's next write stores what is missing before adding its own."""
    append(ledger, [200])
    other = open_ledger(ledger.store.url, key_dir=ledger.keys.directory, clock=clock)
    try:
        append(other, [100], seed=5)
    finally:
        other.close()
    with attacker(ledger) as conn:  # as if the other writer had not stored (256, 8)
        conn.execute(text(f"DELETE FROM {NODES}"))
    assert ledger.audit_log.verify().subtrees == 0  # stopping short is no tampering
    append(ledger, [1], seed=6)
    assert node_rows(ledger) == [(256, 8)]
    assert ledger.audit_log.verify().subtrees == 1


def test_the_frontier_records_what_it_completes() -> None:
    """extend_recording is extend, and returns exactly the completed subtrees."""
    rng = random.Random(11)
    hashes = [rng.randbytes(32) for _ in range(1500)]
    recorded, plain = CompactRange(), CompactRange()
    completed = []
    for start in range(0, 1500, 97):
        completed += recorded.extend_recording(hashes[start : start + 97], MIN_HEIGHT)
    plain.extend(hashes)
    assert recorded == plain
    assert completed == [(end, h, _perfect(hashes, end, h)) for end, h in _boundaries(1500)]


def _boundaries(size: int) -> list[tuple[int, int]]:
    return [
        (end, h)
        for end in range(1, size + 1)
        for h in range(MIN_HEIGHT, end.bit_length())
        if end % (1 << h) == 0
    ]


def _perfect(hashes: list[bytes], end: int, height: int) -> bytes:
    return MerkleTree(hashes[end - (1 << height) : end]).root()
