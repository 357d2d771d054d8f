"""Database triggers that refuse UPDATE and DELETE (and TRUNCATE) on history tables.

They stop mistakes and casual tampering; a database superuser can still drop them, which
is what :mod:`ledger.audit.verify` is for.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table

from ledger.store.schema import APPEND_ONLY

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION regie_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'regie: %% on %% is refused: history is append-only', TG_OP, TG_TABLE_NAME;
END $$
"""


def install(conn: Connection, tables: Sequence[Table] = APPEND_ONLY) -> None:
    """Create the triggers if missing (idempotent); on ``tables``, by default all history."""
    if conn.dialect.name == "sqlite":
        for table in tables:
            for op in ("UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER IF NOT EXISTS {table.name}_no_{op.lower()} "
                    f"BEFORE {op} ON {table.name} BEGIN "
                    f"SELECT RAISE(ABORT, 'regie: {op} on {table.name} is refused: "
                    "history is append-only'); END"
                )
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_FUNCTION)
        for table in tables:
            conn.exec_driver_sql(
                f"CREATE OR REPLACE TRIGGER {table.name}_append_only BEFORE UPDATE OR DELETE "
                f"ON {table.name} FOR EACH ROW EXECUTE FUNCTION regie_append_only()"
            )
            conn.exec_driver_sql(
                f"CREATE OR REPLACE TRIGGER {table.name}_no_truncate BEFORE TRUNCATE "
                f"ON {table.name} FOR EACH STATEMENT EXECUTE FUNCTION regie_append_only()"
            )


def drop(conn: Connection) -> None:
    """Remove the triggers: only tests (playing the attacker) call this."""
    for table in APPEND_ONLY:
        if conn.dialect.name == "sqlite":
            for op in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table.name}_no_{op}")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table.name}_append_only ON {table.name}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table.name}_no_truncate ON {table.name}")
