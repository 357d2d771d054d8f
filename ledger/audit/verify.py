"""Recompute the whole log from the stored events; produce and check RFC 9162 proofs.

Verification steps, each failing with :class:`VerificationFailed` naming the first bad
position (or checkpoint):

1. events and log leaves are numbered 1..n without gaps, one leaf per event;
2. each leaf equals the hash recomputed from its event row;
3. every checkpoint's signature verifies with the key the key chain names for it (the
   first key, then each recorded rotation), and the checkpoints form an unbroken chain;
4. every checkpoint's root equals the root recomputed over the first ``tree_size`` leaves;
5. no checkpoint claims more leaves than there are, and the newest covers every event.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, func, select

from ledger.audit.checkpoint import Checkpoint, CheckpointError
from ledger.audit.keychain import KeyChain
from ledger.audit.log import LEAF_HEADER, leaf_data, row_to_checkpoint
from ledger.audit.merkle import CompactRange, ProofError, leaf_hash
from ledger.audit.proofs import MerkleTree, verify_consistency, verify_inclusion
from ledger.errors import BadInput, NotFound, RegieError
from ledger.store.engine import driver_rows
from ledger.store.schema import checkpoints, events, log

Progress = Callable[[int, int], None]
BATCH = 20_000


class VerificationFailed(RegieError):
    exit_code = 1

    def __init__(self, position: int | None, problem: str) -> None:
        where = f"position {position}" if position is not None else "the log"
        super().__init__(f"verification failed at {where}: {problem}")
        self.position = position
        self.problem = problem


@dataclass(frozen=True)
class VerifyReport:
    events: int
    checkpoints: int
    root_hash: str


_EVENTS_IN_ORDER = select(events).order_by(events.c.notification_id)
_LEAVES_IN_ORDER = select(log).order_by(log.c.position)

_canonical_uuid = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
).fullmatch
"""Matches exactly the strings ``s`` for which ``str(UUID(s)) == s``."""


def _rows(conn: Connection, query: Any) -> Generator[Any, None, None]:
    """Stream a large ordered query in batches (server-side cursor where supported)."""
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    yield from result


def _ordered_rows(conn: Connection, query: Any) -> Generator[Any, None, None]:
    """The rows of a whole history table in order.

    On SQLite the same SQL runs on the DB-API cursor and yields plain tuples: the values
    Core would return there too (SQLite's own types, no result processing), without
    building a Row per event. Elsewhere through Core, streamed.
    """
    if conn.dialect.name == "sqlite":
        return driver_rows(conn, str(query.compile(dialect=conn.dialect)), BATCH)
    return _rows(conn, query)


def _leaf_of(
    notification_id: Any, originator_id: Any, originator_version: Any, topic: Any, state: Any
) -> bytes:
    """The leaf hash of an event row; a row that cannot be encoded is itself tampering."""
    try:
        canonical = str(UUID(originator_id))
        if originator_id != canonical:
            raise ValueError("aggregate id not in canonical form")
        data = leaf_data(notification_id, canonical, originator_version, topic, bytes(state))
    except (ValueError, TypeError, AttributeError, struct.error) as exc:
        raise VerificationFailed(notification_id, f"the event row is malformed ({exc})") from None
    return leaf_hash(data)


def verify(
    conn: Connection, origin: str, chain: KeyChain, progress: Progress | None = None
) -> VerifyReport:
    total = int(conn.execute(select(func.count()).select_from(events)).scalar() or 0)
    rows = list(conn.execute(select(checkpoints).order_by(checkpoints.c.tree_size)))
    heads = [row_to_checkpoint(origin, r) for r in rows]
    frontiers = {int(r.tree_size): r.frontier for r in rows}
    # Step 3: signatures, and the chain of checkpoints.
    for head in heads:
        try:
            chain.check(head)
        except CheckpointError as exc:
            raise VerificationFailed(None, f"checkpoint {head.tree_size}: {exc}") from None
    check_chain(heads)
    pending = iter(heads)
    next_head = next(pending, None)
    next_size = None if next_head is None else next_head.tree_size
    frontier = CompactRange()
    append = frontier.append
    previous_size = 0
    event_rows = _ordered_rows(conn, _EVENTS_IN_ORDER)
    leaf_rows = _ordered_rows(conn, _LEAVES_IN_ORDER)
    # Closed however verification ends, while the connection is still open.
    with closing(event_rows), closing(leaf_rows):
        # The loop below runs once per event, so it is written for speed: a row whose leaf
        # hash the fast path cannot compute (anything but a canonical id string, a str topic
        # and bytes state) is handed to _leaf_of, which computes exactly what it always did
        # or names the malformed row.
        sha256, pack, fromhex = hashlib.sha256, LEAF_HEADER.pack, bytes.fromhex
        canonical_uuid = _canonical_uuid
        topics: dict[Any, tuple[bytes, int]] = {}
        position = 0
        for notification_id, originator_id, originator_version, topic, state in event_rows:
            position += 1
            # Step 1: numbering.
            if notification_id != position:
                raise VerificationFailed(position, "the event at this position is missing or moved")
            leaf_row = next(leaf_rows, None)
            if leaf_row is None or leaf_row[0] != position:
                raise VerificationFailed(
                    position, "the log leaf for this event is missing or moved"
                )
            # Step 2: leaf equals event.
            try:
                if type(originator_id) is not str or canonical_uuid(originator_id) is None:
                    raise ValueError
                if type(state) is not bytes:
                    raise TypeError
                encoded = topics.get(topic)
                if encoded is None:
                    topic_bytes = topic.encode()
                    encoded = topics[topic] = (topic_bytes, len(topic_bytes))
                computed = sha256(
                    b"\x00"
                    + pack(
                        notification_id,
                        fromhex(originator_id.replace("-", "")),
                        originator_version,
                        encoded[1],
                    )
                    + encoded[0]
                    + state
                ).digest()
            except Exception:
                computed = _leaf_of(
                    notification_id, originator_id, originator_version, topic, state
                )
            stored_leaf = leaf_row[1]
            if computed != (stored_leaf if type(stored_leaf) is bytes else bytes(stored_leaf)):
                raise VerificationFailed(
                    position, "the event does not match its log leaf (event or leaf altered)"
                )
            append(computed)
            # Step 4: roots.
            while next_size == position and next_head is not None:
                if frontier.root() != next_head.root_hash:
                    raise VerificationFailed(
                        previous_size + 1,
                        f"checkpoint {next_head.tree_size} does not match the recomputed tree "
                        f"(a change between positions {previous_size + 1} and {position})",
                    )
                if _stored_frontier(frontiers[position]) != frontier.to_hex():
                    raise VerificationFailed(
                        None,
                        f"checkpoint {position}: its stored frontier differs from the recomputed "
                        "tree (the next append would fail)",
                    )
                previous_size = position
                next_head = next(pending, None)
                next_size = None if next_head is None else next_head.tree_size
            if progress is not None and position % BATCH == 0:
                progress(position, total)
        extra_leaf = next(leaf_rows, None)
        if extra_leaf is not None:
            raise VerificationFailed(int(extra_leaf[0]), "a log leaf without an event")
        # Step 5: coverage.
        if next_head is not None:
            raise VerificationFailed(
                position + 1,
                f"checkpoint {next_head.tree_size} claims more events than the {position} stored",
            )
        if heads and heads[-1].tree_size != position:
            raise VerificationFailed(heads[-1].tree_size + 1, "events after the newest checkpoint")
        if position and not heads:
            raise VerificationFailed(1, "events without any signed checkpoint")
        if progress is not None:
            progress(position, total)
        return VerifyReport(position, len(heads), frontier.root().hex())


def check_chain(heads: list[Checkpoint]) -> None:
    """Each chained checkpoint names the size of the one before it: a checkpoint taken out
    of the table, or one put in, breaks the chain and is named (checkpoints written before
    chaining began carry no link and are not judged by it)."""
    chained = False
    before = 0
    for head in heads:
        if head.previous is None:
            if chained:
                raise VerificationFailed(
                    None,
                    f"checkpoint {head.tree_size} carries no link to the one before it, "
                    "though the checkpoints before it do (a checkpoint was put in)",
                )
        else:
            chained = True
            if head.previous > before:
                raise VerificationFailed(
                    None,
                    f"checkpoint {head.previous} is missing: checkpoint {head.tree_size} "
                    f"follows it, but the one stored before is {before or 'none'}",
                )
            if head.previous < before:
                raise VerificationFailed(
                    None,
                    f"checkpoint {before} does not belong between {head.previous} and "
                    f"{head.tree_size} (a checkpoint was put in)",
                )
        before = head.tree_size


def _stored_frontier(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


# -- proofs -----------------------------------------------------------------------------


def _leaf_hashes(conn: Connection, size: int) -> list[bytes]:
    rows = conn.execute(
        select(log.c.leaf_hash).where(log.c.position <= size).order_by(log.c.position)
    )
    return [bytes(r[0]) for r in rows]


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
    hashes = _leaf_hashes(conn, head.tree_size)
    tree = MerkleTree(hashes)
    data = leaf_data(
        position,
        event_row.originator_id,
        event_row.originator_version,
        event_row.topic,
        bytes(event_row.state),
    )
    proof: dict[str, Any] = {
        "type": "inclusion",
        "rfc": "RFC 9162 section 2.1.3",
        "leaf_index": position - 1,
        "tree_size": head.tree_size,
        "leaf_hash": hashes[position - 1].hex(),
        "audit_path": [h.hex() for h in tree.inclusion_proof(position - 1)],
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
    tree = MerkleTree(_leaf_hashes(conn, new_size))
    return {
        "type": "consistency",
        "rfc": "RFC 9162 section 2.1.4",
        "first": old_size,
        "second": new_size,
        "first_root": old.root_hash.hex(),
        "second_root": new.root_hash.hex(),
        "consistency_path": [h.hex() for h in tree.consistency_proof(old_size)],
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
