"""Read models of the data subject's rights: the register of requests, and the
rectifications (whose retired keys the destructions check). Natural keys only; no
personal data (the sealed note and reasons stay in the events)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table

from ledger.projections.metadata import by_columns, read_models

rights_requests = Table(
    "rm_rights_requests",
    read_models,
    Column("request_id", String(36), primary_key=True),
    Column("ref", String(16), nullable=False),
    Column("subject_id", String(36), nullable=False),
    Column("short", String(16), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("article", String(64), nullable=False),
    Column("received_on", String(10), nullable=False),
    Column("deadline", String(10), nullable=False),
    Column("extended", Boolean, nullable=False),
    Column("extended_on", String(10)),
    Column("hold_id", String(36), nullable=False),
    Column("outcome", String(16)),
    Column("decided_on", String(10)),
    Column("decided_by", String(64)),
    *by_columns(),
)
Index("rm_rights_requests_subject", rights_requests.c.subject_id)

rectifications = Table(
    "rm_rectifications",
    read_models,
    Column("subject_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("short", String(16), nullable=False),
    Column("field", String(64), nullable=False),
    Column("category", String(64), nullable=False),
    Column("retired", String(80)),
    Column("request_id", String(36)),
    Column("rectified_on", String(10), nullable=False),
    *by_columns(),
)
"""One row per ``Subject.Rectified``: ``retired`` is the key-store slot to be destroyed."""
