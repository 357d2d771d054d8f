"""The read model of provisions used again in a case's plan (decision 0032): which action
builds on which provision, for which purpose, and the assessment when that differs."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text

from ledger.projections.metadata import by_columns, read_models

reuses = Table(
    "rm_reuses",
    read_models,
    Column("case_ref", String(32), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("share_id", String(36), nullable=False),
    Column("action", Integer, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("used_on", String(10), nullable=False),
    Column("assessed", Boolean, nullable=False),
    Column("compatibility", Text),
    Column("reviewed_at", String(40)),
    Column("reviewed_by", String(64)),
    Column("review_comment", Text),
    *by_columns(),
)
Index("rm_reuses_share", reuses.c.share_id)
