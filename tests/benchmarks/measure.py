"""The measurements. Each returns a :class:`Measurement` of ours, against plain
eventsourcing where there is a plain equivalent, both measured here, in this process, on
this machine."""

from __future__ import annotations

import gc
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from ledger.bootstrap import Ledger
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.projections import tables as t
from ledger.projections.projector import HANDLERS
from ledger.projections.runner import BATCH
from ledger.projections.workspace import Workspace

from . import fixtures as fx

CASES = 10
"""Aggregates the append benchmarks round-robin over."""
GROUP = 100
"""Events per commit in the grouped-append benchmark."""


@dataclass
class Measurement:
    key: str
    what: str
    unit: str
    ours: float | None
    plain: float | None
    target: float | None
    higher_is_better: bool = True
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    ratio_target: float | None = None
    """The least ours/plain that passes, when the goal also names one."""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.plain:
            return None
        return self.ours / self.plain

    @property
    def passed(self) -> bool | None:
        if self.ours is None or self.target is None:
            return None
        if self.ratio_target is not None and (self.ratio or 0) < self.ratio_target:
            return False
        return self.ours >= self.target if self.higher_is_better else self.ours < self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "what": self.what,
            "unit": self.unit,
            "ours": self.ours,
            "plain": self.plain,
            "ratio": self.ratio,
            "target": self.target,
            "target_is_minimum": self.higher_is_better,
            "ratio_target": self.ratio_target,
            "result": {True: "PASS", False: "MISS", None: "n/a"}[self.passed],
            "notes": self.notes,
            "details": self.details,
        }


# -- helpers ------------------------------------------------------------------------------------


def _rounds(runs: list[tuple[str, Callable[[], float]]], rounds: int) -> dict[str, float]:
    """Run each contender once per round, alternating, and keep each one's median.

    Alternating spreads slow phases of the disk (fsync latency drifts) over both sides.
    """
    figures: dict[str, list[float]] = {name: [] for name, _ in runs}
    for _ in range(rounds):
        for name, run in runs:
            figures[name].append(run())
    return {name: statistics.median(values) for name, values in figures.items()}


def _save_rate(app: Application[Any], cases: list[Case], by: Acting, count: int, per: int) -> float:
    """Events/s of ``app.save`` when each save carries ``per`` fresh events of one case.

    Only the save (encode, insert, commit) is timed; triggering the events is not.
    """
    elapsed = 0.0
    saves = max(1, count // per)
    for i in range(saves):
        case = cases[i % len(cases)]
        for _ in range(per):
            fx.signal(case, by)
        started = time.perf_counter()
        app.save(case)
        elapsed += time.perf_counter() - started
    return saves * per / elapsed


def _open_cases(app: Application[Any], by: Acting, first: int) -> list[Case]:
    cases = [fx.new_case(first + i, by) for i in range(CASES)]
    app.save(*cases)
    return cases


def _hook_names(lg: Ledger) -> str:
    return ", ".join(type(h).__name__ for h in lg.store.append_hooks) or "none"


def _append_pair(
    db_dir: Path, name: str, events: int, per: int, rounds: int, floor: bool = False
) -> dict[str, Any]:
    """Ours, ours without append hooks, plain (and the bare-sqlite3 floor), alternating.

    "ours" is the ledger as :func:`ledger.bootstrap.open_ledger` assembles it, append hooks
    (the tamper-evident log) included; "bare" is a second ledger whose store has its append
    hooks removed, which isolates what the recorder and store cost from what the hooks add.
    """
    with (
        fx.our_ledger(db_dir / f"{name}-ours.sqlite") as (lg, by, _),
        fx.our_ledger(db_dir / f"{name}-bare.sqlite") as (bare, _, _),
        fx.plain_app(db_dir / f"{name}-plain.sqlite") as plain,
    ):
        hooks = _hook_names(lg)
        bare.store.append_hooks.clear()
        apps: dict[str, Application[Any]] = {"ours": lg.app, "bare": bare.app, "plain": plain}
        cases = {key: _open_cases(app, by, 1) for key, app in apps.items()}
        warm = max(per, min(events // 10, 50 * per))
        for key, app in apps.items():
            _save_rate(app, cases[key], by, warm, per)
        sample = lg.app.sql_recorder.select_events(cases["ours"][0].id, limit=1, desc=True)[0]
        each = max(per, events // rounds)

        def contender(key: str) -> Callable[[], float]:
            return lambda: _save_rate(apps[key], cases[key], by, each, per)

        runs = [(key, contender(key)) for key in apps]
        if floor:
            floor_db = db_dir / f"{name}-floor.sqlite"
            runs.append(
                ("floor", lambda: fx.raw_sqlite_commits(floor_db, each, sample.topic, sample.state))
            )
        got: dict[str, Any] = _rounds(runs, rounds)
        # Both really fsync every commit: journal_mode=WAL, synchronous=2 (FULL).
        got["ours_synchronous"] = fx.sqlite_synchronous(lg)
        got["plain_synchronous"] = fx.sqlite_synchronous(plain)
        got["bytes_per_event"] = len(sample.state)
        got["hooks"] = hooks
    return got


def _hook_note(got: dict[str, Any], per: int) -> str:
    """What the append hooks add per commit, from ours against bare."""
    if got["hooks"] == "none":
        return "no append hooks are registered; ours = recorder and store only"
    added = (1 / got["ours"] - 1 / got["bare"]) * per * 1e6
    return (
        f"append hooks ({got['hooks']}) included in ours; the same ledger with its hooks "
        f"removed: {got['bare']:,.0f} events/s, so the hooks add {added:,.0f} µs per commit"
    )


# -- 1. durable single-event append ----------------------------------------------------------------


def single_append(db_dir: Path, events: int, rounds: int = 3) -> Measurement:
    got = _append_pair(db_dir, "single", events, 1, rounds, floor=True)
    return Measurement(
        key="single_append",
        what="Durable append, 1 event/commit",
        unit="events/s",
        ours=got["ours"],
        plain=got["plain"],
        target=2_000,
        notes=[
            f"SQLite file, WAL, synchronous: ours={got['ours_synchronous']} "
            f"plain={got['plain_synchronous']} (2 = FULL, the WAL is fsynced at every commit); "
            f"{events:,} events per side in {rounds} alternating rounds, median",
            f"event: Case.SignalRecorded ({got['bytes_per_event']} bytes of state, 8 fields like a "
            f"step-4 decision) triggered on a Case, round-robin over {CASES} open cases, then "
            "app.save(case); only save() is timed",
            _hook_note(got, 1),
            f"floor: bare sqlite3 doing the same BEGIN IMMEDIATE / SELECT max / INSERT / COMMIT "
            f"on the events table alone, same disk: {got['floor']:,.0f} commits/s",
        ],
        details={
            "events": events,
            "sqlite3_floor_commits_per_s": got["floor"],
            "ours_without_append_hooks": got["bare"],
            "append_hooks": got["hooks"],
        },
    )


# -- 2. grouped append ---------------------------------------------------------------------------


def grouped_append(db_dir: Path, events: int, rounds: int = 3) -> Measurement:
    got = _append_pair(db_dir, "grouped", events, GROUP, rounds)
    return Measurement(
        key="grouped_append",
        what=f"Grouped append, {GROUP} events/commit",
        unit="events/s",
        ours=got["ours"],
        plain=got["plain"],
        target=50_000,
        notes=[
            f"app.save(case) of one Case holding {GROUP} pending SignalRecorded events; "
            f"same SQLite settings; {events:,} events per side in {rounds} alternating rounds",
            _hook_note(got, GROUP),
        ],
        details={
            "events": events,
            "ours_without_append_hooks": got["bare"],
            "append_hooks": got["hooks"],
        },
    )


# -- 3. projection rebuild ---------------------------------------------------------------------


def copy_log(lg: Ledger, plain: Application[Any]) -> int:
    """Copy our stored events, byte for byte, into the plain application's store."""
    recorder = lg.app.sql_recorder
    position = 0
    while True:
        notifications = recorder.select_notifications(position, BATCH, inclusive_of_start=False)
        if not notifications:
            return position
        plain.recorder.insert_events(
            [
                StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                for n in notifications
            ]
        )
        position = notifications[-1].id


def plain_decode_rate(plain: Application[Any]) -> float:
    """Events/s of plain eventsourcing reading its whole log and decoding every event."""
    to_domain_event = plain.mapper.to_domain_event
    select = plain.recorder.select_notifications
    started = time.perf_counter()
    position = count = 0
    while True:
        notifications = select(position, BATCH, inclusive_of_start=False)
        if not notifications:
            break
        for notification in notifications:
            to_domain_event(notification)
        count += len(notifications)
        position = notifications[-1].id
    return count / (time.perf_counter() - started)


def rebuild_rate(lg: Ledger) -> float:
    started = time.perf_counter()
    applied = lg.projections.rebuild()
    return applied / (time.perf_counter() - started)


def rebuild_breakdown(lg: Ledger) -> dict[str, float]:
    """Microseconds per event of each stage of a rebuild, batch by batch as the runner
    goes (cyclic GC paused, as it does), each stage timed on its own (decode's JSON part
    is timed by decoding again)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _rebuild_breakdown(lg)
    finally:
        if collecting:
            gc.enable()


def _rebuild_breakdown(lg: Ledger) -> dict[str, float]:
    recorder = lg.app.sql_recorder
    to_domain_event = lg.app.mapper.to_domain_event
    transcoder: Any = lg.app.mapper.transcoder
    read = decode = json_only = project = 0.0
    ws = Workspace(fresh=True)
    count = position = 0
    with lg.store.read() as conn:
        while True:
            started = time.perf_counter()
            batch = recorder.read_notifications(conn, position, BATCH, inclusive_of_start=False)
            read_done = time.perf_counter()
            if not batch:
                break
            decoded = [to_domain_event(n) for n in batch]
            decode_done = time.perf_counter()
            for n in batch:
                transcoder.decode(n.state)
            json_done = time.perf_counter()
            for domain_event in decoded:
                handler = HANDLERS.get(type(domain_event))
                if handler is not None:
                    handler(ws, domain_event)
            project_done = time.perf_counter()
            read += read_done - started
            decode += decode_done - read_done
            json_only += json_done - decode_done
            project += project_done - json_done
            count += len(batch)
            position = batch[-1].id
    with lg.store.write(lock=False) as conn:
        t.read_models.drop_all(conn)
        t.read_models.create_all(conn)
        flush_started = time.perf_counter()
        ws.flush(conn)
        flush = time.perf_counter() - flush_started
    lg.projections.rebuild()  # leave the read models as a rebuild makes them
    per = 1e6 / (count or 1)
    return {
        "read (SqlRecorder.read_notifications)": read * per,
        "decode (Mapper.to_domain_event)": decode * per,
        "  of which transcoder JSON decode": json_only * per,
        "project (projector HANDLERS into Workspace)": project * per,
        "flush (Workspace.flush INSERTs)": flush * per,
    }


def projection_rebuild(db_dir: Path, events: int, rounds: int = 3) -> Measurement:
    with (
        fx.our_ledger(db_dir / "rebuild-ours.sqlite") as (lg, by, coord),
        fx.plain_app(db_dir / "rebuild-plain.sqlite") as plain,
    ):
        total = fx.fill_log(lg, by, coord, events)
        copy_log(lg, plain)
        mix: dict[str, int] = {}
        for n in lg.app.sql_recorder.select_notifications(1, total):
            kind = n.topic.rsplit(".", 1)[-1]
            mix[kind] = mix.get(kind, 0) + 1
        rebuild_rate(lg)  # warm up
        plain_decode_rate(plain)
        medians = _rounds(
            [("ours", lambda: rebuild_rate(lg)), ("plain", lambda: plain_decode_rate(plain))],
            rounds,
        )
        breakdown = rebuild_breakdown(lg)
    notes = [
        f"log of {total:,} events: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(mix.items(), key=lambda kv: -kv[1])),
        f"ours = ledger.projections rebuild(): drop and create the read models, read the log "
        f"in batches of {BATCH:,}, decode with the app's Mapper, apply the projector's "
        f"handlers, bulk-insert, all in one transaction; plain = eventsourcing.sqlite "
        f"select_notifications + Mapper.to_domain_event over the same stored events (decode "
        f"only, nothing written); {rounds} alternating rounds, median",
        "where ours spends its time, µs/event, stages timed separately: "
        + "; ".join(f"{k.strip()} {v:.1f}" for k, v in breakdown.items()),
    ]
    return Measurement(
        key="projection_rebuild",
        what="Projection rebuild from zero",
        unit="events/s",
        ours=medians["ours"],
        plain=medians["plain"],
        target=100_000,
        notes=notes,
        details={"events": total, "mix": mix, "us_per_event": breakdown},
    )


# -- 4. start-up -----------------------------------------------------------------------------------


def _wall_ms(argv: list[str], runs: int) -> tuple[float | None, str]:
    times = []
    for _ in range(runs + 1):  # the first run warms the page cache and is dropped
        started = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        times.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            return None, f"exit {done.returncode}: {last}"
    return statistics.median(times[1:]), ""


def startup(runs: int = 10) -> Measurement:
    python = Path(sys.executable)
    regie = python.parent / "regie"
    plain, _ = _wall_ms([str(python), "-c", "pass"], runs)
    notes = [f"median wall time of {runs} runs (after one warm-up); baseline `python -c pass`"]
    if regie.exists():
        ours, problem = _wall_ms([str(regie), "--help"], runs)
        if ours is None:
            notes.append(f"`regie --help` not available: {problem}")
    else:
        ours = None
        notes.append(f"`regie --help` not available: no console script at {regie}")
    return Measurement(
        key="startup",
        what="`regie --help` start-up",
        unit="ms",
        ours=ours,
        plain=plain,
        target=300,
        higher_is_better=False,
        notes=notes,
    )


# -- 5-9. a ledger with a million access events: generation, catch-up, who-saw, verify -------

ACCESS_BATCH = 2000
"""Access events per commit when generating the access log."""
SUBJECTS = 20_000
"""Data subjects the access events are spread over (uniformly)."""
REAL_SUBJECTS = 200
"""Of those, registered through the API, so that `audit who-saw` can resolve them."""
WHO_SAW_CALLS = 20


class _Stopwatch:
    """Wraps a bound method on its instance and adds up the time spent in it."""

    def __init__(self, owner: Any, name: str) -> None:
        self.owner, self.name = owner, name
        self.original = getattr(owner, name)
        self.seconds = 0.0
        self.calls = 0

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(owner, name, timed)

    def remove(self) -> None:
        delattr(self.owner, self.name)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of them at or
    below it (the largest of 20 for p95 of 20 calls is the 19th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def _query_plan(lg: Ledger, subject_id: str) -> str:
    """How the database answers who-saw's access-log query (SQLite only)."""
    if lg.store.dialect != "sqlite":
        return "query plan: not SQLite"
    a = t.access_log
    query = str(a.select().where(a.c.subject_id == "?").order_by(a.c.at).compile(lg.store.engine))
    with lg.store.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + query, (subject_id,)).all()
    return "; ".join(str(r[-1]) for r in rows)


def _single_commit_verify(db_dir: Path, commits: int) -> tuple[float, int]:
    """Verify rate of a ledger written one event per commit (a checkpoint per event)."""
    with fx.our_ledger(db_dir / "verify-single.sqlite") as (lg, by, _):
        cases = _open_cases(lg.app, by, 1)
        _save_rate(lg.app, cases, by, commits, 1)
        started = time.perf_counter()
        report = lg.audit_log.verify()
        return report.events / (time.perf_counter() - started), report.checkpoints


def access_ledger(
    db_dir: Path,
    events: int,
    subjects: int = SUBJECTS,
    real_subjects: int = REAL_SUBJECTS,
    calls: int = WHO_SAW_CALLS,
    batch: int = ACCESS_BATCH,
    single_commits: int = 300,
) -> list[Measurement]:
    """Generate an access log of ``events`` events with batched appends, catch the read
    models up once, time `audit who-saw` on it, then `audit verify` the whole ledger."""
    real_subjects = max(1, min(real_subjects, subjects))
    with fx.our_ledger(db_dir / "access.sqlite") as (lg, by, coord):
        officer = fx.register_privacy_officer(lg)
        started = time.perf_counter()
        real = fx.register_subjects(lg, by, real_subjects)
        register_s = time.perf_counter() - started
        rng = random.Random(20250314)
        others = [
            str(UUID(int=rng.getrandbits(128), version=4)) for _ in range(subjects - len(real))
        ]
        actors = [
            by,
            coord,
            officer,
            Acting("wijkagent-noord", "partner-contact", "politie"),
            Acting("jongerenwerker-noord", "partner-contact", "jongerenwerk"),
        ]
        filled = fx.fill_access_log(lg, actors, real + others, events, batch)
        generation_s = filled["build_s"] + filled["save_s"]

        # One catch-up of everything above: actors, subjects and the access events.
        started = time.perf_counter()
        applied = lg.projections.catch_up()
        catch_up_s = time.perf_counter() - started

        # who-saw: one warm-up call, then `calls` calls on other subjects, each timed whole.
        privacy = lg.privacy
        privacy.who_saw(real[0], officer)
        chosen = [real[(1 + i) % len(real)] for i in range(calls)]
        record = _Stopwatch(privacy.log, "record")
        catch_up = _Stopwatch(privacy.queries.projections, "catch_up")
        timings: list[float] = []
        answers: list[int] = []
        try:
            for subject in chosen:
                started = time.perf_counter()
                answer = privacy.who_saw(subject, officer)
                timings.append((time.perf_counter() - started) * 1000)
                answers.append(len(answer))
        finally:
            record.remove()
            catch_up.remove()
        plan = _query_plan(lg, chosen[0])

        started = time.perf_counter()
        report = lg.audit_log.verify()
        verify_s = time.perf_counter() - started
    single_rate, single_checkpoints = _single_commit_verify(db_dir, single_commits)

    total = filled["events"]
    per_call = 1000 / len(timings)
    median = statistics.median(timings)
    generated = Measurement(
        key="access_generation",
        what=f"Access log generation, {batch:,} events/commit",
        unit="events/s",
        ours=total / generation_s,
        plain=None,
        target=None,
        notes=[
            f"{total:,} access events (AccessLog.entries: one per subject shown, subject sealed "
            f"under the month's access-log key; 1-5 subjects per command) over {subjects:,} "
            f"subjects, {len(real):,} of them registered through the API first "
            f"({register_s:.1f} s), saved with app.save(*aggregates), {batch:,} per commit; "
            f"total {generation_s:.0f} s: building the events "
            f"{filled['build_s'] / total * 1e6:.1f} µs/event, saving them (encode, insert, "
            f"tamper-evident log, commit) {filled['save_s'] / total * 1e6:.1f} µs/event",
        ],
        details={
            "events": total,
            "subjects": subjects,
            "registered_subjects": len(real),
            "batch": batch,
            "build_s": filled["build_s"],
            "save_s": filled["save_s"],
        },
    )
    caught_up = Measurement(
        key="access_catch_up",
        what="Projection catch-up of that log",
        unit="events/s",
        ours=applied / catch_up_s,
        plain=None,
        target=None,
        notes=[
            f"one Projections.catch_up() of {applied:,} events in {catch_up_s:.0f} s "
            f"(transactions of {BATCH:,} events; every subject reference opened with its "
            "month key; rm_access_log carries four indexes)",
        ],
        details={"events": applied, "seconds": catch_up_s},
    )
    notes = [
        f"ledger.privacy.who_saw(subject, privacy officer) on {len(timings)} different "
        f"registered subjects after one warm-up call; each call resolves the subject, "
        f"appends its own access event (a durable commit with its checkpoint), catches the "
        f"read models up by that event and queries rm_access_log by subject; answers held "
        f"{min(answers)}-{max(answers)} rows (median {statistics.median(answers):.0f})",
        f"per call: appending the access event {record.seconds * per_call:.1f} ms, catch-ups "
        f"(the no-op check in resolve and the one after the append) "
        f"{catch_up.seconds * per_call:.1f} ms, the rest (resolve's lookup, the two queries, "
        f"building the rows) {median - (record.seconds + catch_up.seconds) * per_call:.1f} ms "
        "(against the median)",
        f"query plan: {plan}",
    ]
    who_saw_median = Measurement(
        key="who_saw_median",
        what="`audit who-saw`, median",
        unit="ms",
        ours=median,
        plain=None,
        target=50,
        higher_is_better=False,
        notes=notes,
        details={"ms": timings, "rows": answers},
    )
    who_saw_p95 = Measurement(
        key="who_saw_p95",
        what="`audit who-saw`, p95",
        unit="ms",
        ours=percentile(timings, 0.95),
        plain=None,
        target=50,
        higher_is_better=False,
        notes=[f"nearest rank of {len(timings)} calls; slowest {max(timings):.1f} ms"],
    )
    per_checkpoint = (1 / single_rate - verify_s / report.events) * 1e6
    verified = Measurement(
        key="verify",
        what="`audit verify`",
        unit="events/s",
        ours=report.events / verify_s,
        plain=None,
        target=300_000,
        notes=[
            f"LogAudit.verify() over the ledger above: {report.events:,} events, "
            f"{report.checkpoints:,} signed checkpoints, {verify_s:.1f} s: every leaf "
            "recomputed from its event row, the tree rebuilt, every signature, root and "
            "stored frontier checked",
            f"a ledger written one event per commit ({single_checkpoints:,} checkpoints) "
            f"verifies at {single_rate:,.0f} events/s: each checkpoint (Ed25519 signature, "
            f"root, stored frontier) adds about {per_checkpoint:,.0f} µs",
        ],
        details={
            "events": report.events,
            "checkpoints": report.checkpoints,
            "one_event_per_commit_events_per_s": single_rate,
        },
    )
    return [generated, caught_up, who_saw_median, who_saw_p95, verified]
