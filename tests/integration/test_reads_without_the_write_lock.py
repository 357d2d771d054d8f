"""Reads do not queue behind writers: a catch-up with nothing to apply takes no lock.

Issue 14, item 3 (decision 0041). Each blocking test runs the read in a thread and gives
it a few seconds: without the read-only check it would wait for the held lock (SQLite's
busy timeout is 10 s, PostgreSQL's row lock waits for ever).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ledger.bootstrap import Ledger, open_ledger
from tests import builders as b

PATIENCE_S = 5.0


def _in_a_thread(read: Callable[[], Any]) -> Any:
    """Run ``read``; fail unless it answers within PATIENCE_S."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = read()
        except Exception as exc:  # reported below, with its type only
            out["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(PATIENCE_S)
    assert not worker.is_alive(), "the read waited for the lock another connection holds"
    assert "error" not in out, f"the read failed: {type(out.get('error')).__name__}"
    return out["value"]


@contextmanager
def write_lock_held(ledger: Ledger, database_url: str) -> Iterator[None]:
    """Another connection holds what a catch-up would take: SQLite's write lock
    (BEGIN IMMEDIATE), or on PostgreSQL the read models' position row (FOR UPDATE)."""
    if ledger.store.dialect == "sqlite":
        path = ledger.store.sqlite_path
        assert path is not None
        other = sqlite3.connect(path, isolation_level=None, timeout=0.1)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(
                text("SELECT position FROM rm_tracking WHERE name = 'read-models' FOR UPDATE")
            ).all()
            yield
    finally:
        engine.dispose()


def test_a_catch_up_with_nothing_to_apply_does_not_wait_for_the_lock(
    ledger: Ledger, database_url: str
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    ledger.projections.catch_up()
    with write_lock_held(ledger, database_url):
        applied = _in_a_thread(ledger.projections.catch_up)
        cases = _in_a_thread(lambda: ledger.queries.cases())
    assert applied == 0
    assert [row["ref"] for row in cases] == [ref]


def test_a_catch_up_with_work_still_applies_it(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ledger.projections.catch_up()
    ref = b.open_case(ledger, by)
    position, latest = ledger.projections.behind()
    assert position < latest
    assert ledger.projections.catch_up() == latest - position
    assert ledger.projections.behind() == (latest, latest)
    assert [row["ref"] for row in ledger.queries.cases()] == [ref]


def test_readers_get_answers_during_a_rebuild_on_sqlite(tmp_path: Path) -> None:
    """A rebuild paused half-way (its transaction open, the tables dropped in it): another
    process's reads still answer, from the read models as they were."""
    url = f"sqlite:///{tmp_path}/ledger.sqlite"
    with open_ledger(url, require_initialised=False) as writer:
        writer.initialise()
        by = b.seed_actors(writer)
        refs = sorted(b.open_case(writer, by, name=f"Groep {i}") for i in range(3))
        writer.projections.catch_up()
        paused, resume = threading.Event(), threading.Event()

        def halfway(_done: int, _total: int) -> None:
            paused.set()
            resume.wait(PATIENCE_S * 2)

        rebuilding = threading.Thread(target=writer.projections.rebuild, args=(halfway,))
        rebuilding.start()
        try:
            assert paused.wait(PATIENCE_S), "the rebuild did not start"
            with open_ledger(url) as reader:
                rows = _in_a_thread(lambda: reader.cases.cases(by))
        finally:
            resume.set()
            rebuilding.join(PATIENCE_S * 2)
        assert sorted(row["ref"] for row in rows) == refs
        assert sorted(row["ref"] for row in writer.cases.cases(by)) == refs


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_reader_sees_the_held_write_through_once_it_is_committed(
    ledger: Ledger, database_url: str
) -> None:
    """The check is only a shortcut: events committed later are applied by the next read."""
    by = b.seed_actors(ledger)
    ledger.projections.catch_up()
    with write_lock_held(ledger, database_url):
        assert _in_a_thread(ledger.projections.catch_up) == 0
    ref = b.open_case(ledger, by)
    assert ref in [row["ref"] for row in ledger.queries.cases()]
