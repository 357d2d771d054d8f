"""The durable command as a user's command takes it, on SQLite and on PostgreSQL.

``Cases.record_signal`` end to end: the gate, the case's rules, two sealed fields, one
event, its Merkle leaf and a signed checkpoint, the commit, the high-water mark. One
command per commit, as a regisseur's commands arrive one at a time. The limit next to it
is the database alone in the same run: bare ``sqlite3`` (WAL, synchronous=FULL) or bare
``psycopg`` committing one event row per transaction on the same disk.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import psycopg
from psycopg import sql

from ledger.bootstrap import Ledger, open_ledger
from ledger.domain.acting import Acting
from tests import builders as b
from tests import pg_server

from . import fixtures as fx
from .measure import Measurement

RATIO_GOAL = 0.6
"""Issue 14: a durable command at ≥ 0.6 × the database's own commit rate."""
STATE = b'{"kind":"overlast","location":"Testplein","text":{"cat":"signalen","n":"","c":""}}'


def _commands(lg: Ledger, by: Acting, ref: str, n: int) -> float:
    """Commands/s of ``n`` signals recorded one by one, each its own durable commit."""
    started = time.perf_counter()
    for i in range(n):
        lg.cases.record_signal(b.signal(ref, text=f"Groep van ca. {i % 20 + 3} jongeren"), by)
    return n / (time.perf_counter() - started)


def _alternate(
    ours: Callable[[], float], floor: Callable[[], float], rounds: int
) -> tuple[float, float]:
    """Median of each side over alternating rounds: slow phases of the disk hit both."""
    got: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        got[0].append(ours())
        got[1].append(floor())
    return statistics.median(got[0]), statistics.median(got[1])


def _measurement(key: str, what: str, ours: float, floor: float, notes: list[str]) -> Measurement:
    return Measurement(
        key=key,
        what=what,
        unit="commands/s",
        ours=ours,
        plain=floor,
        target=0.0,
        ratio_target=RATIO_GOAL,
        notes=notes,
    )


def durable_command_sqlite(db_dir: Path, commands: int, rounds: int = 3) -> Measurement:
    with fx.our_ledger(db_dir / "command-path.sqlite") as (lg, by, _coord):
        ref = b.open_case(lg, by)
        _commands(lg, by, ref, 20)  # warm: the case's data keys exist, caches are filled
        ours, floor = _alternate(
            lambda: _commands(lg, by, ref, commands),
            lambda: fx.raw_sqlite_commits(db_dir / "command-floor.sqlite", commands, "t", STATE),
            rounds,
        )
    return _measurement(
        "durable_command_sqlite",
        "Durable command (record_signal), 1 commit each, SQLite",
        ours,
        floor,
        [
            f"Cases.record_signal end to end ({commands} per round, {rounds} alternating "
            "rounds, median): gate, rules, 2 sealed fields, event, Merkle leaf, signed "
            "checkpoint, commit, high-water mark",
            "limit: bare sqlite3 BEGIN IMMEDIATE / SELECT max / INSERT / COMMIT on the events "
            "table, WAL, synchronous=FULL, same disk",
        ],
    )


@contextmanager
def _schema(server_url: str) -> Iterator[str]:
    name = f"bench_{uuid4().hex[:12]}"
    admin = pg_server.admin_conninfo(server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield pg_server.schema_url(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def _psycopg_commits(url: str, n: int) -> float:
    """The floor: bare psycopg, one INSERT of an event-sized row per transaction."""
    with psycopg.connect(pg_server.admin_conninfo(url)) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS floor_events (id bigserial PRIMARY KEY, "
            "originator uuid NOT NULL, version int NOT NULL, state bytea NOT NULL)"
        )
        conn.commit()
        originator = uuid4()
        started = time.perf_counter()
        for version in range(n):
            conn.execute(
                "INSERT INTO floor_events (originator, version, state) VALUES (%s, %s, %s)",
                (originator, version, STATE),
            )
            conn.commit()
        return n / (time.perf_counter() - started)


def durable_command_postgres(commands: int, rounds: int = 3) -> Measurement:
    """The same command on the PostgreSQL server the tests start (or REGIE_TEST_PG_URL)."""
    try:
        server = pg_server.server_url()
    except pg_server.PostgresUnavailable as exc:
        return Measurement(
            key="durable_command_postgres",
            what="Durable command (record_signal), 1 commit each, PostgreSQL",
            unit="commands/s",
            ours=None,
            plain=None,
            target=0.0,
            ratio_target=RATIO_GOAL,
            notes=[f"no PostgreSQL server: {exc}"],
        )
    with _schema(server) as url, tempfile.TemporaryDirectory() as keys:
        lg = open_ledger(url, key_dir=Path(keys), clock=lambda: fx.TODAY, require_initialised=False)
        try:
            lg.initialise()
            by = b.seed_actors(lg)
            ref = b.open_case(lg, by)
            _commands(lg, by, ref, 20)
            ours, floor = _alternate(
                lambda: _commands(lg, by, ref, commands),
                lambda: _psycopg_commits(url, commands),
                rounds,
            )
        finally:
            lg.close()
    return _measurement(
        "durable_command_postgres",
        "Durable command (record_signal), 1 commit each, PostgreSQL",
        ours,
        floor,
        [
            f"the same command on a local PostgreSQL server over TCP ({commands} per round, "
            f"{rounds} alternating rounds, median)",
            "limit: bare psycopg, one INSERT of an event-sized row and COMMIT per transaction, "
            "same server and schema",
        ],
    )
