"""Read models of what is kept and what is destroyed: legal holds, purges, retention runs
and erasures. Natural keys only, as in :mod:`ledger.projections.tables` (which re-exports them)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from ledger.projections.metadata import by_columns, read_models

holds = Table(
    "rm_holds",
    read_models,
    Column("hold_id", String(36), primary_key=True),
    Column("target_kind", String(16), nullable=False),
    Column("target", String(36), nullable=False),
    Column("label", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_on", String(10), nullable=False),
    Column("placed_by", String(64), nullable=False),
    Column("lifted_on", String(10)),
    Column("lifted_by", String(64)),
    Column("request_id", String(36)),  # placed for this rights request (decision 0031)
    Column("review_on", String(10)),  # looked at again on this day (decision 0050)
)
Index("rm_holds_target", holds.c.target)

purges = Table(
    "rm_purges",
    read_models,
    Column("purge_id", String(36), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("owner_kind", String(16), nullable=False),
    Column("label", String(40), nullable=False),
    Column("category", String(64), nullable=False),
    Column("class_id", String(64), nullable=False),
    Column("start_event", Text, nullable=False),
    Column("start_date", String(10), nullable=False),
    Column("due_date", String(10), nullable=False),
    Column("executed_on", String(10), nullable=False),
    Column("run_id", String(36), nullable=False),
    Column("policy_hash", String(64)),
    *by_columns(),
)
Index("rm_purges_executed", purges.c.executed_on)

retention_runs = Table(
    "rm_retention_runs",
    read_models,
    Column("run_id", String(36), primary_key=True),
    Column("as_of", String(10), nullable=False),
    Column("items", Integer, nullable=False),
    Column("proposal", Boolean, nullable=False),
    Column("policy_hash", String(64)),
    Column("proposed_by", String(64), nullable=False),
    Column("approved_by", String(64)),
    Column("purged", Integer),
    Column("started_at", String(40), nullable=False),
    Column("completed_at", String(40)),
)

erasures = Table(
    "rm_erasures",
    read_models,
    Column("subject_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("short", String(16), nullable=False),
    Column("categories", Text),  # JSON list; NULL: every category of the subject
    Column("erased_on", String(10), nullable=False),
    *by_columns(),
)
"""One row per recorded erasure (``Subject.Erased``), whole or of some categories."""
