"""The four measurements. Each returns a :class:`Measurement` of ours against plain
eventsourcing, both measured here, in this process, on this machine."""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    target: float
    higher_is_better: bool = True
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.plain:
            return None
        return self.ours / self.plain

    @property
    def passed(self) -> bool | None:
        if self.ours is None:
            return None
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
