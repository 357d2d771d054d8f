"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server.

* ``database_url`` (params ``sqlite`` / ``postgres``): a fresh, empty database per test:
  a file under ``tmp_path``, or a new schema on the session's PostgreSQL server selected
  through libpq ``options=-csearch_path=...`` and dropped afterwards.
* ``fresh_database_url(kind)``: the same as a context manager, for ``@given`` tests
  (one database per example); pair it with the session-scoped ``database_kind`` fixture.
* ``ledger``: ``open_ledger(database_url)`` initialised, with the fixed ``clock``.

Hypothesis runs the "ci" profile (50 examples, no deadline) unless HYPOTHESIS_PROFILE
names another ("dev": 10 examples). REGIE_TEST_PG_URL points the tests at an existing
PostgreSQL server instead of starting one (see tests/pg_server.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from psycopg import sql

from tests import pg_server

if TYPE_CHECKING:
    from ledger.bootstrap import Ledger

DATABASE_KINDS = ("sqlite", "postgres")
DROP_LOCK_TIMEOUT = "10s"

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Keys of PostgreSQL test ledgers default to the data directory: keep them out of $HOME.
_DATA_DIR = tempfile.TemporaryDirectory(prefix="regie-test-data-")
os.environ["REGIE_DATA_DIR"] = _DATA_DIR.name
for _variable in (
    "REGIE_DATABASE_URL",
    "REGIE_ACTOR",
    "REGIE_ROLE",
    "REGIE_CONFIG",
    "REGIE_KEY_DIR",
    "REGIE_MASTER_KEY",
    "REGIE_MASTER_KEY_FILE",
    "REGIE_SIGNING_KEY_FILE",
    "REGIE_POLICY_DIR",
):
    os.environ.pop(_variable, None)
os.environ["REGIE_CONFIG"] = os.path.join(_DATA_DIR.name, "absent-config.toml")


_KIND_FIXTURES = ("database_url", "database_kind")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL, so ``-m postgres`` / ``-m 'not postgres'``."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        if any(callspec.params.get(name) == "postgres" for name in _KIND_FIXTURES):
            item.add_marker(pytest.mark.postgres)


# -- the PostgreSQL server -----------------------------------------------------------


def _server_url() -> str:
    try:
        return pg_server.server_url()
    except pg_server.PostgresUnavailable as exc:
        problem = str(exc)
    pytest.fail(f"test PostgreSQL server unavailable: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of the session's PostgreSQL server (the ``postgres`` superuser database)."""
    yield _server_url()
    pg_server.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if pg_server.startup_report:
        terminalreporter.write_line(pg_server.startup_report)


# -- fresh databases -----------------------------------------------------------------


@contextmanager
def _fresh_postgres(server_url: str) -> Iterator[str]:
    schema = f"t_{uuid4().hex}"
    with psycopg.connect(pg_server.admin_conninfo(server_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield pg_server.schema_url(server_url, schema)
    finally:
        with psycopg.connect(pg_server.admin_conninfo(server_url), autocommit=True) as admin:
            admin.execute(sql.SQL("SET lock_timeout = {}").format(DROP_LOCK_TIMEOUT))
            try:
                admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            except psycopg.errors.LockNotAvailable:
                pytest.fail(
                    f"could not drop test schema {schema}: a connection still holds an open "
                    "transaction on it; close or dispose every Store/Ledger the test opened",
                    pytrace=False,
                )


@contextmanager
def fresh_database_url(kind: str) -> Iterator[str]:
    """A URL for a new, empty database of ``kind`` ("sqlite" or "postgres"), removed after.

    For ``@given`` tests, where a function-scoped fixture would be shared by all examples::

        @given(st.integers())
        def test_something(database_kind: str, n: int) -> None:
            with fresh_database_url(database_kind) as url:
                store = Store(url)
                ...
                store.dispose()  # before the schema is dropped
    """
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="regie-test-") as directory:
            yield f"sqlite:///{directory}/ledger.sqlite"
    elif kind == "postgres":
        with _fresh_postgres(_server_url()) as url:
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}; use one of {DATABASE_KINDS}")


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def database_kind(request: pytest.FixtureRequest) -> str:
    """The database kind, "sqlite" or "postgres"; session-scoped, so usable with @given."""
    kind: str = request.param
    if kind == "postgres":
        request.getfixturevalue("postgres_server_url")
    return kind


@pytest.fixture(params=DATABASE_KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for this test: SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/ledger.sqlite"
    else:
        with _fresh_postgres(request.getfixturevalue("postgres_server_url")) as url:
            yield url


# -- the ledger ----------------------------------------------------------------------


class FixedClock:
    """A clock that stands still until told otherwise; pass it as ``clock=``."""

    def __init__(self, today: date = date(2026, 11, 22)) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today

    def advance(self, days: int = 1) -> date:
        self.today += timedelta(days=days)
        return self.today

    def set(self, today: date) -> None:
        self.today = today


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def ledger(database_url: str, clock: FixedClock) -> Iterator[Ledger]:
    from ledger.bootstrap import open_ledger

    opened = open_ledger(database_url, require_initialised=False, clock=clock)
    try:
        opened.initialise()
        yield opened
    finally:
        opened.close()


# -- the README's tour ---------------------------------------------------------------


@dataclass(frozen=True)
class Toured:
    """A fresh data directory after docs/tour.sh ran in it, with the environment it used."""

    home: Path
    env: dict[str, str]
    output: str


def cli_environment(home: Path) -> dict[str, str]:
    """A shell environment for `regie` on a fresh ledger under ``home``: no config file,
    no inherited REGIE_ settings, the venv's bin first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIE_")}
    env.update(
        HOME=str(home),
        REGIE_DATA_DIR=str(home / ".local" / "share" / "regie"),
        REGIE_CONFIG=str(home / "absent-config.toml"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        COLUMNS="80",
    )
    return env


@pytest.fixture(scope="session")
def toured(tmp_path_factory: pytest.TempPathFactory) -> Toured:
    """docs/tour.sh run once with bash on a fresh data directory (the session shares it)."""
    home = tmp_path_factory.mktemp("tour")
    env = cli_environment(home)
    tour = Path(__file__).resolve().parent.parent / "docs" / "tour.sh"
    done = subprocess.run(
        ["bash", str(tour)], cwd=home, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"docs/tour.sh failed:\n{done.stdout}\n{done.stderr}"
    return Toured(home=home, env=env, output=done.stdout)
