"""A batch of read-model changes held in memory and written in one go.

Mutable rows (cases, actions, actors) are loaded on first touch, changed in memory and
rewritten at flush; append-only rows are bulk-inserted. A rebuild starts from empty
tables, so it never needs to read, which is what makes it fast.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, and_, select, tuple_

Row = dict[str, Any]
Key = tuple[Any, ...]


class Workspace:
    def __init__(self, *, fresh: bool) -> None:
        self.fresh = fresh
        self._rows: dict[str, dict[Key, Row]] = {}
        self._dirty: dict[str, set[Key]] = {}
        self._persisted: dict[str, set[Key]] = {}
        self._appended: dict[str, list[Row]] = {}
        self._tables: dict[str, Table] = {}
        self.conn: Connection | None = None

    @staticmethod
    def _key_of(table: Table, row: Row) -> Key:
        return tuple(row[c.name] for c in table.primary_key.columns)

    def get(self, table: Table, *key: Any) -> Row | None:
        cached = self._rows.setdefault(table.name, {})
        if key in cached:
            return cached[key]
        if self.fresh or self.conn is None:
            return None
        cols = list(table.primary_key.columns)
        found = (
            self.conn.execute(
                select(table).where(
                    and_(*(col == value for col, value in zip(cols, key, strict=True)))
                )
            )
            .mappings()
            .first()
        )
        if found is None:
            return None
        row = dict(found)
        cached[key] = row
        self._persisted.setdefault(table.name, set()).add(key)
        self._tables[table.name] = table
        return row

    def require(self, table: Table, *key: Any) -> Row:
        row = self.get(table, *key)
        if row is None:
            raise LookupError(f"{table.name} has no row {key}: the event log is inconsistent")
        return row

    def put(self, table: Table, row: Row) -> None:
        key = self._key_of(table, row)
        self._rows.setdefault(table.name, {})[key] = row
        self._dirty.setdefault(table.name, set()).add(key)
        self._tables[table.name] = table

    def touch(self, table: Table, row: Row) -> None:
        """Mark a row obtained from :meth:`get` as changed."""
        self.put(table, row)

    def append(self, table: Table, row: Row) -> None:
        self._appended.setdefault(table.name, []).append(row)
        self._tables[table.name] = table

    def flush(self, conn: Connection) -> None:
        for name, keys in self._dirty.items():
            if not keys:
                continue
            table = self._tables[name]
            persisted = self._persisted.setdefault(name, set())
            existing = [k for k in keys if k in persisted]
            cols = list(table.primary_key.columns)
            for start in range(0, len(existing), 500):
                chunk = existing[start : start + 500]
                if len(cols) == 1:
                    conn.execute(table.delete().where(cols[0].in_([k[0] for k in chunk])))
                else:
                    conn.execute(table.delete().where(tuple_(*cols).in_(chunk)))
            rows = self._rows[name]
            ordered = sorted(keys)
            conn.execute(table.insert(), [rows[k] for k in ordered])
            persisted.update(keys)
            keys.clear()
        for name, appended in self._appended.items():
            if appended:
                conn.execute(self._tables[name].insert(), appended)
                appended.clear()
