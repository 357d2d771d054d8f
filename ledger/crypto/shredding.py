"""Destroying data keys: one subject's, or a whole batch's in one key-store transaction.

A retention run over 100,000 subjects used to pay a key-store commit (and its fsyncs)
per key; a batch now pays one (decision 0047). Each destruction is still idempotent and
tombstoned, so a batch cut short is simply destroyed again by the next run or write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, or_, select

from ledger.crypto.key_tables import (
    ALL_CATEGORIES,
    GENERATION,
    INDEXED_CATEGORY,
    base_of,
    blind_index,
    data_keys,
    shredded,
)

CHUNK = 500
"""Subjects per statement: well below SQLite's limit on bound parameters."""

Destruction = tuple[str, Iterable[str] | None]
"""A subject's id and the categories whose keys go (None: every key of the subject)."""


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Shredding:
    """The destroying half of :class:`ledger.crypto.keystore.KeyStore` (its base)."""

    engine: Engine
    before_destroy: Callable[[], None] | None
    _cache: dict[tuple[str, str], bytes | None]

    def shred(self, subject_id: str, categories: Iterable[str] | None = None) -> int:
        """Destroy the subject's data keys (all, or the given categories); idempotent."""
        return self.shred_many([(subject_id, categories)])

    def shred_many(self, destructions: Iterable[Destruction]) -> int:
        """Destroy every listed key in one key-store transaction; returns how many keys.

        The records of these destructions must be durable first: ``before_destroy``
        runs once, before anything goes. Idempotent, like :meth:`shred`."""
        wanted: dict[tuple[str, ...] | None, list[str]] = {}
        for subject_id, categories in destructions:
            key = None if categories is None else tuple(sorted(set(categories)))
            wanted.setdefault(key, []).append(subject_id)
        if not wanted:
            return 0
        if self.before_destroy is not None:
            self.before_destroy()
        now = datetime.now(UTC).isoformat()
        destroyed = 0
        with self.engine.begin() as conn:
            indexed = self._has_index(conn)
            for categories, subjects in wanted.items():
                unique = sorted(set(subjects))
                for chunk in _chunks(unique):
                    destroyed += self._destroy(conn, chunk, categories, indexed, now)
        self._forget(wanted)
        self._vacuum()
        return destroyed

    def _destroy(
        self,
        conn: Connection,
        subjects: Sequence[str],
        categories: tuple[str, ...] | None,
        indexed: bool,
        now: str,
    ) -> int:
        query = data_keys.delete().where(data_keys.c.subject_id.in_(subjects))
        if categories is not None:  # every generation of each category
            query = query.where(
                or_(*(self._of_category(data_keys.c.category, c) for c in categories))
            )
        destroyed = int(conn.execute(query).rowcount or 0)
        if indexed and (categories is None or INDEXED_CATEGORY in categories):
            conn.execute(blind_index.delete().where(blind_index.c.subject_id.in_(subjects)))
        names = list(categories or (ALL_CATEGORIES,))
        present = {
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                select(shredded.c.subject_id, shredded.c.category).where(
                    shredded.c.subject_id.in_(subjects), shredded.c.category.in_(names)
                )
            )
        }
        tombstones = [
            {"subject_id": s, "category": n, "shredded_at": now}
            for s in subjects
            for n in names
            if (s, n) not in present
        ]
        if tombstones:
            conn.execute(shredded.insert(), tombstones)
        return destroyed

    def _forget(self, wanted: dict[tuple[str, ...] | None, list[str]]) -> None:
        """No destroyed key stays readable from this process's cache."""
        gone: dict[str, set[str] | None] = {}
        for categories, subjects in wanted.items():
            for subject in subjects:
                if categories is None:
                    gone[subject] = None
                else:
                    held = gone.setdefault(subject, set())
                    if held is not None:
                        held.update(categories)
        for cache_key in list(self._cache):
            subject, slot = cache_key
            if subject in gone:
                taken = gone[subject]
                if taken is None or base_of(slot) in taken:
                    self._cache[cache_key] = None

    @staticmethod
    def _tombstoned(conn: Connection, subject_id: str, name: str) -> bool:
        query = select(shredded.c.category).where(
            shredded.c.subject_id == subject_id, shredded.c.category == name
        )
        return conn.execute(query).first() is not None

    @staticmethod
    def _of_category(column: Any, category: str) -> Any:
        """Every generation's slot of a data category."""
        return or_(column == category, column.startswith(category + GENERATION, autoescape=True))

    def _vacuum(self) -> None:
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM {data_keys.name}")

    @staticmethod
    def _has_index(conn: Connection) -> bool:
        """A key store made before decision 0027 has no index table until it is used."""
        from sqlalchemy import inspect

        return bool(inspect(conn).has_table(blind_index.name))
