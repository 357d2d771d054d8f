"""The read model of API tokens: never the secret, nor even its digest (that stays in the
event, where authentication reads it)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from ledger.projections.metadata import read_models

tokens = Table(
    "rm_tokens",
    read_models,
    Column("token_key", String(36), primary_key=True),
    Column("token_id", String(16), nullable=False, unique=True),
    Column("actor", String(64), nullable=False),
    Column("issued_on", String(10), nullable=False),
    Column("expires_on", String(10)),
    Column("issued_by", String(64), nullable=False),
    Column("issued_at", String(40), nullable=False),
    Column("revoked_on", String(10)),
    Column("revoked_by", String(64)),
    Column("revoke_reason", Text),
)
Index("rm_tokens_actor", tokens.c.actor)
