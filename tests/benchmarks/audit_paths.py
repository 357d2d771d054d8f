"""The tamper-evident log's read paths: `audit verify` and the RFC 9162 proofs.

Each figure sits next to a limit measured in the same run on the same ledger file:

* verify, against the floor any verifier of this log must pay: read every event and leaf
  row, hash each leaf (SHA-256) and grow the frontier (bare ``sqlite3``, no checks);
* verify ``--full`` (every signature) on a ledger written one event per commit, against
  the Ed25519 verification rate of this machine (one checkpoint per event);
* inclusion and consistency proofs at n leaves, against building them from every leaf
  (what a proof cost before the stored subtree hashes), and across sizes n/64 .. n, where
  O(log n) means the time barely grows while the tree grows 64-fold.

The ledgers are written through the real store, recorder and append hook (leaves, subtree
hashes, one signed checkpoint per commit) from stored events made here, without fsync and
without the high-water mark and witness files: their content is what a durable ledger holds.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import statistics
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent

from ledger.bootstrap import Ledger
from ledger.store.schema import checkpoints, events, log

from . import fixtures as fx
from .measure import Measurement

TOPIC = "ledger.domain.access:AccessLog.Entry"
STATE = b'{"subject": "' + b"x" * 220 + b'", "command": "case.show", "purpose": "groepsaanpak"}'
PER_AGGREGATE = 1000
"""Versions per synthetic aggregate (a new originator id every this many events)."""
BATCH = 2000
"""Events per commit in the batched ledger (as the access-log benchmark writes them)."""
PROOFS = 30
"""Proofs timed at each size (median)."""


@contextmanager
def _fast_writes(lg: Ledger) -> Iterator[None]:
    """Write without fsync and without the files kept after each commit (mark,
    witnesses): the rows written are the same, only the disk waits are left out."""
    hooks = list(lg.store.commit_hooks)
    lg.store.commit_hooks.clear()
    raw = lg.store.engine.raw_connection()  # the pooled connection the writes reuse
    try:
        raw.cursor().execute("PRAGMA synchronous=OFF")
    finally:
        raw.close()
    try:
        yield
    finally:
        lg.store.commit_hooks.extend(hooks)


def write_events(lg: Ledger, n: int, per: int, seed: int = 1) -> float:
    """Append ``n`` synthetic events, ``per`` per write transaction; events/s."""
    rng = random.Random(seed)
    insert = lg.app.sql_recorder.insert_events
    started = time.perf_counter()
    written = 0
    oid = UUID(int=rng.getrandbits(128), version=4)
    version = 0
    with _fast_writes(lg):
        while written < n:
            batch = []
            for _ in range(min(per, n - written)):
                version += 1
                if version > PER_AGGREGATE:
                    oid, version = UUID(int=rng.getrandbits(128), version=4), 1
                batch.append(StoredEvent(oid, version, TOPIC, STATE))
            insert(batch)
            written += len(batch)
    return n / (time.perf_counter() - started)


def floor_rate(path: Path, roots: bool = False) -> float:
    """Events/s of the least any verifier does: read both tables in order, hash each leaf
    from its event row, compare it with the stored leaf, grow the frontier; with
    ``roots`` also read every checkpoint row and fold the frontier into its root."""
    conn = sqlite3.connect(path)
    try:
        sha256, pack, fromhex = hashlib.sha256, struct.Struct(">Q16sQH").pack, bytes.fromhex
        started = time.perf_counter()
        rows = conn.execute(
            f"SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {events.name} ORDER BY notification_id"
        )
        leaves = conn.cursor().execute(f"SELECT leaf_hash FROM {log.name} ORDER BY position")
        heads = iter(
            conn.cursor().execute(f"SELECT * FROM {checkpoints.name} ORDER BY tree_size")
            if roots
            else ()
        )
        head = next(heads, None)
        topics: dict[str, bytes] = {}
        frontier: list[bytes] = []
        count = 0
        for (position, oid, version, topic, state), (leaf,) in zip(rows, leaves, strict=True):
            encoded = topics.get(topic)
            if encoded is None:
                encoded = topics[topic] = topic.encode()
            computed = sha256(
                b"\x00"
                + pack(position, fromhex(oid.replace("-", "")), version, len(encoded))
                + encoded
                + state
            ).digest()
            if computed != leaf:
                raise RuntimeError(f"leaf {position} differs")
            size = count
            while size & 1:
                computed = sha256(b"\x01" + frontier.pop() + computed).digest()
                size >>= 1
            frontier.append(computed)
            count += 1
            if head is not None and head[0] == count:
                root = frontier[-1]
                for h in reversed(frontier[:-1]):
                    root = sha256(b"\x01" + h + root).digest()
                if root != head[1]:
                    raise RuntimeError(f"checkpoint {count} differs")
                head = next(heads, None)
        return count / (time.perf_counter() - started)
    finally:
        conn.close()


def ed25519_verify_rate(rounds: int = 2000) -> float:
    """Signature checks/s of this machine on a checkpoint-sized body."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    body = b"regie\n123456\n" + b"A" * 44 + b"\n\xe2\x80\x94 time 2025-03-14T10:00:00+00:00\n"
    signature = key.sign(body)
    started = time.perf_counter()
    for _ in range(rounds):
        public.verify(signature, body)
    return rounds / (time.perf_counter() - started)


def _verify_rate(lg: Ledger, full: bool) -> tuple[float, Any]:
    started = time.perf_counter()
    report = lg.audit_log.verify(full=full)
    return report.events / (time.perf_counter() - started), report


def _median_ms(calls: list[Callable[[], object]]) -> float:
    timings = []
    for call in calls:
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _all_leaves(lg: Ledger, size: int) -> list[bytes]:
    with lg.store.read() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT leaf_hash FROM {log.name} WHERE position <= ? ORDER BY position", (size,)
        )
        return [bytes(r[0]) for r in rows]


def _from_all_leaves_ms(lg: Ledger, size: int, position: int) -> float:
    """One inclusion proof the way it was made before: every leaf read, the tree built."""
    from ledger.audit.proofs import MerkleTree

    started = time.perf_counter()
    MerkleTree(_all_leaves(lg, size)).inclusion_proof(position - 1)
    return (time.perf_counter() - started) * 1000


def single_commit_verify(db_dir: Path, n: int) -> list[Measurement]:
    """Verify, default and --full, of a ledger written one event per commit."""
    path = db_dir / "audit-single.sqlite"
    with fx.our_ledger(path) as (lg, _, _):
        written = write_events(lg, n, 1)
        floor = floor_rate(path)
        with_roots = floor_rate(path, roots=True)
        ed25519 = ed25519_verify_rate()
        ours, report = _verify_rate(lg, full=False)
        full, _ = _verify_rate(lg, full=True)
        floor_after = floor_rate(path)
        with_roots = (with_roots + floor_rate(path, roots=True)) / 2
    floor = (floor + floor_after) / 2
    default = Measurement(
        key="verify_single",
        what="`audit verify`, 1 event/commit",
        unit="events/s",
        ours=ours,
        plain=floor,
        target=150_000,
        notes=[
            f"{report.events:,} events, {report.checkpoints:,} checkpoints (written at "
            f"{written:,.0f} events/s without fsync); every leaf, root and stored frontier "
            f"recomputed, {report.signatures:,} signatures checked (the strategy of "
            "docs/operations.md); baseline: bare sqlite3 reading both tables, SHA-256 per "
            "leaf and the frontier, mean of before and after",
            f"the same floor also reading every checkpoint row and folding its root: "
            f"{with_roots:,.0f} events/s (ours is {ours / with_roots:.2f} of that)",
        ],
        details={
            "events": report.events,
            "checkpoints": report.checkpoints,
            "floor_with_roots": with_roots,
        },
    )
    every = Measurement(
        key="verify_single_full",
        what="`audit verify --full`, 1 event/commit",
        unit="events/s",
        ours=full,
        plain=ed25519,
        target=None,
        notes=[
            f"every one of the {report.checkpoints:,} signatures checked; baseline: Ed25519 "
            "verifications/s on this machine (one per checkpoint is the ceiling)",
        ],
        details={"events": report.events},
    )
    return [default, every]


def batched_verify(db_dir: Path, n: int) -> tuple[list[Measurement], Path]:
    """Verify of a ledger written ``BATCH`` events per commit; also the proofs' ledger."""
    path = db_dir / "audit-batched.sqlite"
    with fx.our_ledger(path) as (lg, _, _):
        written = write_events(lg, n, BATCH)
        floor = floor_rate(path)
        ours, report = _verify_rate(lg, full=False)
        floor = (floor + floor_rate(path)) / 2
        proofs = proof_lines(lg, report.events)
    line = Measurement(
        key="verify_batched",
        what=f"`audit verify`, {BATCH:,} events/commit",
        unit="events/s",
        ours=ours,
        plain=floor,
        target=200_000,
        notes=[
            f"{report.events:,} events, {report.checkpoints:,} checkpoints (written at "
            f"{written:,.0f} events/s without fsync); baseline as above",
        ],
        details={"events": report.events, "checkpoints": report.checkpoints},
    )
    return [line, *proofs], path


def proof_lines(lg: Ledger, n: int) -> list[Measurement]:
    """Inclusion and consistency proofs at ``n`` leaves, and how they grow with n."""
    rng = random.Random(7)
    audit = lg.audit_log
    sizes = [h.tree_size for h in audit.checkpoints()]
    positions = [rng.randint(1, n) for _ in range(PROOFS)]
    audit.prove(positions[0])  # warm-up
    inclusion = _median_ms([lambda p=p: audit.prove(p) for p in positions])
    baseline = statistics.median(_from_all_leaves_ms(lg, n, p) for p in positions[:3])

    def at(target: int) -> int:
        return min(sizes, key=lambda s: abs(s - target))

    growth: dict[int, float] = {}
    for new in (at(n // 64), at(n // 8), n):
        olds = [rng.choice([s for s in sizes if s <= new]) for _ in range(PROOFS)]
        growth[new] = _median_ms([lambda o=o, new=new: audit.consistency(o, new) for o in olds])
    small, big = min(growth), max(growth)
    grows = growth[big] / growth[small]
    spread = ", ".join(f"{size:,}: {ms:.2f} ms" for size, ms in sorted(growth.items()))
    return [
        Measurement(
            key="prove_inclusion",
            what=f"`audit prove` at {n:,} leaves, median",
            unit="ms",
            ours=inclusion,
            plain=baseline,
            target=20,
            higher_is_better=False,
            notes=[
                f"LogAudit.prove() of {PROOFS} random events; baseline: the same proof built "
                "from every leaf (read all, MerkleTree), median of 3",
            ],
        ),
        Measurement(
            key="prove_consistency",
            what=f"`audit consistency` to {n:,} leaves, median",
            unit="ms",
            ours=growth[big],
            plain=growth[small],
            target=20,
            higher_is_better=False,
            notes=[
                f"LogAudit.consistency(old, new) from {PROOFS} random older checkpoints; "
                f"baseline: the same to a tree {big // max(small, 1)}× smaller; by size: "
                f"{spread}; O(log n) expects a ratio near 1, linear {big / max(small, 1):.0f}×"
                f" (here {grows:.2f}×)",
            ],
        ),
    ]


def audit_lines(db_dir: Path, quick: bool = False) -> list[Measurement]:
    """Every line of this module: 1M leaves in a full run, 100k with ``quick``."""
    single = single_commit_verify(db_dir, 3_000 if quick else 30_000)
    batched, _ = batched_verify(db_dir, 100_000 if quick else 1_000_000)
    return [*single, *batched]
