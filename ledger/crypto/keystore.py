"""The key store: wrapped data keys per (subject, category), kept apart from the events.

On SQLite it is its own file in the key directory; on PostgreSQL its own tables. Rows
here are deleted on purpose: destroying a data key is how personal data is erased
(crypto-shredding). A tombstone makes sure a destroyed key is never created again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    event,
    or_,
    select,
)

from ledger.crypto.key_tables import (
    ALL_CATEGORIES,
    GENERATION,
    INDEXED_CATEGORY,
    base_of,
    blind_index,
    data_keys,
    generation_of,
    keys_metadata,
    retired_name,
    shredded,
    slot_of,
)
from ledger.crypto.keyfiles import key_id
from ledger.crypto.shredding import Shredding
from ledger.errors import RegieError

__all__ = [  # the tables and slot names live in key_tables; importable from here as before
    "ALL_CATEGORIES", "GENERATION", "INDEXED_CATEGORY", "KEYSTORE_FILE", "KeyStore",
    "KeyStoreError", "base_of", "blind_index", "data_keys", "generation_of", "keys_metadata",
    "retired_name", "shredded", "slot_of", "sqlite_keystore_engine",
]  # fmt: skip

_IN_CHUNK = 500  # owners per query: well below SQLite's limit on bound parameters


class KeyStoreError(RegieError):
    exit_code = 1


_SLOTS = select(data_keys.c.category).where(
    data_keys.c.subject_id == bindparam("s"),
    or_(
        data_keys.c.category == bindparam("c"),
        data_keys.c.category.like(bindparam("later"), escape="/"),
    ),
)
"""Every generation's slot of one category, built once: a seal's one key-store read."""


def _aad(subject_id: str, category: str) -> bytes:
    return f"regie-data-key:v1:{subject_id}:{category}".encode()


def _wrap(master: bytes, subject_id: str, category: str, key: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(master).encrypt(nonce, key, _aad(subject_id, category))


def _unwrap(master: bytes, subject_id: str, category: str, wrapped: bytes) -> bytes:
    return AESGCM(master).decrypt(wrapped[:12], wrapped[12:], _aad(subject_id, category))


KEYSTORE_FILE = "keys.sqlite"


def sqlite_keystore_engine(directory: Path) -> Engine:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = create_engine(f"sqlite:///{directory / KEYSTORE_FILE}")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Deleted key bytes are overwritten, and no WAL keeps old copies of pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


class KeyStore(Shredding):
    def __init__(self, engine: Engine, masters: dict[str, bytes], current: bytes) -> None:
        self.engine = engine
        self._masters = masters
        self._current = current
        self._cache: dict[tuple[str, str], bytes | None] = {}
        self.before_destroy: Callable[[], None] | None = None
        """Makes the record of a destruction durable before any key goes (bootstrap: the
        store's ``make_durable``; a group commit must not hold the record back)."""

    def initialise(self) -> None:
        with self.engine.begin() as conn:
            keys_metadata.create_all(conn, checkfirst=True)
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database:
            Path(database).chmod(0o600)

    def exists(self) -> bool:
        from sqlalchemy import inspect

        with self.engine.connect() as conn:
            return inspect(conn).has_table(data_keys.name)

    def opens_with(self, master: bytes) -> bool | None:
        """Whether ``master`` unwraps a stored data key; None when none is stored yet.

        A wrong master key would otherwise pass unnoticed as long as another loaded key
        opens the old data keys, and wrap every new data key under itself.
        """
        if not self.exists():
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(data_keys.c.subject_id, data_keys.c.category, data_keys.c.wrapped)
                .where(data_keys.c.master_key_id == key_id(master))
                .limit(1)
            ).first()
            if row is None:
                anything = conn.execute(select(data_keys.c.subject_id).limit(1)).first()
                return None if anything is None else False
        try:
            _unwrap(master, row[0], row[1], bytes(row[2]))
        except InvalidTag:
            return False
        return True

    # -- reading and creating ---------------------------------------------------------

    def _is_shredded(self, conn: Connection, subject_id: str, category: str) -> bool:
        """Destroyed: the subject, the whole category, or this very generation."""
        names = {category, base_of(category), retired_name(category), ALL_CATEGORIES}
        row = conn.execute(
            select(shredded.c.category).where(
                shredded.c.subject_id == subject_id, shredded.c.category.in_(sorted(names))
            )
        ).first()
        return row is not None

    def current_slot(self, subject_id: str, category: str) -> str:
        """The slot new data of this category is sealed under: its newest generation (read
        at every seal, never cached: another process may have rectified it meanwhile)."""
        literal = category.replace("/", "//").replace("%", "/%").replace("_", "/_")
        bounds = {"s": subject_id, "c": category, "later": f"{literal}{GENERATION}%"}
        with self.engine.connect() as conn:
            slots = [str(r[0]) for r in conn.execute(_SLOTS, bounds)]
        return max(slots, key=generation_of, default=category)

    def next_slot(self, subject_id: str, category: str) -> str:
        """The slot of the generation after every one this category had, alive or retired."""
        with self.engine.connect() as conn:
            names = [
                str(r[0])
                for table in (data_keys, shredded)
                for r in conn.execute(
                    select(table.c.category).where(
                        table.c.subject_id == subject_id,
                        self._of_category(table.c.category, category),
                    )
                )
            ]
        return slot_of(category, max((generation_of(n) for n in names), default=1) + 1)

    def get(self, subject_id: str, category: str) -> bytes | None:
        """The data key, or None when it was destroyed (or never made)."""
        cache_key = (subject_id, category)
        if cache_key in self._cache:
            return self._cache[cache_key]
        with self.engine.connect() as conn:
            row = conn.execute(
                select(data_keys.c.wrapped, data_keys.c.master_key_id).where(
                    data_keys.c.subject_id == subject_id, data_keys.c.category == category
                )
            ).first()
        key = None if row is None else self._unwrap_row(subject_id, category, row[0], row[1])
        self._cache[cache_key] = key
        return key

    def _unwrap_row(self, subject_id: str, category: str, wrapped: bytes, master_id: str) -> bytes:
        master = self._masters.get(master_id)
        if master is None:
            raise KeyStoreError(
                f"a data key is wrapped by master key {master_id}, which is not available; "
                "check REGIE_KEY_DIR / REGIE_MASTER_KEY"
            )
        try:
            return _unwrap(master, subject_id, category, bytes(wrapped))
        except InvalidTag as exc:
            raise KeyStoreError(f"data key of subject {subject_id} does not unwrap") from exc

    def get_or_create(self, subject_id: str, category: str) -> bytes:
        existing = self.get(subject_id, category)
        if existing is not None:
            return existing
        with self.engine.begin() as conn:
            if self._is_shredded(conn, subject_id, category):
                raise KeyStoreError(
                    f"the data key of subject {subject_id} ({category}) was destroyed; "
                    "erased data cannot be written again (register a new subject instead)"
                )
            key = secrets.token_bytes(32)
            conn.execute(
                data_keys.insert().values(
                    subject_id=subject_id,
                    category=category,
                    wrapped=_wrap(self._current, subject_id, category, key),
                    master_key_id=key_id(self._current),
                    created_at=datetime.now(UTC).isoformat(),
                )
            )
        self._cache[(subject_id, category)] = key
        return key

    # -- destroying -------------------------------------------------------------------

    def retire(self, subject_id: str, slot: str) -> int:
        """Destroy one generation of a category's key (a rectification's old value) and
        tombstone that generation only; idempotent. The blind index stays (it is new)."""
        if self.before_destroy is not None:
            self.before_destroy()
        with self.engine.begin() as conn:
            query = data_keys.delete().where(
                data_keys.c.subject_id == subject_id, data_keys.c.category == slot
            )
            destroyed = conn.execute(query).rowcount or 0
            name = retired_name(slot)
            if not self._tombstoned(conn, subject_id, name):
                now = datetime.now(UTC).isoformat()
                conn.execute(
                    shredded.insert().values(subject_id=subject_id, category=name, shredded_at=now)
                )
        self._cache[(subject_id, slot)] = None
        self._vacuum()
        return int(destroyed)

    def alive(self, owners: Iterable[str]) -> set[tuple[str, str]]:
        """(owner, category) of every data key of these owners that still exists: the
        inventory a recorded destruction is checked against. Reads no key material."""
        wanted = sorted(set(owners))
        found: set[tuple[str, str]] = set()
        if not wanted or not self.exists():
            return found
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                found.update(
                    (str(r[0]), str(r[1]))
                    for r in conn.execute(
                        select(data_keys.c.subject_id, data_keys.c.category).where(
                            data_keys.c.subject_id.in_(wanted[start : start + _IN_CHUNK])
                        )
                    )
                )
        return found

    def is_shredded(self, subject_id: str, category: str) -> bool:
        with self.engine.connect() as conn:
            return self._is_shredded(conn, subject_id, category)

    # -- rotation ---------------------------------------------------------------------

    def rewrap(self, new_master: bytes) -> int:
        """Re-wrap every data key under ``new_master`` in one transaction."""
        new_id = key_id(new_master)
        count = 0
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(
                    data_keys.c.subject_id,
                    data_keys.c.category,
                    data_keys.c.wrapped,
                    data_keys.c.master_key_id,
                )
            ).all()
            for subject_id, category, wrapped, master_id in rows:
                if master_id == new_id:
                    continue
                key = self._unwrap_row(subject_id, category, wrapped, master_id)
                conn.execute(
                    data_keys.update()
                    .where(data_keys.c.subject_id == subject_id, data_keys.c.category == category)
                    .values(
                        wrapped=_wrap(new_master, subject_id, category, key), master_key_id=new_id
                    )
                )
                count += 1
        self._masters[new_id] = new_master
        self._current = new_master
        return count

    def master_ids_in_use(self) -> set[str]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(select(data_keys.c.master_key_id).distinct())}
