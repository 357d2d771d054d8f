"""Recompute the whole log from the stored events, in one streamed pass.

Verification steps, each failing with :class:`VerificationFailed` naming the first bad
position (or checkpoint):

1. events and log leaves are numbered 1..n without gaps, one leaf per event;
2. each leaf equals the hash recomputed from its event row;
3. the checkpoints form an unbroken chain, each names the key the key chain (the first
   key, then each recorded rotation) says signs it, and the signatures of the checkpoints
   :func:`signed_sample` chooses verify (all of them with ``full``);
4. every checkpoint's root equals the root recomputed over its first ``tree_size`` leaves,
   and its stored frontier the recomputed frontier; every stored subtree hash equals the
   recomputed subtree (:mod:`ledger.audit.nodes`);
5. no checkpoint claims more leaves than there are, and the newest covers every event.

Why not every signature by default (decision 0042): every root is recomputed and the
newest checkpoint's signature is always checked, and that root commits to every leaf and,
through the tree, to every earlier root. What an unchecked signature leaves open is only
the metadata of an intermediate checkpoint (its time), which the random sample covers
with a chance that grows with the number changed; ``--full`` checks them all.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Collection, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from itertools import chain, zip_longest
from typing import Any

from sqlalchemy import Connection, func, select

from ledger.audit.keychain import KeyChain
from ledger.audit.log import LEAF_HEADER
from ledger.audit.nodes import MIN_HEIGHT
from ledger.audit.signatures import ChainCheck, VerificationFailed, leaf_of
from ledger.store.engine import driver_batches
from ledger.store.schema import checkpoints, events, log, log_nodes

Progress = Callable[[int, int], None]
BATCH = 20_000
SAMPLE = 256
"""Checkpoint signatures checked by default beside the fixed ones (all when fewer)."""

__all__ = ["BATCH", "SAMPLE", "Progress", "VerificationFailed", "VerifyReport", "verify"]


@dataclass(frozen=True)
class VerifyReport:
    events: int
    checkpoints: int
    root_hash: str
    signatures: int = 0
    """How many checkpoint signatures were checked (all of them with ``full``)."""
    full: bool = False
    subtrees: int = 0
    """How many stored subtree hashes were recomputed and compared."""


_EVENTS_IN_ORDER = select(events).order_by(events.c.notification_id)
_LEAVES_IN_ORDER = select(log).order_by(log.c.position)
_c = checkpoints.c
_CHECKPOINTS_IN_ORDER = select(
    _c.tree_size, _c.root_hash, _c.timestamp, _c.key_id, _c.signature, _c.frontier,
    _c.previous_size,
).order_by(_c.tree_size)  # fmt: skip
_NODES_IN_ORDER = select(log_nodes).order_by(log_nodes.c.position, log_nodes.c.height)

_canonical_uuid = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
).fullmatch
"""Matches exactly the strings ``s`` for which ``str(UUID(s)) == s``."""


def _rows(conn: Connection, query: Any) -> Generator[Any, None, None]:
    """Stream a large ordered query in batches (server-side cursor where supported)."""
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    yield from result


def _ordered_rows(conn: Connection, query: Any) -> tuple[Iterator[Any], Generator[Any, None, None]]:
    """The rows of a whole history table in order, streamed, and what to close after.

    On SQLite the same SQL runs on the DB-API cursor and yields plain tuples: the values
    Core would return there too (SQLite's own types, no result processing), without
    building a Row per event, in batches iterated without a Python frame per row.
    Elsewhere through Core, with a server-side cursor.
    """
    if conn.dialect.name == "sqlite":
        batches = driver_batches(conn, str(query.compile(dialect=conn.dialect)), BATCH)
        return chain.from_iterable(batches), batches
    rows = _rows(conn, query)
    return rows, rows


def _count(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def signed_sample(count: int, full: bool) -> set[int] | None:
    """Which checkpoints (0-based, in size order) get their signature checked beside the
    newest, the key changes and the ``also`` sizes: None for all (``full``, or no more
    than :data:`SAMPLE`), else :data:`SAMPLE` drawn anew each run from the system's
    random source, so that nobody can know in advance which ones go unchecked."""
    if full or count <= SAMPLE:
        return None
    return set(secrets.SystemRandom().sample(range(count), SAMPLE))


def verify(
    conn: Connection,
    origin: str,
    keys: KeyChain,
    progress: Progress | None = None,
    *,
    full: bool = False,
    also: Collection[int] = (),
) -> VerifyReport:
    """Steps 1-5 of the module docstring in one pass over events, leaves, checkpoints
    and stored subtree hashes, each streamed in order. ``also``: tree sizes whose
    checkpoint signature is checked in any case (the high-water mark's, say)."""
    total = _count(conn, events)
    head_rows, heads_closer = _ordered_rows(conn, _CHECKPOINTS_IN_ORDER)
    heads = ChainCheck(
        origin, keys, head_rows, signed_sample(_count(conn, checkpoints), full), also
    )
    event_rows, events_closer = _ordered_rows(conn, _EVENTS_IN_ORDER)
    leaf_rows, leaves_closer = _ordered_rows(conn, _LEAVES_IN_ORDER)
    node_rows, nodes_closer = _ordered_rows(conn, _NODES_IN_ORDER)
    # Closed however verification ends, while the connection is still open.
    with (
        closing(events_closer),
        closing(leaves_closer),
        closing(nodes_closer),
        closing(heads_closer),
    ):
        # The loop below runs once per event, so it is written for speed: the frontier
        # (stack of perfect subtree roots, and their hex for the stored frontier) is
        # grown inline; a row whose leaf hash the fast path cannot compute (anything but
        # a canonical id string, a str topic and bytes state) is handed to leaf_of, which
        # computes exactly what it always did or names the malformed row.
        sha256, pack, fromhex = hashlib.sha256, LEAF_HEADER.pack, bytes.fromhex
        canonical_uuid = _canonical_uuid
        topics: dict[Any, tuple[bytes, int]] = {}
        stack: list[bytes] = []
        hexes: list[str] = []
        nodes = _StoredNodes(node_rows)
        next_size = heads.next_size
        mask = (1 << MIN_HEIGHT) - 1
        position = 0
        for event_row, leaf_row in zip_longest(event_rows, leaf_rows):
            position += 1
            if event_row is None:
                raise VerificationFailed(int(leaf_row[0]), "a log leaf without an event")
            notification_id, originator_id, originator_version, topic, state = event_row
            # Step 1: numbering.
            if notification_id != position:
                raise VerificationFailed(position, "the event at this position is missing or moved")
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
                computed = leaf_of(notification_id, originator_id, originator_version, topic, state)
            stored_leaf = leaf_row[1]
            if computed != (stored_leaf if type(stored_leaf) is bytes else bytes(stored_leaf)):
                raise VerificationFailed(
                    position, "the event does not match its log leaf (event or leaf altered)"
                )
            # The frontier: merge equal-height subtrees (RFC 9162 §2.1.2).
            size = position - 1
            if position & mask:
                while size & 1:
                    computed = sha256(b"\x01" + stack.pop() + computed).digest()
                    hexes.pop()
                    size >>= 1
            else:  # subtrees of 2^MIN_HEIGHT leaves or more complete here: held against
                height = 0  # the stored subtree hashes
                completed = []
                while size & 1:
                    computed = sha256(b"\x01" + stack.pop() + computed).digest()
                    hexes.pop()
                    size >>= 1
                    height += 1
                    if height >= MIN_HEIGHT:
                        completed.append((height, computed))
                nodes.check(position, completed)
            stack.append(computed)
            hexes.append(computed.hex())
            # Steps 3 and 4: the checkpoints of this size.
            if next_size == position:
                next_size = heads.check(position, stack, hexes)
            if progress is not None and position % BATCH == 0:
                progress(position, total)
        nodes.finish(position)
        # Step 5: coverage.
        heads.finish(position)
        if progress is not None:
            progress(position, total)
        root = stack[-1] if stack else sha256(b"").digest()
        for h in reversed(stack[:-1]):
            root = sha256(b"\x01" + h + root).digest()
        return VerifyReport(
            position, heads.count, root.hex(), heads.signatures, full, nodes.compared
        )


class _StoredNodes:
    """The stored subtree hashes, streamed in the order the tree completes them; each
    must be the recomputed one. The table may stop short (a ledger from before it, not
    written since), but not skip one and go on."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self.rows = rows
        self.next: Any = next(rows, None)
        self.compared = 0
        self.stopped_at: int | None = None

    def check(self, position: int, completed: list[tuple[int, bytes]]) -> None:
        row = self.next
        if row is None or int(row[0]) > position:
            if row is not None:
                raise VerificationFailed(
                    None,
                    f"the stored subtree hashes completed by leaf {position} are missing, "
                    f"though later ones are stored (at {int(row[0])})",
                )
            if self.stopped_at is None:
                self.stopped_at = position
            return
        for height, value in completed:
            row = self.next
            if row is None or int(row[0]) != position or int(row[1]) != height:
                raise VerificationFailed(
                    None,
                    f"the stored subtree hash of height {height} ending at leaf {position} "
                    "is missing or misplaced",
                )
            if bytes(row[2]) != value:
                raise VerificationFailed(
                    None,
                    f"the stored subtree hash of leaves {position - (1 << height) + 1}.."
                    f"{position} differs from the recomputed tree (a stored hash was altered)",
                )
            self.compared += 1
            self.next = next(self.rows, None)
        if self.next is not None and int(self.next[0]) <= position:
            raise VerificationFailed(
                None, f"a stored subtree hash at leaf {int(self.next[0])} that the tree has not"
            )

    def finish(self, size: int) -> None:
        if self.next is not None:
            raise VerificationFailed(
                None,
                f"a stored subtree hash at leaf {int(self.next[0])} that the tree of "
                f"{size} leaves has not",
            )
