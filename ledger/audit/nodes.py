"""Stored subtree hashes: the roots of the log's perfect subtrees of 2^8 leaves or more.

Why: an RFC 9162 proof needs O(log n) subtree roots, but computing them from the leaves
reads all n leaves (~0.5 s at 300,000 events). The append hook already computes every
completed subtree while it grows the frontier (:meth:`CompactRange.extend_recording`), so
it stores those of :data:`MIN_HEIGHT` or more in the same transaction: about one row per
128 leaves, one insert every 256 single-event commits. A proof then reads at most
log2(n) of these rows and two ranges of fewer than 256 leaves (decision 0042).

The rows are derived, never trusted: :mod:`ledger.audit.verify` recomputes every one, and
every proof made from them is checked against the signed root before it is handed out.
A ledger written before this table existed gets it on opening (:func:`ensure_table`) and
filled by its next write (:func:`catch_up`); until then proofs compute the missing
subtrees from the leaves, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, func, inspect, select

from ledger.audit import triggers
from ledger.audit.merkle import CompactRange, node_hash, root
from ledger.audit.proofs import SubtreeRoot, consistency_path, inclusion_path, perfect_parts
from ledger.errors import RegieError
from ledger.store.engine import Store, driver_execute, driver_rows
from ledger.store.schema import log, log_nodes

MIN_HEIGHT = 8
"""Subtrees of 2^8 = 256 leaves and more are stored; smaller ones come from the leaves."""
CHUNK = 1 << MIN_HEIGHT

Node = tuple[int, int, bytes]
"""(end, height, root): the subtree over leaves [end - 2^height, end), 0-based."""

_SQLITE_INSERT = f"INSERT INTO {log_nodes.name} (position, height, hash) VALUES (?, ?, ?)"
_SQLITE_NEWEST = f"SELECT max(position) FROM {log_nodes.name}"
_SQLITE_LEAVES = f"SELECT leaf_hash FROM {log.name} WHERE position <= ? ORDER BY position"


class StoredTreeInconsistent(RegieError):
    """The stored leaves or subtree hashes do not add up: tampering, for verify to name."""

    exit_code = 1


def ensure_table(store: Store) -> None:
    """Create the table, with its append-only triggers, in a ledger made before it."""
    with store.engine.connect() as conn:
        if inspect(conn).has_table(log_nodes.name):
            return
    with store.write(lock=False) as conn:
        log_nodes.create(conn, checkfirst=True)
        triggers.install(conn, [log_nodes])


def newest_end(conn: Connection) -> int:
    """The last leaf position covered by a stored subtree (0 for none)."""
    if conn.dialect.name == "sqlite":
        return int(driver_execute(conn, _SQLITE_NEWEST)[0] or 0)
    return int(conn.execute(select(func.max(log_nodes.c.position))).scalar() or 0)


def write(conn: Connection, nodes: Sequence[Node]) -> None:
    """Store completed subtrees, in the transaction that completed them."""
    if not nodes:
        return
    if conn.dialect.name == "sqlite":
        driver_execute(conn, _SQLITE_INSERT, list(nodes), many=True)
    else:
        conn.execute(
            log_nodes.insert(), [{"position": p, "height": h, "hash": x} for p, h, x in nodes]
        )


def catch_up(conn: Connection, size: int, signed_root: bytes) -> None:
    """Store every subtree the first ``size`` leaves complete that is not stored yet.

    Once per ledger written before the table existed (one pass over the leaves), and after
    a writer that did not store them. The recomputed root must be the signed one, so what
    is stored is what the signature vouches for.
    """
    expected = size - size % CHUNK
    stored = newest_end(conn)
    if stored == expected:
        return
    if conn.dialect.name == "sqlite":
        leaves = [bytes(r[0]) for r in driver_rows(conn, _SQLITE_LEAVES.replace("?", str(size)))]
    else:
        query = select(log.c.leaf_hash).where(log.c.position <= size).order_by(log.c.position)
        leaves = [bytes(r[0]) for r in conn.execute(query)]
    frontier = CompactRange()
    nodes = frontier.extend_recording(leaves, MIN_HEIGHT)
    if frontier.size != size or frontier.root() != signed_root:
        raise StoredTreeInconsistent(
            f"the log's leaves do not reproduce the signed root of checkpoint {size}; "
            "nothing was written; run `regie audit verify`"
        )
    write(conn, [n for n in nodes if n[0] > stored])


class StoredTree:
    """The tree over the first ``size`` leaves, read from stored subtree hashes.

    A proof is planned first (which subtree roots it needs), then those are fetched in
    one query and their small remainders from at most a few ranges of < 256 leaves. A
    subtree that is not stored (a ledger not caught up yet) is computed from its leaves.
    """

    def __init__(self, conn: Connection, size: int) -> None:
        self.conn = conn
        self.size = size
        self._nodes: dict[tuple[int, int], bytes] = {}
        self._chunks: dict[int, list[bytes]] = {}

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[size]) of RFC 9162 §2.1.3.1."""
        self._load(lambda planned: inclusion_path(index, self.size, planned))
        return inclusion_path(index, self.size, self._subtree_root)

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """PROOF(old_size, D[size]) of RFC 9162 §2.1.4.1."""
        self._load(lambda planned: consistency_path(old_size, self.size, planned))
        return consistency_path(old_size, self.size, self._subtree_root)

    def leaf_hash(self, index: int) -> bytes:
        """The stored leaf hash at ``index`` (0-based)."""
        self._fetch_chunks({index // CHUNK})
        return self._chunks[index // CHUNK][index % CHUNK]

    # -- planning and fetching -------------------------------------------------------

    def _load(self, walk: Callable[[SubtreeRoot], list[bytes]]) -> None:
        wanted: list[tuple[int, int]] = []

        def planned(start: int, end: int) -> bytes:
            wanted.extend(perfect_parts(start, end))
            return bytes(32)

        walk(planned)
        large = {(first + (1 << h), h) for first, h in wanted if h >= MIN_HEIGHT}
        self._fetch_nodes(large)
        chunks = {first // CHUNK for first, h in wanted if h < MIN_HEIGHT}
        self._fetch_chunks(chunks)

    def _fetch_nodes(self, keys: set[tuple[int, int]]) -> None:
        missing = keys - self._nodes.keys()
        if not missing:
            return
        t = log_nodes.c
        rows = self.conn.execute(
            select(t.position, t.height, t.hash).where(t.position.in_({p for p, _ in missing}))
        )
        for position, height, value in rows:
            if (int(position), int(height)) in missing:
                self._nodes[int(position), int(height)] = bytes(value)
        for end, height in missing - self._nodes.keys():  # not stored (yet): from the leaves
            self._nodes[end, height] = root(self._leaves(end - (1 << height), end))

    def _fetch_chunks(self, chunks: set[int]) -> None:
        for chunk in chunks - self._chunks.keys():
            first = chunk * CHUNK
            self._chunks[chunk] = self._leaves(first, min(first + CHUNK, self.size))

    def _leaves(self, first: int, end: int) -> list[bytes]:
        """Leaf hashes of leaves [first, end), 0-based (positions first + 1 .. end)."""
        rows = self.conn.execute(
            select(log.c.leaf_hash)
            .where(log.c.position > first, log.c.position <= end)
            .order_by(log.c.position)
        )
        leaves = [bytes(r[0]) for r in rows]
        if len(leaves) != end - first:
            raise StoredTreeInconsistent(
                f"log leaves {first + 1}..{end} are not all stored; run `regie audit verify`"
            )
        return leaves

    def _subtree_root(self, start: int, end: int) -> bytes:
        parts = []
        for first, height in perfect_parts(start, end):
            if height >= MIN_HEIGHT:
                parts.append(self._nodes[first + (1 << height), height])
            else:
                offset = first % CHUNK
                parts.append(root(self._chunks[first // CHUNK][offset : offset + (1 << height)]))
        result = parts.pop()
        while parts:
            result = node_hash(parts.pop(), result)
        return result
