"""Group commit (the server's writer): commands that arrive together share one transaction
and one signed checkpoint, each is still accepted or refused on its own, a failing one is
undone alone, a failed commit answers every command of its group, and a destruction's
record is durable before its key goes. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, func, select

from ledger import commands as c
from ledger.bootstrap import Ledger
from ledger.domain.access import DENIED
from ledger.errors import RegieError, Unauthorised
from ledger.projections import tables as t
from ledger.server.writer import Writer, WriterStopped
from ledger.store.schema import checkpoints, events
from tests import builders as b
from tests.integration.test_personal_data import register


def _count(ledger: Ledger, table: Any) -> int:
    with ledger.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _signals(ledger: Ledger, by: Any, ref: str) -> list[str]:
    return sorted(str(s["source_role"]) for s in ledger.cases.signals(by, ref))


def _in_parallel(writer: Writer, works: list[Callable[[], Any]]) -> list[Any]:
    """Submit every work from its own thread at once; each outcome is a result or error."""
    outcomes: list[Any] = [None] * len(works)
    start = threading.Barrier(len(works))

    def client(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = writer.run(works[i])
        except BaseException as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _held(writer: Writer) -> tuple[threading.Event, threading.Thread]:
    """Keep the writer busy until the event is set, so that what is submitted meanwhile
    arrives together and shares the next group."""
    release, started = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        if not release.wait(30):
            raise TimeoutError("the test never released the writer")

    thread = threading.Thread(target=writer.run, args=(hold,))
    thread.start()
    if not started.wait(10):
        raise TimeoutError("the writer did not start the holding command")
    return release, thread


def _queued(writer: Writer, n: int) -> None:
    deadline = time.monotonic() + 10
    while writer.waiting() < n:
        if time.monotonic() > deadline:
            raise TimeoutError("the commands did not reach the writer")
        time.sleep(0.005)


def test_concurrent_commands_share_checkpoints_and_each_is_judged_alone(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    partner = ledger.app.acting(b.UC)
    future = ledger.app.clock() + timedelta(days=3)
    writer = Writer(ledger.store, ledger.forget_cached)
    try:
        before = _count(ledger, checkpoints)
        works: list[Callable[[], Any]] = []
        for i in range(48):
            if i % 8 == 3:
                cmd = b.signal(ref, source_role=f"toekomst {i}", observed_on=future)
                works.append(lambda cmd=cmd: ledger.cases.record_signal(cmd, by))
            elif i % 8 == 5:
                cmd = b.signal(ref, source_role=f"buiten {i}")
                works.append(lambda cmd=cmd: ledger.cases.record_signal(cmd, partner))
            else:
                cmd = b.signal(ref, source_role=f"signaal {i:02d}")
                works.append(lambda cmd=cmd: ledger.cases.record_signal(cmd, by))
        outcomes = _in_parallel(writer, works)
    finally:
        writer.stop()
    accepted = sorted(f"signaal {i:02d}" for i in range(48) if i % 8 not in (3, 5))
    for i, outcome in enumerate(outcomes):
        if i % 8 == 3:
            assert isinstance(outcome, RegieError) and "future" in outcome.message
        elif i % 8 == 5:
            assert isinstance(outcome, Unauthorised)
        else:
            assert isinstance(outcome, int), outcome
    assert _signals(ledger, by, ref) == accepted
    # Fewer signed checkpoints than writes: the writes that arrived together shared one.
    written = len(accepted) + 6  # each refusal of the partner is a denial on record
    assert _count(ledger, checkpoints) - before < written
    assert writer.commands == 48 and writer.groups < 48
    report = ledger.audit_log.verify()
    assert report.events == _count(ledger, events)


def test_a_command_that_fails_unexpectedly_is_undone_alone(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    writer = Writer(ledger.store, ledger.forget_cached)

    def half_then_crash() -> None:
        ledger.cases.record_signal(b.signal(ref, source_role="half"), by)
        raise RuntimeError("a bug after the first write")

    try:
        release, holder = _held(writer)
        results: list[Any] = []
        works = [
            lambda: ledger.cases.record_signal(b.signal(ref, source_role="eerste"), by),
            half_then_crash,
            lambda: ledger.cases.record_signal(b.signal(ref, source_role="derde"), by),
        ]
        threads = []
        for work in works:
            thread = threading.Thread(target=lambda w=work: _keep(results, writer, w))
            thread.start()
            threads.append(thread)
            _queued(writer, len(threads))  # in this order, in one group
        release.set()
        holder.join()
        for thread in threads:
            thread.join()
    finally:
        writer.stop()
    assert any(isinstance(r, RuntimeError) for r in results)
    assert _signals(ledger, by, ref) == ["derde", "eerste"]
    assert ledger.audit_log.verify().events == _count(ledger, events)


def _keep(results: list[Any], writer: Writer, work: Callable[[], Any]) -> None:
    try:
        results.append(writer.run(work))
    except BaseException as exc:
        results.append(exc)


def test_a_refusal_in_a_group_keeps_its_denial_in_the_access_log(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    outsider = ledger.app.acting(b.UC)
    writer = Writer(ledger.store, ledger.forget_cached)
    try:
        outcomes = _in_parallel(
            writer,
            [
                lambda: ledger.cases.record_signal(b.signal(ref, source_role="mag niet"), outsider),
                lambda: ledger.cases.record_signal(b.signal(ref, source_role="mag wel"), by),
            ],
        )
    finally:
        writer.stop()
    assert isinstance(outcomes[0], Unauthorised) and isinstance(outcomes[1], int)
    denied = ledger.queries.rows(
        select(t.access_log.c.command).where(
            t.access_log.c.outcome == DENIED, t.access_log.c.actor == b.UC
        )
    )
    assert [row["command"] for row in denied] == ["signal.add"]


def test_a_failed_commit_answers_every_command_of_its_group_and_forgets_them(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    writer = Writer(ledger.store, ledger.forget_cached)
    failing = {"once": True}

    def disk_full(_conn: Connection) -> None:
        if failing.pop("once", False):
            raise OSError("no space left on device")

    try:
        release, holder = _held(writer)
        results: list[Any] = []
        threads = []
        for text in ("een", "twee"):
            cmd = b.signal(ref, source_role=text)

            def work(cmd: c.RecordSignal = cmd) -> int:
                if disk_full not in ledger.store.seal_hooks:  # this group's commit fails
                    ledger.store.seal_hooks.insert(0, disk_full)
                return ledger.cases.record_signal(cmd, by)

            thread = threading.Thread(target=_keep, args=(results, writer, work))
            thread.start()
            threads.append(thread)
            _queued(writer, len(threads))
        release.set()
        holder.join()
        for thread in threads:
            thread.join()
        assert len(results) == 2
        assert all(isinstance(r, WriterStopped) and "nothing" in r.message for r in results)
        assert _signals(ledger, by, ref) == []
        # The case is read again from the ledger, not from what the failed group cached.
        assert writer.run(lambda: ledger.cases.record_signal(b.signal(ref, source_role="drie"), by))
    finally:
        writer.stop()
    assert _signals(ledger, by, ref) == ["drie"]
    assert ledger.audit_log.verify().events == _count(ledger, events)


def test_an_erasure_in_a_group_is_durable_before_its_keys_are_destroyed(
    ledger: Ledger,
) -> None:
    by = b.seed_actors(ledger)
    subject = register(ledger, by)
    seen_by_another_connection: list[int] = []
    keystore = ledger.keystore
    barrier = keystore.before_destroy
    other = create_engine(ledger.store.url)

    def before_destroy() -> None:
        if barrier is not None:
            barrier()
        with other.connect() as conn:
            erased = conn.execute(
                select(func.count()).select_from(events).where(events.c.topic.like("%Erased%"))
            ).scalar()
        seen_by_another_connection.append(int(erased or 0))

    keystore.before_destroy = before_destroy
    writer = Writer(ledger.store, ledger.forget_cached)
    try:
        cmd = c.build(c.EraseSubject, subject=subject, reason="verzoek", basis="AVG art. 17")
        outcomes = _in_parallel(
            writer,
            [
                lambda: ledger.persons.erase(cmd, by),
                lambda: ledger.cases.open_case(
                    c.build(c.OpenCase, working_name="Groep Tweede", municipality="Teststad",
                            area="Zuid"), by),
            ],
        )  # fmt: skip
    finally:
        writer.stop()
        other.dispose()
    assert outcomes[0] == "erased", outcomes
    assert seen_by_another_connection and seen_by_another_connection[0] == 1
    assert ledger.audit_log.verify().events == _count(ledger, events)


def test_the_writer_finishes_what_is_queued_when_stopped(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    writer = Writer(ledger.store, ledger.forget_cached)
    release, holder = _held(writer)
    results: list[Any] = []
    last = b.signal(ref, source_role="laatst")
    thread = threading.Thread(
        target=_keep,
        args=(results, writer, lambda: ledger.cases.record_signal(last, by)),
    )
    thread.start()
    _queued(writer, 1)
    stopper = threading.Thread(target=writer.stop)
    stopper.start()
    release.set()
    for done in (holder, thread, stopper):
        done.join()
    assert isinstance(results[0], int)
    assert _signals(ledger, by, ref) == ["laatst"]
    with pytest.raises(WriterStopped):
        writer.run(lambda: None)
