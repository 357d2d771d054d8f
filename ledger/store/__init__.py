"""Persistence: one SQLAlchemy engine, the event table, and the recorder over it."""

from ledger.store.engine import Store

__all__ = ["Store"]
