"""The read models' metadata, their shape number and the tracking of the projector's position."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

read_models = MetaData()

SHAPE = 10
"""The shape of the read models: raise it with every change of a table or of what a handler
writes. A ledger whose read models have another shape rebuilds them before the next read
(they are derived data; the events are the record)."""

STEP_FORWARD = "vooruit"
"""The kind of a step-history row for a step forward."""


def by_columns() -> list[Column[str]]:
    """Who recorded the event behind a row, and when."""
    return [
        Column("actor", String(64), nullable=False),
        Column("role", String(64), nullable=False),
        Column("org", String(64), nullable=False),
        Column("recorded_at", String(40), nullable=False),
    ]


tracking = Table(
    "rm_tracking",
    read_models,
    Column("name", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)
