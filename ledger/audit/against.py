"""A ledger held against a checkpoint someone kept outside it (a witness, an export, a
document, the high-water mark): the ledger must be at least that large and extend it
(RFC 9162 consistency). Anything else is a truncation, a rollback or a rewrite."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ledger.audit.checkpoint import Checkpoint, CheckpointError
from ledger.audit.keychain import KeyChain
from ledger.audit.merkle import ProofError
from ledger.audit.nodes import StoredTree, StoredTreeInconsistent
from ledger.audit.proofs import MerkleTree, verify_consistency
from ledger.store.schema import checkpoints, log


def _extends(conn: Connection, witnessed: Checkpoint, size: int, root: bytes) -> bool:
    """Whether the tree of ``size`` with ``root`` extends ``witnessed``: from the stored
    subtree hashes, and should those not add up (altered: verify names them), from
    every leaf, as before they were stored."""
    old = witnessed.tree_size
    for source in ("stored", "leaves"):
        try:
            if source == "stored":
                path = StoredTree(conn, size).consistency_proof(old)
            else:
                query = select(log.c.leaf_hash).where(log.c.position <= size)
                leaves = [bytes(r[0]) for r in conn.execute(query.order_by(log.c.position))]
                path = MerkleTree(leaves).consistency_proof(old)
            verify_consistency(old, size, witnessed.root_hash, root, path)
            return True
        except (ProofError, StoredTreeInconsistent):
            continue
    return False


def ledger_head(conn: Connection) -> tuple[int, bytes]:
    row = conn.execute(
        select(checkpoints.c.tree_size, checkpoints.c.root_hash)
        .order_by(checkpoints.c.tree_size.desc())
        .limit(1)
    ).first()
    return (0, b"") if row is None else (int(row[0]), bytes(row[1]))


def problem_with(
    conn: Connection, witnessed: Checkpoint, chain: KeyChain | None, what: str
) -> str | None:
    """Why the ledger does not hold up against ``witnessed`` (named ``what``), or None."""
    if chain is not None:
        try:
            chain.check_witnessed(witnessed)
        except CheckpointError as exc:
            return f"{what}: {exc}"
    size, root = ledger_head(conn)
    if size < witnessed.tree_size:
        return (
            f"{what}: the ledger holds {size} events, but checkpoint {witnessed.tree_size} "
            f"(signed {witnessed.timestamp}) was seen outside it: a rollback or truncation"
        )
    if size == witnessed.tree_size:
        if root != witnessed.root_hash:
            return f"{what}: the ledger's tree of size {size} differs from the witnessed one"
        return None
    if not _extends(conn, witnessed, size, root):
        return (
            f"{what}: the ledger does not extend the witnessed checkpoint "
            f"{witnessed.tree_size}: history before it was rewritten"
        )
    return None
