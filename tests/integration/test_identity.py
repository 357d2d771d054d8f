"""On PostgreSQL the authenticated database user is the actor; nobody can act as another.

Two database roles with their own passwords, registered as two actors with different
regie roles. Each connects with its own credentials through the real CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result
from psycopg import sql
from sqlalchemy.engine import make_url

from cli.main import regie
from tests import pg_server
from tests.conftest import fresh_database_url

pytestmark = pytest.mark.postgres


def as_user(url: str, user: str, password: str) -> str:
    parsed = make_url(url).set(username=user, password=password)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture
def cluster(postgres_server_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    with fresh_database_url("postgres") as admin_url:
        schema = make_url(admin_url).query["options"].split("=", 1)[1]
        roles = {"alice_test": "alice-secret", "bob_test": "bob-secret"}
        with psycopg.connect(
            pg_server.admin_conninfo(postgres_server_url), autocommit=True
        ) as conn:
            for role, password in roles.items():
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(role), sql.Literal(password)
                    )
                )
        env = {
            "REGIE_KEY_DIR": str(tmp_path / "keys"),
            "REGIE_CONFIG": str(tmp_path / "absent.toml"),
        }
        yield {
            "admin": admin_url,
            "schema": schema,
            **env,
            **{f"url_{r}": as_user(admin_url, r, p) for r, p in roles.items()},
        }
        with psycopg.connect(
            pg_server.admin_conninfo(postgres_server_url), autocommit=True
        ) as conn:
            for role in roles:
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def cli(env: dict[str, str], url: str, *args: str, actor: str | None = None) -> Result:
    full = {
        "REGIE_DATABASE_URL": url,
        "REGIE_KEY_DIR": env["REGIE_KEY_DIR"],
        "REGIE_CONFIG": env["REGIE_CONFIG"],
        "REGIE_ACTOR": actor,
    }
    return CliRunner().invoke(regie, list(args), env=full)


def test_the_database_user_is_the_actor(cluster: dict[str, str], postgres_server_url: str) -> None:
    admin = cluster["admin"]
    assert cli(cluster, admin, "init").exit_code == 0
    # The first actor is the administrator's own database user.
    first = cli(
        cluster,
        admin,
        "actor",
        "add",
        "beheer-test",
        "--name",
        "Test Beheer",
        "--org",
        "gemeente",
        "--role",
        "administrator",
    )
    assert first.exit_code == 0, first.output
    for handle, role, db_user in [
        ("alice", "regisseur", "alice_test"),
        ("bob", "privacy-officer", "bob_test"),
    ]:
        added = cli(
            cluster,
            admin,
            "actor",
            "add",
            handle,
            "--name",
            f"Test {handle}",
            "--org",
            "gemeente",
            "--role",
            role,
            "--db-user",
            db_user,
        )
        assert added.exit_code == 0, added.output
    with psycopg.connect(pg_server.admin_conninfo(postgres_server_url), autocommit=True) as conn:
        schema = sql.Identifier(cluster["schema"])
        for role in ("alice_test", "bob_test"):
            who = sql.Identifier(role)
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who))
            conn.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {}").format(schema, who))

    alice, bob = cluster["url_alice_test"], cluster["url_bob_test"]
    opened = cli(
        cluster,
        alice,
        "case",
        "open",
        "--name",
        "Groep Testplein",
        "--municipality",
        "Teststad",
        "--area",
        "Noord",
        "--json",
    )
    assert opened.exit_code == 0, opened.output

    # Alice cannot act as bob (or as anyone else) by setting REGIE_ACTOR.
    posing = cli(cluster, alice, "case", "list", actor="bob")
    assert posing.exit_code == 1
    assert "cannot choose another person" in posing.output
    # Naming herself is fine.
    assert cli(cluster, alice, "case", "list", actor="alice").exit_code == 0

    # Bob is a privacy officer: he may not open cases; the denial is recorded.
    denied = cli(
        cluster,
        bob,
        "case",
        "open",
        "--name",
        "Groep X",
        "--municipality",
        "Teststad",
        "--area",
        "Zuid",
    )
    assert denied.exit_code == 1
    assert "may not run" in denied.output
    findings = cli(cluster, bob, "audit", "actor", "bob", "--json")
    assert findings.exit_code == 0, findings.output
    outcomes = [(row["command"], row["outcome"]) for row in json.loads(findings.output)]
    assert ("case.open", "denied") in outcomes

    # Every event alice wrote carries alice; none carries bob as author of a case.
    listed = cli(cluster, alice, "case", "show", json.loads(opened.output)["case"], "--json")
    assert json.loads(listed.output)["opened_by"] == "alice"

    # A wrong password does not get in at all.
    wrong = cli(cluster, as_user(admin, "alice_test", "not-the-password"), "case", "list")
    assert wrong.exit_code == 1
    assert len([line for line in wrong.output.splitlines() if line.strip()]) == 1
    assert "not-the-password" not in wrong.output
