"""Proofs from stored subtree hashes (ledger.audit.nodes.StoredTree) are the RFC 9162
proofs: equal to those computed from every leaf, for any tree size and index, however
far the stored subtrees reach, and they verify with the RFC's verification algorithms."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine

from ledger.audit.merkle import CompactRange, root
from ledger.audit.nodes import MIN_HEIGHT, StoredTree, StoredTreeInconsistent
from ledger.audit.proofs import MerkleTree, verify_consistency, verify_inclusion
from ledger.store.schema import log, log_nodes

MAX_SIZE = 2100
"""Up to subtrees of 2,048 leaves: four stored heights above the leaves' chunks."""


@pytest.fixture(scope="module")
def tree_store() -> Iterator[Connection]:
    """One in-memory database; each example fills it anew inside a rolled-back
    transaction."""
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        log.create(conn)
        log_nodes.create(conn)
        conn.commit()
        yield conn
    engine.dispose()


def fill(conn: Connection, size: int, seed: int, stored_up_to: int) -> list[bytes]:
    """``size`` leaves, and the subtrees completed up to leaf ``stored_up_to``."""
    rng = random.Random(seed)
    leaves = [rng.randbytes(32) for _ in range(size)]
    if leaves:
        conn.execute(
            log.insert(), [{"position": i + 1, "leaf_hash": h} for i, h in enumerate(leaves)]
        )
    nodes = CompactRange().extend_recording(leaves, MIN_HEIGHT)
    kept = [{"position": p, "height": h, "hash": x} for p, h, x in nodes if p <= stored_up_to]
    if kept:
        conn.execute(log_nodes.insert(), kept)
    return leaves


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, MAX_SIZE),
    seed=st.integers(0, 2**32),
    picks=st.lists(st.floats(0, 1, exclude_max=True), min_size=3, max_size=3),
    cut=st.floats(0, 1),
)
def test_stored_proofs_equal_the_proofs_from_every_leaf(
    tree_store: Connection, size: int, seed: int, picks: list[float], cut: float
) -> None:
    with tree_store.begin_nested() as nested:
        stored_up_to = size if cut > 0.5 else int(size * cut * 2)
        leaves = fill(tree_store, size, seed, stored_up_to)
        reference = MerkleTree(leaves)
        tree_root = root(leaves)
        stored = StoredTree(tree_store, size)

        index = int(picks[0] * size)
        path = stored.inclusion_proof(index)
        assert path == reference.inclusion_proof(index)
        assert stored.leaf_hash(index) == leaves[index]
        verify_inclusion(leaves[index], index, size, path, tree_root)

        old = int(picks[1] * (size + 1))
        proof = stored.consistency_proof(old)
        assert proof == reference.consistency_proof(old)
        verify_consistency(old, size, root(leaves[:old]), tree_root, proof)

        # A smaller tree over the same rows: its proofs too (no subtree beyond it used).
        smaller = max(1, int(picks[2] * size))
        prefix = MerkleTree(leaves[:smaller])
        index = int(picks[0] * smaller)
        assert StoredTree(tree_store, smaller).inclusion_proof(index) == prefix.inclusion_proof(
            index
        )
        nested.rollback()


def test_a_missing_leaf_is_named_not_guessed(tree_store: Connection) -> None:
    with tree_store.begin_nested() as nested:
        fill(tree_store, 300, 1, 300)
        tree_store.execute(log.delete().where(log.c.position == 290))
        with pytest.raises(StoredTreeInconsistent, match=r"257\.\.300 are not all stored"):
            StoredTree(tree_store, 300).inclusion_proof(289)
        nested.rollback()
