"""deploy/postgresql/grants.sql: the service role appends and reads history but cannot
change it, holds the key store alone, and owns the read models it rebuilds; an end user
with a database login (which the server deployment never gives) reaches nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.errors import Refused
from tests import builders as b
from tests import pg_server
from tests.conftest import fresh_database_url
from tests.paths import ROOT

pytestmark = pytest.mark.postgres
GRANTS = ROOT / "deploy" / "postgresql" / "grants.sql"


def as_role(url: str, role: str, password: str) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


@pytest.fixture
def deployed(postgres_server_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    suffix = uuid4().hex[:8]
    roles = {"service": f"regie_service_{suffix}", "user": f"eindgebruiker_{suffix}"}
    admin = pg_server.admin_conninfo(postgres_server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        for role in roles.values():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'test-only'").format(sql.Identifier(role))
            )
    try:
        with fresh_database_url("postgres") as owner_url:
            keys = tmp_path / "keys"
            with open_ledger(owner_url, key_dir=keys, require_initialised=False) as ledger:
                ledger.initialise()  # by the owner, on the server machine
                b.seed_actors(ledger)
            script = GRANTS.read_text(encoding="utf-8").replace("regie_service", roles["service"])
            schema = make_url(owner_url).query["options"].split("=", 1)[1]
            with psycopg.connect(pg_server.admin_conninfo(owner_url), autocommit=True) as conn:
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
                conn.execute(script.encode())
            yield {
                "keys": str(keys),
                "service": as_role(owner_url, roles["service"], "test-only"),
                "user": as_role(owner_url, roles["user"], "test-only"),
            }
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for role in roles.values():
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def refused(url: str, statement: str) -> bool:
    try:
        with psycopg.connect(pg_server.admin_conninfo(url), autocommit=True) as conn:
            conn.execute(statement.encode())
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedTable):
        return True  # no privilege, or (without USAGE on the schema) nothing to see at all
    return False


def test_the_service_appends_and_reads_but_cannot_rewrite_history(
    deployed: dict[str, str],
) -> None:
    with open_ledger(deployed["service"], key_dir=Path(deployed["keys"])) as ledger:
        by = ledger.app.acting(b.REGISSEUR, "regisseur")
        ref = b.open_case(ledger, by)
        ledger.cases.record_signal(b.signal(ref), by)
        assert ledger.cases.overview(ref, by)["ref"] == ref
        ledger.projections.rebuild()  # the read models are its own
        person = {"kind": "jongere", "name": "Test Grantjongere", "date_of_birth": "2011-01-02"}
        ledger.persons.register(c.build(c.RegisterSubject, **person), by)
        with pytest.raises(Refused, match="maybe-registered"):  # the blind index is its own
            ledger.persons.register(c.build(c.RegisterSubject, **person), by)
        assert ledger.audit_log.verify().events > 0
    for statement in (
        "UPDATE regie_events SET topic = topic",
        "DELETE FROM regie_log",
        "DELETE FROM regie_checkpoints",
        "DELETE FROM regie_log_nodes",
        "UPDATE regie_log_nodes SET hash = hash",
        "TRUNCATE regie_events",
        "ALTER TABLE regie_events DISABLE TRIGGER ALL",
        "UPDATE regie_meta SET value = value",
    ):
        assert refused(deployed["service"], statement), statement


def test_an_end_user_login_reaches_nothing(deployed: dict[str, str]) -> None:
    for statement in (
        "SELECT * FROM regie_data_keys",
        "SELECT * FROM regie_blind_index",
        "SELECT * FROM regie_events",
        "SELECT * FROM rm_actors",
        "INSERT INTO regie_log (position, leaf_hash) VALUES (999, '\\x00')",
    ):
        assert refused(deployed["user"], statement), statement
