"""RFC 9162 proofs from the ledger, O(log n) from the stored subtree hashes, and their
offline check.

A proof is made from stored rows (leaves and subtree hashes) that an attacker with
database rights could change, so each one is verified against the signed root before it
is handed out: a changed row yields a refusal naming it, never a false proof.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from ledger.audit.checkpoint import Checkpoint, CheckpointError
from ledger.audit.log import leaf_data, row_to_checkpoint
from ledger.audit.merkle import ProofError, leaf_hash
from ledger.audit.nodes import StoredTree
from ledger.audit.proofs import verify_consistency, verify_inclusion
from ledger.audit.signatures import VerificationFailed
from ledger.errors import BadInput, NotFound
from ledger.store.schema import checkpoints, events


def _checked(check: Callable[[], None]) -> None:
    """A proof made from stored rows must lead to the signed root before it leaves."""
    try:
        check()
    except ProofError as exc:
        raise VerificationFailed(
            None,
            f"the stored log does not reproduce its signed checkpoint ({exc}); a stored "
            "leaf or subtree hash was altered; run `regie audit verify`",
        ) from None


def _head(conn: Connection, origin: str, size: int | None) -> Checkpoint:
    query = select(checkpoints)
    query = (
        query.order_by(checkpoints.c.tree_size.desc()).limit(1)
        if size is None
        else query.where(checkpoints.c.tree_size == size)
    )
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(
            "the log has no checkpoint yet"
            if size is None
            else f"there is no checkpoint of size {size}; see `regie audit checkpoint --list`"
        )
    return row_to_checkpoint(origin, row)


def latest_checkpoint(conn: Connection, origin: str) -> Checkpoint:
    return _head(conn, origin, None)


def list_checkpoints(conn: Connection, origin: str) -> list[Checkpoint]:
    return [
        row_to_checkpoint(origin, r)
        for r in conn.execute(select(checkpoints).order_by(checkpoints.c.tree_size))
    ]


def inclusion(
    conn: Connection, origin: str, position: int, with_event: bool = False
) -> dict[str, Any]:
    """An RFC 9162 inclusion proof; the stored event bytes only when asked (they can hold
    group-level text), so that a proof can be handed out without handing out the event."""
    head = latest_checkpoint(conn, origin)
    if not 1 <= position <= head.tree_size:
        raise NotFound(f"there is no event {position}; the log holds 1..{head.tree_size}")
    event_row = conn.execute(select(events).where(events.c.notification_id == position)).first()
    if event_row is None:
        raise NotFound(f"there is no event {position}")
    data = leaf_data(
        position,
        event_row.originator_id,
        event_row.originator_version,
        event_row.topic,
        bytes(event_row.state),
    )
    tree = StoredTree(conn, head.tree_size)
    leaf = tree.leaf_hash(position - 1)
    if leaf_hash(data) != leaf:
        raise VerificationFailed(
            position, "the event does not match its log leaf; run `regie audit verify`"
        )
    path = tree.inclusion_proof(position - 1)
    _checked(lambda: verify_inclusion(leaf, position - 1, head.tree_size, path, head.root_hash))
    proof: dict[str, Any] = {
        "type": "inclusion",
        "rfc": "RFC 9162 section 2.1.3",
        "leaf_index": position - 1,
        "tree_size": head.tree_size,
        "leaf_hash": leaf.hex(),
        "audit_path": [h.hex() for h in path],
        "root_hash": head.root_hash.hex(),
        "checkpoint": head.to_json(),
        "event": {
            "position": position,
            "topic": event_row.topic,
            "originator_version": event_row.originator_version,
        },
    }
    if with_event:
        proof["leaf_data"] = base64.b64encode(data).decode()
    return proof


def consistency(conn: Connection, origin: str, old_size: int, new_size: int) -> dict[str, Any]:
    if old_size > new_size:
        raise BadInput("the old checkpoint must not be larger than the new one")
    old = _head(conn, origin, old_size)
    new = _head(conn, origin, new_size)
    path = StoredTree(conn, new_size).consistency_proof(old_size)
    _checked(lambda: verify_consistency(old_size, new_size, old.root_hash, new.root_hash, path))
    return {
        "type": "consistency",
        "rfc": "RFC 9162 section 2.1.4",
        "first": old_size,
        "second": new_size,
        "first_root": old.root_hash.hex(),
        "second_root": new.root_hash.hex(),
        "consistency_path": [h.hex() for h in path],
        "checkpoints": [old.to_json(), new.to_json()],
    }


def _hashes(values: Any, what: str) -> list[bytes]:
    if not isinstance(values, list):
        raise BadInput(f"{what} must be a list of hex strings")
    try:
        return [bytes.fromhex(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise BadInput(f"{what} holds something that is not hex") from exc


def check_proof(proof: Any, public_key: Ed25519PublicKey) -> str:
    """Verify a proof file without database access; returns a one-line description."""
    if not isinstance(proof, dict) or proof.get("type") not in ("inclusion", "consistency"):
        raise BadInput("not a regie proof: expected a JSON object with type inclusion/consistency")
    try:
        if proof["type"] == "inclusion":
            head = Checkpoint.from_json(proof["checkpoint"])
            head.verify(public_key)
            size, index = int(proof["tree_size"]), int(proof["leaf_index"])
            if head.tree_size != size or head.root_hash.hex() != proof["root_hash"]:
                raise VerificationFailed(None, "the proof's tree head differs from its checkpoint")
            leaf = bytes.fromhex(proof["leaf_hash"])
            if "leaf_data" in proof and leaf_hash(base64.b64decode(proof["leaf_data"])) != leaf:
                raise VerificationFailed(index + 1, "the leaf data does not hash to the leaf")
            verify_inclusion(
                leaf, index, size, _hashes(proof["audit_path"], "audit_path"), head.root_hash
            )
            return f"event {index + 1} is included in the signed tree of size {size}"
        old = Checkpoint.from_json(proof["checkpoints"][0])
        new = Checkpoint.from_json(proof["checkpoints"][1])
        old.verify(public_key)
        new.verify(public_key)
        if (old.tree_size, new.tree_size) != (int(proof["first"]), int(proof["second"])):
            raise VerificationFailed(None, "the proof's sizes differ from its checkpoints")
        verify_consistency(
            old.tree_size,
            new.tree_size,
            old.root_hash,
            new.root_hash,
            _hashes(proof["consistency_path"], "consistency_path"),
        )
        return (
            f"the signed tree of size {new.tree_size} extends the one of size "
            f"{old.tree_size} (append-only)"
        )
    except (ProofError, CheckpointError) as exc:
        raise VerificationFailed(None, str(exc)) from None
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise BadInput(f"malformed proof file ({type(exc).__name__}: {exc})") from None
