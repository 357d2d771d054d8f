"""A batch of read-model changes held in memory and written in one go.

Mutable rows (cases, actions, actors) are loaded on first touch, changed in memory and
rewritten at flush; append-only rows are bulk-inserted. A rebuild starts from empty
tables, so it never needs to read, which is what makes it fast.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, bindparam, select, tuple_

Row = dict[str, Any]
Opener = Callable[[str, str, dict[str, str]], Any]
"""Opens a sealed value (owner id, field, sealed): how access-log subjects are read."""
Key = tuple[Any, ...]

_KEY_NAMES: dict[Table, tuple[str, ...]] = {}
"""Primary-key column names per table: looked up once, not on every put."""

_BY_KEY: dict[Table, Select[Any]] = {}
"""Per table, the SELECT of one row by its primary key (bound parameters k0, k1, ...)."""

_Insert = tuple[str, Callable[[Row], Any], list[tuple[int, Callable[[Any], Any]]]]
_SQLITE_INSERTS: dict[tuple[Table, tuple[str, ...]], _Insert | None] = {}


def _key_names(table: Table) -> tuple[str, ...]:
    names = _KEY_NAMES.get(table)
    if names is None:
        names = _KEY_NAMES[table] = tuple(c.name for c in table.primary_key.columns)
    return names


def _insert_rows(conn: Connection, table: Table, rows: list[Row]) -> None:
    """``conn.execute(table.insert(), rows)``, with a faster path on SQLite.

    On SQLite the same INSERT (the columns present in the first row, in table order, as
    Core would choose them) runs as driver SQL with tuples, and each column's bind
    processor is applied as Core would (only Boolean has one there). This skips Core's
    per-row parameter processing, about half of a rebuild's flush time. A row that lacks
    a column takes the Core path, so errors stay Core's.
    """
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    names = tuple(c.name for c in table.columns if c.name in rows[0])
    if (table, names) not in _SQLITE_INSERTS:
        compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(names))
        processors: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(names):
            column_type = table.c[name].type.dialect_impl(conn.dialect)
            process = column_type.bind_processor(conn.dialect)
            if process is not None:
                processors.append((i, process))
        getter: Callable[[Row], Any] = (
            itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        )
        # Only when Core binds exactly these columns in this order (no column defaults).
        same = list(compiled.positiontup or ()) == list(names)
        _SQLITE_INSERTS[(table, names)] = (str(compiled), getter, processors) if same else None
    prepared = _SQLITE_INSERTS[(table, names)]
    if prepared is None:
        conn.execute(table.insert(), rows)
        return
    sql, getter, processors = prepared
    try:
        params = [getter(row) for row in rows]
    except KeyError:
        conn.execute(table.insert(), rows)
        return
    if processors:
        for i, values in enumerate(params):
            converted = list(values)
            for position, convert in processors:
                converted[position] = convert(converted[position])
            params[i] = tuple(converted)
    conn.exec_driver_sql(sql, params)


class Workspace:
    def __init__(self, *, fresh: bool) -> None:
        self.fresh = fresh
        self._rows: dict[str, dict[Key, Row]] = {}
        self._dirty: dict[str, set[Key]] = {}
        self._persisted: dict[str, set[Key]] = {}
        self._appended: dict[str, list[Row]] = {}
        self._tables: dict[str, Table] = {}
        self.conn: Connection | None = None
        self.opener: Opener | None = None

    @staticmethod
    def _key_of(table: Table, row: Row) -> Key:
        return tuple([row[name] for name in _key_names(table)])

    def get(self, table: Table, *key: Any) -> Row | None:
        cached = self._rows.get(table.name)
        if cached is None:
            cached = self._rows[table.name] = {}
        elif key in cached:
            return cached[key]
        if self.fresh or self.conn is None:
            return None
        by_key = _BY_KEY.get(table)
        if by_key is None:  # built once per table: a Core statement costs more than the query
            cols = list(table.primary_key.columns)
            by_key = _BY_KEY[table] = select(table).where(
                and_(*(col == bindparam(f"k{i}") for i, col in enumerate(cols)))
            )
        found = (
            self.conn.execute(by_key, {f"k{i}": value for i, value in enumerate(key)})
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
        # The hottest call of a rebuild: no throw-away {} / set() as setdefault would make.
        name = table.name
        key = tuple([row[n] for n in _key_names(table)])
        rows = self._rows.get(name)
        if rows is None:
            rows = self._rows[name] = {}
        rows[key] = row
        dirty = self._dirty.get(name)
        if dirty is None:
            dirty = self._dirty[name] = set()
        dirty.add(key)
        self._tables[name] = table

    def touch(self, table: Table, row: Row) -> None:
        """Mark a row obtained from :meth:`get` as changed."""
        self.put(table, row)

    def append(self, table: Table, row: Row) -> None:
        self._appended.setdefault(table.name, []).append(row)
        self._tables[table.name] = table

    def pending_rows(self, table: Table) -> list[Row]:
        """Rows of ``table`` held in memory (loaded, changed or appended, not yet flushed)."""
        return [*self._rows.get(table.name, {}).values(), *self._appended.get(table.name, [])]

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
            _insert_rows(conn, table, [rows[k] for k in ordered])
            persisted.update(keys)
            keys.clear()
        for name, appended in self._appended.items():
            if appended:
                _insert_rows(conn, self._tables[name], appended)
                appended.clear()
