"""The database behind the ledger: SQLite file by default, PostgreSQL at scale.

One :class:`Store` per process. Write transactions are serialised (``BEGIN IMMEDIATE``
on SQLite, an advisory lock on PostgreSQL) because event positions must be gap-free: the
tamper-evident log numbers its leaves by them.

A write or read opened while this thread already holds a write transaction joins it (a
savepoint, or the same connection): that is how the server's group commit runs many
commands in one transaction with one signed checkpoint (decision 0023).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from ledger.errors import BadInput, Inconsistent, NotInitialised, RegieError
from ledger.store import schema

AppendHook = Callable[[Connection, Sequence[int], Sequence[Any]], None]
"""Called inside the write transaction with the new positions and stored events."""

NOT_INITIALISED = "the ledger is not initialised; run `regie init` first"
CONNECTION_CLOSED = "the database connection was closed underway; run the command again"


class StoreUnavailable(RegieError):
    exit_code = 1


def driver_execute(
    conn: Connection,
    statement: str,
    parameters: Sequence[Any] = (),
    *,
    many: bool = False,
    fetch_all: bool = False,
) -> Any:
    """Run one statement on the DB-API connection under ``conn``, in its transaction.

    The per-commit hot path on SQLite: going through ``exec_driver_sql`` costs ~25-40 µs
    per statement of SQLAlchemy bookkeeping, a fifth of a durable single-event commit
    here (tests/benchmarks). DB-API errors are re-raised as the SQLAlchemy exception
    ``exec_driver_sql`` would raise (IntegrityError, OperationalError, ...). Returns the
    first row of a query (every row with ``fetch_all``), else None.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection is None:
        raise StoreUnavailable(CONNECTION_CLOSED)
    base_error = conn.dialect.loaded_dbapi.Error
    cursor = dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(statement, parameters)
        else:
            cursor.execute(statement, parameters)
        if not cursor.description:
            return None
        return list(cursor.fetchall()) if fetch_all else cursor.fetchone()
    except base_error as exc:
        raise DBAPIError.instance(
            statement, list(parameters), exc, base_error, dialect=conn.dialect, ismulti=many
        ) from exc
    finally:
        cursor.close()


def driver_fetchall(
    conn: Connection, statement: str, parameters: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """Every row of one query on the DB-API connection under ``conn``, as tuples (see
    :func:`driver_execute`)."""
    rows: list[tuple[Any, ...]] = driver_execute(conn, statement, parameters, fetch_all=True)
    return rows


def driver_rows(
    conn: Connection, statement: str, batch: int = 10_000
) -> Generator[tuple[Any, ...], None, None]:
    """Stream the rows of a query on the DB-API connection under ``conn``, as tuples.

    For reading a whole table in order (``regie audit verify`` on SQLite): plain tuples
    fetched ``batch`` at a time, without Core's per-row Row objects. Several of these can
    be open at once on one connection, inside its transaction; close the generator before
    the connection. DB-API errors are re-raised as the SQLAlchemy exceptions a streamed
    Core query raises: with the statement when executing, without it when fetching."""
    batches = driver_batches(conn, statement, batch)
    try:
        for rows in batches:
            yield from rows
    finally:
        batches.close()


def driver_batches(
    conn: Connection, statement: str, batch: int = 10_000
) -> Generator[Sequence[Any], None, None]:
    """:func:`driver_rows` in lists of up to ``batch`` rows (iterated without a frame a row)."""
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection is None:
        raise StoreUnavailable(CONNECTION_CLOSED)
    base_error = conn.dialect.loaded_dbapi.Error
    cursor = dbapi_connection.cursor()
    try:
        try:
            cursor.execute(statement)
            # Like Core's streaming strategy: the first row is fetched as part of executing.
            rows = cursor.fetchmany(1)
        except base_error as exc:
            raise DBAPIError.instance(statement, [], exc, base_error, dialect=conn.dialect) from exc
        while rows:
            yield rows
            try:
                rows = cursor.fetchmany(batch)
            except base_error as exc:
                raise DBAPIError.instance(
                    None, None, exc, base_error, dialect=conn.dialect
                ) from exc
    finally:
        cursor.close()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # durable: fsync at every commit
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("regie_write", False)
        driver_execute(conn, "BEGIN IMMEDIATE" if immediate else "BEGIN")


_PG_WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('regie:' || current_schema()))"


class Store:
    """Owns the engine; hands out read and write transactions."""

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise BadInput(f"database URL is not valid: {exc}") from exc
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise BadInput(
                f"unsupported database '{self.dialect}'; use sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST/DB"
            )
        self.sqlite_path: Path | None = None
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database in ("", ":memory:"):
                raise BadInput("an in-memory SQLite ledger is lost on exit; give a file path")
            self.sqlite_path = Path(database)
        try:
            self.engine = create_engine(url, future=True)
        except (NoSuchModuleError, ImportError) as exc:
            raise BadInput(f"no driver for {parsed.drivername}: {exc}") from exc
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
        self._writer = self.engine.execution_options(regie_write=True)
        self.append_hooks: list[AppendHook] = []
        self.seal_hooks: list[Callable[[Connection], None]] = []
        """Run inside the outermost write transaction just before it commits (the signed
        checkpoint over everything the transaction appended)."""
        self.commit_hooks: list[Callable[[], None]] = []
        self.rollback_hooks: list[Callable[[], None]] = []
        self._open = threading.local()

    # -- lifecycle -----------------------------------------------------------------

    def exists(self) -> bool:
        """True when the store has been initialised; never creates a file."""
        if self.sqlite_path is not None and not self.sqlite_path.exists():
            return False
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table(schema.meta.name):
                    return False
                row = conn.execute(
                    select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
                ).first()
                return row is not None
        except OperationalError as exc:
            raise StoreUnavailable(
                f"cannot open the database ({type(exc.orig).__name__}); check REGIE_DATABASE_URL"
            ) from exc

    def require_initialised(self) -> None:
        if not self.exists():
            raise NotInitialised(NOT_INITIALISED)

    def initialise(self, extra_metadata: Sequence[Any] = ()) -> bool:
        """Create every table if missing. Returns True when the store was new."""
        if self.sqlite_path is not None:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        was_new = not self.exists()
        with self.write(lock=False) as conn:
            schema.history.create_all(conn, checkfirst=True)
            for metadata in extra_metadata:
                metadata.create_all(conn, checkfirst=True)
            have = conn.execute(
                select(schema.meta.c.key).where(schema.meta.c.key == "schema_version")
            ).first()
            if have is None:
                conn.execute(
                    schema.meta.insert(),
                    [
                        {"key": "schema_version", "value": schema.SCHEMA_VERSION},
                        {"key": "created_at", "value": datetime.now(UTC).isoformat()},
                    ],
                )
        return was_new

    def migrate(self) -> None:
        """Bring an older store's history tables to this schema: additive changes only
        (schema 2 adds ``previous_size`` to the checkpoints); history is never rewritten."""
        if not self.exists():
            return
        with self.engine.connect() as conn:
            names = {c["name"] for c in inspect(conn).get_columns(schema.checkpoints.name)}
        if "previous_size" in names:
            return
        with self.write(lock=False) as conn:
            conn.exec_driver_sql(
                f"ALTER TABLE {schema.checkpoints.name} ADD COLUMN previous_size BIGINT"
            )
            conn.execute(
                schema.meta.update()
                .where(schema.meta.c.key == "schema_version")
                .values(value=schema.SCHEMA_VERSION)
            )

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions --------------------------------------------------------------

    def _current(self) -> WriteTransaction | None:
        current: WriteTransaction | None = getattr(self._open, "tx", None)
        return current

    @contextmanager
    def write(self, *, lock: bool = True) -> Iterator[Connection]:
        """A serialised write transaction; commits on success, rolls back on error.

        After the commit the commit hooks run (the high-water mark, the witnesses: what
        must only ever see committed checkpoints); after a rollback the rollback hooks.
        Inside a write this thread already holds, it is a savepoint of that transaction:
        released on success, rolled back on error, durable when the outer one commits."""
        current = self._current()
        if current is not None:
            current.depth += 1
            try:
                with current.conn.begin_nested():
                    yield current.conn
            finally:
                current.depth -= 1
            return
        with self.group(lock=lock) as held:
            yield held.conn

    @contextmanager
    def group(
        self, *, lock: bool = True, committed: Callable[[], None] | None = None
    ) -> Iterator[WriteTransaction]:
        """One write transaction for everything this thread writes until the block ends:
        each inner ``write`` is a savepoint, the checkpoint is signed once, at the end.

        ``committed`` runs right after the commit, before the commit hooks: the server
        answers its clients there, since the mark and witness files (the hooks) only
        ever follow what is already durable."""
        if self._current() is not None:
            raise Inconsistent("a write transaction is already open on this thread")
        try:
            with self._writer.connect() as conn:
                held = WriteTransaction(conn, lock and self.dialect == "postgresql")
                held.begin()
                self._open.tx = held
                try:
                    yield held
                    held.commit(self.seal_hooks)
                finally:
                    self._open.tx = None
                    held.close()
        except BaseException:
            for hook in self.rollback_hooks:
                hook()
            raise
        if committed is not None:
            committed()
        for hook in self.commit_hooks:
            hook()

    def make_durable(self) -> None:
        """Commit what this thread's open write transaction holds so far, and go on in a
        new one: before an act outside the database that must follow a durable record
        (destroying a key follows the recorded erasure; decision 0010). No-op outside one."""
        current = self._current()
        if current is None:
            return
        if current.depth:
            raise Inconsistent("cannot commit from inside a savepoint")
        in_unit = current.unit is not None
        if in_unit:
            current.end_unit(keep=True)
        current.commit(self.seal_hooks)
        for hook in self.commit_hooks:
            hook()
        current.begin()
        if in_unit:
            current.start_unit()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction; inside this thread's write transaction, that transaction
        (so that a command reads what the commands before it in the group wrote)."""
        current = self._current()
        if current is not None:
            yield current.conn
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn


class WriteTransaction:
    """The write transaction a thread holds: its connection, savepoint depth and how
    many times it was committed (a group commits more than once only at a barrier), and
    the savepoint of the unit of work (one command of a group) running in it."""

    def __init__(self, conn: Connection, lock: bool) -> None:
        self.conn = conn
        self.lock = lock
        self.depth = 0
        self.commits = 0
        self.unit: Any = None
        self._transaction: Any = None

    def start_unit(self) -> None:
        """A savepoint around one command, so that it can be undone alone."""
        self.unit = self.conn.begin_nested()

    def end_unit(self, *, keep: bool) -> None:
        """Release the command's savepoint (``keep``) or roll back to it. A savepoint the
        database cannot release any more (an aborted PostgreSQL transaction) is rolled
        back: what is uncertain is not kept."""
        unit, self.unit = self.unit, None
        if unit is None or not unit.is_active:
            return
        if keep:
            try:
                unit.commit()
                return
            except SQLAlchemyError:
                pass
        unit.rollback()

    def begin(self) -> None:
        self._transaction = self.conn.begin()
        if self.lock:
            # A transaction-scoped advisory lock per ledger schema: it serialises the
            # writers like LOCK TABLE ... EXCLUSIVE did, admits readers, and needs no
            # UPDATE privilege on history (deploy/postgresql/grants.sql).
            self.conn.exec_driver_sql(_PG_WRITE_LOCK)

    def commit(self, seal_hooks: Sequence[Callable[[Connection], None]]) -> None:
        for hook in seal_hooks:
            hook(self.conn)
        self._transaction.commit()
        self._transaction = None
        self.commits += 1

    def close(self) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
