"""The tamper-evident log: every stored event becomes a leaf, in the same transaction.

A leaf commits to the event's position, aggregate id and version, topic and stored
(sealed) bytes, so crypto-shredding never changes a leaf. After the leaves of a write
transaction, one signed checkpoint for the new tree size is stored with its frontier.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select

from ledger.audit.checkpoint import Checkpoint
from ledger.audit.merkle import CompactRange, leaf_hash
from ledger.errors import RegieError
from ledger.store.schema import checkpoints, log

_HEADER = struct.Struct(">Q16sQH")


class LogInconsistent(RegieError):
    exit_code = 1


def leaf_data(
    position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The bytes a leaf commits to: position, aggregate id, version, topic, stored state."""
    topic_bytes = topic.encode()
    oid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
    return (
        _HEADER.pack(position, oid.bytes, originator_version, len(topic_bytes))
        + topic_bytes
        + state
    )


def checkpoint_row(conn: Connection, tree_size: int | None = None) -> Any:
    query = select(checkpoints)
    if tree_size is None:
        query = query.order_by(checkpoints.c.tree_size.desc()).limit(1)
    else:
        query = query.where(checkpoints.c.tree_size == tree_size)
    return conn.execute(query).first()


def row_to_checkpoint(origin: str, row: Any) -> Checkpoint:
    return Checkpoint(
        origin=origin,
        tree_size=int(row.tree_size),
        root_hash=bytes(row.root_hash),
        timestamp=row.timestamp,
        key_id=row.key_id,
        signature=bytes(row.signature),
    )


class TamperEvidentLog:
    """The store's append hook. Keys and origin are loaded on first use."""

    def __init__(
        self, signing_key: Callable[[], Ed25519PrivateKey], origin: Callable[[], str]
    ) -> None:
        self._signing_key_loader = signing_key
        self._origin_loader = origin
        self._key: Ed25519PrivateKey | None = None
        self._origin: str | None = None
        self._frontier: CompactRange | None = None

    @property
    def key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = self._signing_key_loader()
        return self._key

    @property
    def origin(self) -> str:
        if self._origin is None:
            self._origin = self._origin_loader()
        return self._origin

    def _frontier_at(self, conn: Connection, size: int) -> CompactRange:
        """The frontier after ``size`` leaves, checked against the newest signed root."""
        row = checkpoint_row(conn)
        if row is None:
            frontier = CompactRange()
        else:
            stored_root = bytes(row.root_hash)
            cached = self._frontier
            if (
                cached is not None
                and cached.size == int(row.tree_size)
                and cached.root() == stored_root
            ):
                frontier = cached.copy()
            else:
                try:
                    frontier = CompactRange.from_hex(int(row.tree_size), json.loads(row.frontier))
                except ValueError:
                    frontier = CompactRange()  # unreadable: fails the root check below
                if frontier.root() != stored_root:
                    raise LogInconsistent(
                        f"the stored frontier of checkpoint {row.tree_size} does not match "
                        "its root; run `regie audit verify`"
                    )
        if frontier.size != size:
            raise LogInconsistent(
                f"the log holds {frontier.size} leaves but the events {size}; "
                "run `regie audit verify`"
            )
        return frontier

    def __call__(self, conn: Connection, positions: Sequence[int], stored: Sequence[Any]) -> None:
        if not positions:
            return
        key = self.key
        frontier = self._frontier_at(conn, positions[0] - 1)
        hashes = [
            leaf_hash(leaf_data(p, e.originator_id, e.originator_version, e.topic, e.state))
            for p, e in zip(positions, stored, strict=True)
        ]
        conn.execute(
            log.insert(),
            [{"position": p, "leaf_hash": h} for p, h in zip(positions, hashes, strict=True)],
        )
        frontier.extend(hashes)
        checkpoint = Checkpoint.sign(
            key, self.origin, frontier.size, frontier.root(), datetime.now(UTC).isoformat()
        )
        conn.execute(
            checkpoints.insert().values(
                tree_size=checkpoint.tree_size,
                root_hash=checkpoint.root_hash,
                timestamp=checkpoint.timestamp,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
                frontier=json.dumps(frontier.to_hex()),
            )
        )
        # A cache only: the next append compares it with the newest stored checkpoint.
        self._frontier = frontier
