"""The tamper-evident log: every stored event becomes a leaf, in the same transaction.

A leaf commits to the event's position, aggregate id and version, topic and stored
(sealed) bytes, so crypto-shredding never changes a leaf. Just before a write transaction
commits, one signed checkpoint for the new tree size is stored with its frontier.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, func, select, text

from ledger.audit import nodes
from ledger.audit.checkpoint import Checkpoint, CheckpointError, body, public_key_id
from ledger.audit.keychain import KeyChain
from ledger.audit.merkle import EMPTY_ROOT, CompactRange
from ledger.errors import RegieError
from ledger.store.engine import driver_execute, driver_rows
from ledger.store.schema import checkpoints, events, log

LEAF_HEADER = struct.Struct(">Q16sQH")
"""The fixed part of a leaf's data: position, aggregate id, version, topic length."""

# The append hook runs inside every write transaction, so its statements are built once.
# On SQLite they run as plain SQL on the transaction's DB-API cursor (driver_execute):
# building, cache-keying and parameter processing of Core statements cost ~0.8 ms of a
# durable single-event commit (tests/benchmarks). PostgreSQL runs the same statements
# through Core, prebuilt. Both read and write exactly the same columns and rows.
_c = checkpoints.c
_LATEST = (
    select(
        _c.tree_size, _c.root_hash, _c.frontier, _c.timestamp, _c.key_id, _c.signature,
        _c.previous_size,
    )
    .order_by(_c.tree_size.desc())
    .limit(1)
)  # fmt: skip
_INSERT_LEAVES = log.insert()
_INSERT_CHECKPOINT = checkpoints.insert()
_SQLITE_LATEST = (
    "SELECT tree_size, root_hash, frontier, timestamp, key_id, signature, previous_size "
    f"FROM {checkpoints.name} ORDER BY tree_size DESC LIMIT 1"
)
_SQLITE_INSERT_LEAVES = f"INSERT INTO {log.name} (position, leaf_hash) VALUES (?, ?)"
_SQLITE_NEW_LEAVES = f"SELECT position, leaf_hash FROM {log.name} WHERE position >"
_SQLITE_EVENTS_SIZE = f"SELECT max(notification_id) FROM {events.name}"
_NEW_LEAVES = text(
    f"SELECT position, leaf_hash FROM {log.name} WHERE position > :size ORDER BY position"
)
_EVENTS_SIZE = select(func.max(events.c.notification_id))
_SQLITE_INSERT_CHECKPOINT = (
    f"INSERT INTO {checkpoints.name} "
    "(tree_size, root_hash, timestamp, key_id, signature, frontier, previous_size) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class LogInconsistent(RegieError):
    exit_code = 1


def leaf_data(
    position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The bytes a leaf commits to: position, aggregate id, version, topic, stored state."""
    topic_bytes = topic.encode()
    oid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
    return (
        LEAF_HEADER.pack(position, oid.bytes, originator_version, len(topic_bytes))
        + topic_bytes
        + state
    )


def leaf_hashes(positions: Sequence[int], stored: Sequence[Any]) -> list[bytes]:
    """``leaf_hash(leaf_data(...))`` of each stored event at its position, in one loop.

    The same bytes hashed the same way; each topic is encoded once per call (a batch of
    access events shares one), which matters at a million events.
    """
    sha256, pack = hashlib.sha256, LEAF_HEADER.pack
    topics: dict[str, tuple[bytes, int]] = {}
    out = []
    for position, e in zip(positions, stored, strict=True):
        topic = e.topic
        encoded = topics.get(topic)
        if encoded is None:
            topic_bytes = topic.encode()
            encoded = topics[topic] = (topic_bytes, len(topic_bytes))
        oid = e.originator_id
        if not isinstance(oid, UUID):
            oid = UUID(str(oid))
        header = pack(position, oid.bytes, e.originator_version, encoded[1])
        out.append(sha256(b"\x00" + header + encoded[0] + e.state).digest())
    return out


def checkpoint_row(conn: Connection, tree_size: int | None = None) -> Any:
    query = select(checkpoints)
    if tree_size is None:
        query = query.order_by(checkpoints.c.tree_size.desc()).limit(1)
    else:
        query = query.where(checkpoints.c.tree_size == tree_size)
    return conn.execute(query).first()


def row_to_checkpoint(origin: str, row: Any) -> Checkpoint:
    previous = getattr(row, "previous_size", None)
    return Checkpoint(
        origin=origin,
        tree_size=int(row.tree_size),
        root_hash=bytes(row.root_hash),
        timestamp=row.timestamp,
        key_id=row.key_id,
        signature=bytes(row.signature),
        previous=None if previous is None else int(previous),
    )


class TamperEvidentLog:
    """The store's append hook. Keys and origin are loaded on first use."""

    def __init__(
        self, signing_key: Callable[[], Ed25519PrivateKey], origin: Callable[[], str]
    ) -> None:
        self._signing_key_loader = signing_key
        self._origin_loader = origin
        self._key: Ed25519PrivateKey | None = None
        self._key_id: str | None = None
        self._origin: str | None = None
        # A cache only: the frontier this process last stored, and its root.
        self._frontier: CompactRange | None = None
        self._frontier_root: bytes | None = None
        # The tree size up to which this process knows every subtree hash is stored.
        self._nodes_size: int | None = None
        # The checkpoint of the open write transaction, until the store says it committed
        # (take) or rolled back (discard): see ledger/audit/highwater.py.
        self._pending: Checkpoint | None = None
        self._appended = False  # leaves appended in the open transaction, not yet sealed
        self.key_chain: Callable[[Connection], KeyChain] | None = None
        """The ledger's key chain (bootstrap), for a newest checkpoint by an earlier key."""

    @property
    def key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = self._signing_key_loader()
        return self._key

    @property
    def key_id(self) -> str:
        if self._key_id is None:
            self._key_id = public_key_id(self.key.public_key())
        return self._key_id

    @property
    def origin(self) -> str:
        if self._origin is None:
            self._origin = self._origin_loader()
        return self._origin

    def _latest(self, conn: Connection) -> Any:
        """The newest stored checkpoint's row (size, root, frontier, timestamp, key id,
        signature, previous size), if any."""
        if conn.dialect.name == "sqlite":
            return driver_execute(conn, _SQLITE_LATEST)
        return conn.execute(_LATEST).first()

    def _check_signed(self, conn: Connection, row: Any) -> None:
        """Refuse to extend a checkpoint this ledger's keys did not sign: someone with
        database rights but not the signing key wrote it (a forged history)."""
        previous = None if row[6] is None else int(row[6])
        head = Checkpoint(
            self.origin, int(row[0]), bytes(row[1]), row[3], row[4], bytes(row[5]), previous
        )
        try:
            if head.key_id == self.key_id:
                head.verify(self.key.public_key())
            elif self.key_chain is not None:
                self.key_chain(conn).check(head)  # signed before a rotation: the old key
            else:
                raise CheckpointError(f"checkpoint {head.tree_size} is not signed by this key")
        except CheckpointError as exc:
            raise LogInconsistent(
                f"the newest checkpoint cannot be extended: {exc}; nothing was written; "
                "run `regie audit verify`"
            ) from None

    def _frontier_at(self, conn: Connection, size: int, latest: Any) -> CompactRange:
        """The frontier after ``size`` leaves, checked against the newest signed root."""
        if latest is None:
            frontier = CompactRange()
        else:
            tree_size, stored_root, stored_frontier = int(latest[0]), bytes(latest[1]), latest[2]
            cached = self._frontier
            # The cached frontier is never changed after it is cached (appends extend a
            # copy), so its root computed when it was stored is its root now.
            if (
                cached is not None
                and cached.size == tree_size
                and self._frontier_root == stored_root
            ):
                frontier = cached.copy()
            else:
                try:
                    frontier = CompactRange.from_hex(tree_size, json.loads(stored_frontier))
                except ValueError:
                    frontier = CompactRange()  # unreadable: fails the root check below
                if frontier.root() != stored_root:
                    raise LogInconsistent(
                        f"the stored frontier of checkpoint {tree_size} does not match "
                        "its root; run `regie audit verify`"
                    )
                self._check_signed(conn, latest)
        if frontier.size != size:
            raise LogInconsistent(
                f"the log holds {frontier.size} leaves but the events {size}; "
                "run `regie audit verify`"
            )
        return frontier

    def __call__(self, conn: Connection, positions: Sequence[int], stored: Sequence[Any]) -> None:
        """The store's append hook: the leaves, in the same transaction as the events."""
        if not positions:
            return
        hashes = leaf_hashes(positions, stored)
        if conn.dialect.name == "sqlite":
            driver_execute(
                conn, _SQLITE_INSERT_LEAVES, list(zip(positions, hashes, strict=True)), many=True
            )
        else:
            conn.execute(
                _INSERT_LEAVES,
                [{"position": p, "leaf_hash": h} for p, h in zip(positions, hashes, strict=True)],
            )
        self._appended = True

    def seal(self, conn: Connection) -> None:
        """The store's seal hook: one signed checkpoint over every leaf the transaction
        appended, however many commands and savepoints it held (decision 0023)."""
        if not self._appended:
            return
        self._appended = False
        sqlite = conn.dialect.name == "sqlite"
        latest = self._latest(conn)
        stored_size = 0 if latest is None else int(latest[0])
        if sqlite:
            statement = f"{_SQLITE_NEW_LEAVES} {int(stored_size)} ORDER BY position"
            new = [(int(p), bytes(h)) for p, h in driver_rows(conn, statement)]
        else:
            new = [(int(p), bytes(h)) for p, h in conn.execute(_NEW_LEAVES, {"size": stored_size})]
        if not new:
            return  # every append was rolled back to its savepoint
        events_size = self._events_size(conn)
        if (
            new[0][0] != stored_size + 1
            or new[-1][0] != events_size
            or len(new) != (events_size - stored_size)
        ):
            raise LogInconsistent(
                f"the log holds {stored_size + len(new)} leaves but the events {events_size}; "
                "run `regie audit verify`"
            )
        key = self.key
        frontier = self._frontier_at(conn, stored_size, latest)
        hashes = [h for _, h in new]
        previous = frontier.size
        if self._nodes_size != previous:  # another writer, or a ledger from before 0.3
            nodes.catch_up(conn, previous, EMPTY_ROOT if latest is None else bytes(latest[1]))
        nodes.write(conn, frontier.extend_recording(hashes, nodes.MIN_HEIGHT))
        size, root = frontier.size, frontier.root()
        timestamp = datetime.now(UTC).isoformat()
        # What Checkpoint.sign signs, with the key id computed once per process.
        signature = key.sign(body(self.origin, size, root, timestamp, previous))
        stored_frontier = json.dumps(frontier.to_hex())
        if sqlite:
            driver_execute(
                conn,
                _SQLITE_INSERT_CHECKPOINT,
                (size, root, timestamp, self.key_id, signature, stored_frontier, previous),
            )
        else:
            conn.execute(
                _INSERT_CHECKPOINT,
                {
                    "tree_size": size,
                    "root_hash": root,
                    "timestamp": timestamp,
                    "key_id": self.key_id,
                    "signature": signature,
                    "frontier": stored_frontier,
                    "previous_size": previous,
                },
            )
        # A cache only: the next append compares it with the newest stored checkpoint.
        self._frontier = frontier
        self._frontier_root = root
        self._nodes_size = size
        self._pending = Checkpoint(
            self.origin, size, root, timestamp, self.key_id, signature, previous
        )

    def take(self) -> Checkpoint | None:
        """The checkpoint of the transaction that just committed, once."""
        head, self._pending = self._pending, None
        return head

    def discard(self) -> None:
        self._pending = None
        self._appended = False
        self._nodes_size = None  # what the rolled-back transaction stored is gone

    @staticmethod
    def _events_size(conn: Connection) -> int:
        if conn.dialect.name == "sqlite":
            row = driver_execute(conn, _SQLITE_EVENTS_SIZE)
            return int(row[0] or 0)
        return int(conn.execute(_EVENTS_SIZE).scalar() or 0)

    def reload_key(self) -> None:
        """After a rotation: sign with the (new) key on file from the next checkpoint on."""
        self._key = None
        self._key_id = None
