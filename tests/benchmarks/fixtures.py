"""The ledgers, plain eventsourcing applications and event logs the benchmarks run on."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventsourcing.application import Application

from ledger import commands as c
from ledger.access.gate import Seen
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.bootstrap import Ledger, open_ledger
from ledger.domain.acting import Acting
from ledger.domain.case import PRIORITISED, Case

YEAR = 2025
DAY = "2025-03-14"
TODAY = date(2025, 12, 31)
SIGNAL_TEXT = (
    "Groep van zes tot acht jongeren hangt 's avonds rond bij het winkelcentrum; "
    "bewoners melden intimidatie en vernielingen aan fietsenstalling."
)
PLAIN_ENV = {"AGGREGATE_CACHE_MAXSIZE": "500"}
"""Same cache size as :class:`ledger.application.Regie`, so only persistence differs."""


# -- our ledger ------------------------------------------------------------------------


@contextmanager
def our_ledger(
    path: Path, clock: Callable[[], date] = lambda: TODAY
) -> Iterator[tuple[Ledger, Acting, Acting]]:
    """A fresh SQLite ledger with an administrator/regisseur and a coordinator."""
    lg = open_ledger(f"sqlite:///{path}", clock=clock, require_initialised=False)
    try:
        lg.initialise()
        app = lg.app
        lg.actors.register_actor(
            c.RegisterActor(
                handle="beheer",
                display_name="Beheerder",
                organisation="gemeente",
                roles=["administrator", "regisseur"],
            ),
            None,
        )
        admin = app.acting("beheer", "administrator")
        lg.actors.register_actor(
            c.RegisterActor(
                handle="uc-noord",
                display_name="Uitvoeringscoördinator Noord",
                organisation="gemeente",
                roles=["uitvoeringscoordinator"],
            ),
            admin,
        )
        yield lg, app.acting("beheer", "regisseur"), app.acting("uc-noord")
    finally:
        lg.close()


# -- plain eventsourcing ---------------------------------------------------------------


def _durable(pool: Any) -> None:
    """Make every connection the plain SQLite pool opens use synchronous=FULL.

    ``eventsourcing.sqlite`` sets only ``journal_mode=WAL`` and leaves ``synchronous``
    at the SQLite build default (2 = FULL in this Python's SQLite); we set it explicitly
    so that the baseline fsyncs every commit exactly like our store.
    """
    original = pool._create_connection

    def create() -> Any:
        connection = original()
        connection._sqlite_conn.execute("PRAGMA synchronous=FULL")
        return connection

    pool._create_connection = create


@contextmanager
def plain_app(path: Path) -> Iterator[Application[Any]]:
    """Plain eventsourcing with its own SQLite persistence, on the same Case aggregate."""
    app: Application[Any] = Application(
        env={**PLAIN_ENV, "PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    )
    try:
        _durable(app.factory.datastore.pool)  # type: ignore[attr-defined]
        yield app
    finally:
        app.close()


def sqlite_synchronous(app_or_path: Any) -> int:
    """The ``synchronous`` setting a writer connection of the given store really uses."""
    if isinstance(app_or_path, Application):
        pool = app_or_path.factory.datastore.pool  # type: ignore[attr-defined]
        conn = pool.get_connection(is_writer=True)
        try:
            return int(conn._sqlite_conn.execute("PRAGMA synchronous").fetchone()[0])
        finally:
            pool.put_connection(conn)
    with app_or_path.store.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA synchronous").scalar())


def raw_sqlite_commits(path: Path, n: int, topic: str, state: bytes) -> float:
    """The floor: commits/s of bare ``sqlite3`` doing exactly what our recorder does per
    single-event append (BEGIN IMMEDIATE, SELECT max, INSERT, COMMIT) on the same table
    with the same pragmas, and no Python layers above it."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from ledger.store.schema import events

    dialect = sqlite.dialect()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(str(CreateTable(events, if_not_exists=True).compile(dialect=dialect)))
        for index in events.indexes:
            conn.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))
        insert = (
            f"INSERT INTO {events.name} (notification_id, originator_id, originator_version, "
            "topic, state) VALUES (?, ?, ?, ?, ?)"
        )
        originator = str(uuid4())
        started = time.perf_counter()
        for version in range(1, n + 1):
            conn.execute("BEGIN IMMEDIATE")
            last = conn.execute(f"SELECT max(notification_id) FROM {events.name}").fetchone()[0]
            conn.execute(insert, ((last or 0) + 1, originator, version, topic, state))
            conn.execute("COMMIT")
        return n / (time.perf_counter() - started)
    finally:
        conn.close()


# -- the events ---------------------------------------------------------------------------


def new_case(number: int, by: Acting) -> Case:
    return Case.open(
        f"JG-{YEAR}-{number:05d}",
        f"Groep {number}",
        "Utrecht",
        f"Wijk {number % 10}",
        DAY,
        by,
    )


def signal(case: Case, by: Acting) -> None:
    """The event appended by the append benchmarks: a recorded signal (8 payload fields,
    ~440 bytes stored, the same shape and size as a step-4 decision)."""
    case.record_signal(
        DAY, "overlast", "Winkelcentrum Overvecht", "politie", "wijkagent", SIGNAL_TEXT, by
    )


def _plan_actions(n: int, first: int = 1) -> list[dict[str, Any]]:
    tracks = ("persoon-gezin", "groep", "locatie")
    orgs = ("politie", "jongerenwerk", "gemeente", "school")
    return [
        {
            "description": f"Afspraak {i}: gesprek met ouders en jongere, huisbezoek",
            "track": tracks[i % 3],
            "organisation": orgs[i % 4],
            "person": f"Medewerker {i}",
            "due": "2025-06-30",
        }
        for i in range(first, first + n)
    ]


def case_history(number: int, by: Acting, coord: Acting, policies: Any, rng: random.Random) -> Case:
    """One case walked through the model with its domain methods (rules apply).

    Most cases go all the way (signals, steps, decision, plan versions, actions completed
    and escalated, closure); some end early, some step back, some are still running.
    """
    body = "ketenoverleg"
    case = new_case(number, by)
    for _ in range(rng.randint(1, 4)):
        signal(case, by)
    case.advance(body, "Signalen wijzen op een groep", DAY, by)
    fate = rng.random()
    if fate < 0.1:
        case.end_early(
            "regulier-afgehandeld",
            policies.early_end_after["regulier-afgehandeld"],
            body,
            "Opgepakt in regulier werk",
            DAY,
            by,
        )
        return case
    case.designate_coordinator(coord.actor, DAY, by)
    case.advance(body, "Informatie verzameld", DAY, by)
    case.set_plan(
        ["Overlast terugdringen"],
        [{"kind": "groep", "description": "Groepsgericht"}],
        _plan_actions(2),
        by,
    )
    case.advance(body, "Integraal beeld compleet", DAY, by)
    items = {key: f"Afspraak over {key}" for key in policies.decision_items}
    case.record_decision(PRIORITISED, items, policies.decision_items, "", "driehoek", DAY, by)
    case.advance("driehoek", "Geprioriteerd", DAY, by)
    keep = [{**a, "number": n} for n, a in zip((1, 2), _plan_actions(2), strict=True)]
    case.set_plan(
        ["Overlast terugdringen", "Jongeren naar school"],
        [
            {"kind": "groep", "description": "Groepsgericht"},
            {"kind": "persoon-gezin", "description": "Per jongere"},
        ],
        keep + _plan_actions(2, first=3),
        by,
    )
    case.advance(body, "Plan vastgesteld", DAY, by)
    if fate < 0.25:
        return case  # still in execution
    case.complete_action(1, DAY, "Gesprek gevoerd", coord)
    case.escalate_action(2, "driehoek", "Geen medewerking", DAY, coord)
    number = case.add_action(
        "Extra toezicht in de avond", "locatie", "politie", "Wijkagent", "2025-09-01", coord
    )
    case.complete_action(number, DAY, "", coord)
    if fate < 0.35:
        case.step_back(5, body, "Plan bijstellen", DAY, by)
        return case
    case.advance(body, "Uitvoering afgerond", DAY, by)
    criteria = {key: "Voldoende" for key in policies.evaluation_criteria}
    handover = {
        n: {"organisation": "jongerenwerk", "note": "Loopt door"} for n in case.open_actions
    }
    case.close(
        "deels",
        "Overlast afgenomen",
        handover,
        "P5Y",
        criteria,
        policies.evaluation_criteria,
        DAY,
        by,
    )
    return case


def fill_log(lg: Ledger, by: Acting, coord: Acting, n_events: int, group: int = 2000) -> int:
    """Append at least ``n_events`` realistic case events with grouped commits."""
    rng = random.Random(20250314)
    written = lg.app.recorder.max_notification_id() or 0
    target = written + n_events
    number = 0
    while written < target:
        batch: list[Case] = []
        pending = 0
        while pending < group and written + pending < target:
            number += 1
            case = case_history(number, by, coord, lg.policies, rng)
            batch.append(case)
            pending += len(case.pending_events)
        lg.app.save(*batch)
        written += pending
    return written


# -- the access log ------------------------------------------------------------------------

ACCESS_COMMANDS = (
    ("case.show", "read"),
    ("subject.view", "read"),
    ("member.list", "read"),
    ("namenlijst.show", "read"),
    ("share.add", "export"),
    ("subject.list", "search"),
)
"""Commands whose access events make up the log, with their action."""
ACCESS_CATEGORIES = (
    ("identificatie",),
    ("identificatie", "groepspositie"),
    ("identificatie", "politie-informatie", "school"),
)


def register_privacy_officer(lg: Ledger, admin_handle: str = "beheer") -> Acting:
    app = lg.app
    lg.actors.register_actor(
        c.RegisterActor(
            handle="fg-privacy",
            display_name="Functionaris gegevensbescherming",
            organisation="gemeente",
            roles=["privacy-officer"],
        ),
        app.acting(admin_handle, "administrator"),
    )
    return app.acting("fg-privacy")


def register_subjects(lg: Ledger, by: Acting, n: int) -> list[str]:
    """``n`` youths registered through the API (sealed name and date of birth, one data
    key each); returns their ids."""
    ids = []
    for i in range(n):
        cmd = c.build(
            c.RegisterSubject,
            kind="jongere",
            name=f"Jongere {i:05d} Benchmark",
            date_of_birth=date(2009, 1 + i % 12, 1 + i % 28),
        )
        ids.append(str(lg.persons.register(cmd, by).id))
    return ids


def fill_access_log(
    lg: Ledger,
    actors: list[Acting],
    subject_ids: list[str],
    n_events: int,
    batch: int = 2000,
    seed: int = 20250314,
) -> dict[str, float]:
    """Append ``n_events`` access events, ``batch`` per commit, as the application makes
    them: :meth:`ledger.access.AccessLog.entries` (one sealed subject reference per event,
    under that month's access-log key) for commands showing one to five subjects, saved
    with ``app.save(*aggregates)``. Returns seconds spent building and saving."""
    rng = random.Random(seed)
    entries = lg.access_log.entries
    save = lg.app.save
    months = [date(YEAR, month, 1 + month) for month in range(1, 13)]
    build = store = 0.0
    written = 0
    pending: list[Any] = []
    while written < n_events:
        started = time.perf_counter()
        while len(pending) < batch and written + len(pending) < n_events:
            left = n_events - written - len(pending)
            k = min(rng.choice((1, 1, 1, 2, 3, 5)), left)
            command, action = rng.choice(ACCESS_COMMANDS)
            categories = rng.choice(ACCESS_CATEGORIES)
            seen = [Seen(rng.choice(subject_ids), categories) for _ in range(k)]
            pending += entries(
                rng.choice(actors), command, action, seen, DEFAULT_PURPOSE, on=rng.choice(months)
            )
        built = time.perf_counter()
        save(*pending)
        store += time.perf_counter() - built
        build += built - started
        written += len(pending)
        pending = []
    return {"build_s": build, "save_s": store, "events": written}
