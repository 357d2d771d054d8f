"""A retention run over many subjects due: purge records, key destruction, the rest.

``subjects`` youths are registered outside any approach (one sealed name and date of
birth each, so a data key each) and the ledger's clock is moved three years on, when all
of them are due. One `retention run` (single approval, so it executes at once) is timed
whole. The same-run limit is the durable commits it cannot avoid — a commit of the
records and a key-store commit per batch — at the rate bare ``sqlite3`` commits on this
disk; beside it, the old way (a commit and a key-store transaction per key, i.e. batches
of one) is measured on a sample in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from ledger.domain.acting import Acting
from ledger.domain.subject import IDENTIFICATION, YOUTH, Subject
from ledger.retention import purging

from . import fixtures as fx
from .measure import Measurement

GOAL_S_PER_100K = 30.0
"""Issue 14: a retention run with 100,000 subjects due in at most 30 s."""
REGISTER_GROUP = 1000
"""Subjects saved per commit while setting up (setting up is not timed)."""


class _Clock:
    def __init__(self, today: date) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today


@contextmanager
def _setting_up(lg: Any) -> Iterator[None]:
    """Key creation without fsyncs while setting up (a data key per subject is a key-store
    commit each); the pool is emptied after, so the timed run fsyncs as always."""
    engine = lg.keystore.engine

    def relax(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA journal_mode=MEMORY")

    event.listen(engine, "checkout", relax)
    try:
        yield
    finally:
        event.remove(engine, "checkout", relax)
        engine.dispose()


def _register(lg: Any, by: Acting, n: int) -> None:
    """``n`` youths as `subject add` makes them (name and date of birth sealed under a
    data key each, a blind-index entry), saved REGISTER_GROUP per commit: the command
    path's checks and its commit per subject would make setting up 100,000 take an hour."""
    sealer, index = lg.sealer, lg.persons.index
    registered_on = lg.app.clock().isoformat()
    for start in range(0, n, REGISTER_GROUP):
        batch = []
        for i in range(start, min(n, start + REGISTER_GROUP)):
            subject_id = Subject.new_id()
            name, born = f"Jongere {i:06d} Bewaartermijn", date(2009, 1 + i % 12, 1 + i % 28)
            values = {"name": name, "date_of_birth": born.isoformat()}
            fields = {k: sealer.seal(subject_id, k, IDENTIFICATION, v) for k, v in values.items()}
            batch.append(
                Subject(
                    subject_id=subject_id,
                    kind=YOUTH,
                    youth=None,
                    fields=fields,
                    registered_on=registered_on,
                    by=by.record(),
                )
            )
            index.enter(subject_id, name, born)
        lg.app.save(*batch)


def _run_on(path: Path, subjects: int, batch: int | None) -> dict[str, float]:
    """Seconds of one retention run over ``subjects`` due, in batches of ``batch``."""
    clock = _Clock(fx.TODAY)
    with fx.our_ledger(path, clock) as (lg, by, _coord):
        officer = fx.register_privacy_officer(lg)
        started = time.perf_counter()
        with _setting_up(lg):
            _register(lg, by, subjects)
        setup_s = time.perf_counter() - started
        lg.projections.catch_up()
        lg.policies.retention.settings.__dict__["four_eyes"] = False
        clock.today = fx.TODAY + timedelta(days=365 * 3)
        saved = purging.BATCH
        purging.BATCH = batch or saved
        try:
            started = time.perf_counter()
            result = lg.retention.run(None, officer)
            run_s = time.perf_counter() - started
        finally:
            purging.BATCH = saved
    if len(result.purged) < subjects:
        raise RuntimeError(f"only {len(result.purged)} of {subjects} keys were purged")
    return {"run_s": run_s, "setup_s": setup_s, "keys": float(len(result.purged))}


def retention_run(db_dir: Path, subjects: int, old_sample: int = 200) -> Measurement:
    """The batched run over ``subjects``, its commit floor, and the old way on a sample."""
    got = _run_on(db_dir / "retention.sqlite", subjects, None)
    keys = int(got["keys"])
    batches = -(-keys // purging.BATCH)
    sample = max(10, min(old_sample, subjects))
    old = _run_on(db_dir / "retention-old.sqlite", sample, 1)
    floor_rate = fx.raw_sqlite_commits(db_dir / "retention-floor.sqlite", 300, "t", b"{}")
    commits = 2 * batches + 2  # records and keys per batch; the run's start and completion
    limit_s = commits / floor_rate
    goal_s = GOAL_S_PER_100K * subjects / 100_000
    old_per_key_ms = old["run_s"] / old["keys"] * 1000
    return Measurement(
        key="retention_run",
        what=f"`retention run`, {subjects:,} subjects due",
        unit="s",
        ours=got["run_s"],
        plain=limit_s,
        target=goal_s,
        higher_is_better=False,
        notes=[
            f"{keys:,} keys purged in batches of {purging.BATCH} ({batches} batches): "
            f"{got['run_s'] / keys * 1000:.2f} ms per key, schedule and completion included; "
            f"setting up {subjects:,} subjects took {got['setup_s']:.0f} s (not timed)",
            f"limit: {commits} durable commits (records and keys per batch, the run's start "
            f"and end) at bare sqlite3's {floor_rate:,.0f} commits/s on this disk = "
            f"{limit_s * 1000:.0f} ms",
            f"the old way (a commit and a key-store transaction per key) on {sample} "
            f"subjects in this run: {old_per_key_ms:.2f} ms per key, so "
            f"{old_per_key_ms * keys / 1000:,.0f} s for these {keys:,}; goal "
            f"{GOAL_S_PER_100K:.0f} s per 100,000 subjects, scaled to {goal_s:.1f} s",
        ],
        details={
            "subjects": subjects,
            "keys": keys,
            "batch": purging.BATCH,
            "run_s": got["run_s"],
            "floor_commits_per_s": floor_rate,
            "old_ms_per_key": old_per_key_ms,
            "old_sample": sample,
        },
    )
