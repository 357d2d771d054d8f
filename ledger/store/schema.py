"""The tables that hold history: events and store metadata. Never updated, never deleted.

Read models live in :mod:`ledger.projections.tables` under their own metadata, so
that a rebuild can drop them without touching anything here.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = "2"

history = MetaData()

# Gap-free positions assigned by the recorder under a write lock: position n is the
# n-th event ever stored. SQLite gets INTEGER PRIMARY KEY (the rowid) for speed.
_position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "regie_events",
    history,
    Column("notification_id", _position, primary_key=True, autoincrement=False),
    Column("originator_id", String(36), nullable=False),
    Column("originator_version", Integer, nullable=False),
    Column("topic", Text, nullable=False),
    Column("state", LargeBinary, nullable=False),
    UniqueConstraint("originator_id", "originator_version", name="regie_events_aggregate_seq"),
)

# The tamper-evident log (RFC 9162): one leaf per event, same position, same transaction.
log = Table(
    "regie_log",
    history,
    Column("position", _position, primary_key=True, autoincrement=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
)

# A signed tree head per write transaction, with the frontier needed to extend it.
checkpoints = Table(
    "regie_checkpoints",
    history,
    Column("tree_size", _position, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
    Column("frontier", Text, nullable=False),
    # Since schema 2: the size of the checkpoint before this one, also in the signed body.
    Column("previous_size", _position),
)

# Since 0.3: the roots of the log's perfect subtrees of 2^8 leaves or more, each stored in
# the transaction that completes it (``position`` is its last leaf), so that proofs read
# O(log n) rows instead of every leaf (decision 0042). Derived from the leaves; verify
# recomputes every one.
log_nodes = Table(
    "regie_log_nodes",
    history,
    Column("position", _position, primary_key=True, autoincrement=False),
    Column("height", SmallInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

APPEND_ONLY = (events, log, checkpoints, log_nodes)

meta = Table(
    "regie_meta",
    history,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
