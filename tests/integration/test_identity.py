"""The embedded CLI on PostgreSQL: the login's actor, found in the history, and a warning.

Two database roles with their own passwords, registered as two actors with different
regie roles. Each connects with its own credentials through the real CLI. This is not
how people work on PostgreSQL (they go through `regie serve` with a token, and have no
database login: decision 0025); it shows that the direct CLI says so, and that whoever
acts there is the actor the history registered for the login, not what a read model says.
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

from cli.common import MAINTENANCE_WARNING
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


def _register(cluster: dict[str, str], postgres_server_url: str) -> None:
    """The ledger, its administrator (the owner's login), alice (regisseur) and bob
    (privacy officer) with their own logins, granted everything (the old embedded setup)."""
    admin = cluster["admin"]
    assert cli(cluster, admin, "init").exit_code == 0
    first = cli(
        cluster, admin, "actor", "add", "beheer-test", "--name", "Test Beheer",
        "--org", "gemeente", "--role", "administrator",
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    for handle, role, db_user in [
        ("alice", "regisseur", "alice_test"),
        ("bob", "privacy-officer", "bob_test"),
    ]:
        added = cli(
            cluster, admin, "actor", "add", handle, "--name", f"Test {handle}",
            "--org", "gemeente", "--role", role, "--db-user", db_user,
        )  # fmt: skip
        assert added.exit_code == 0, added.output
    with psycopg.connect(pg_server.admin_conninfo(postgres_server_url), autocommit=True) as conn:
        schema = sql.Identifier(cluster["schema"])
        for role in ("alice_test", "bob_test"):
            who = sql.Identifier(role)
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, who))
            conn.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {}").format(schema, who))


def _open_case(cluster: dict[str, str], url: str) -> Result:
    return cli(
        cluster, url, "case", "open", "--name", "Groep Testplein", "--municipality",
        "Teststad", "--area", "Noord", "--json",
    )  # fmt: skip


def test_the_database_user_is_the_actor(cluster: dict[str, str], postgres_server_url: str) -> None:
    _register(cluster, postgres_server_url)
    admin = cluster["admin"]
    alice, bob = cluster["url_alice_test"], cluster["url_bob_test"]
    opened = _open_case(cluster, alice)
    assert opened.exit_code == 0, opened.output
    # The direct CLI on PostgreSQL says, in one line on stderr, that it is maintenance.
    assert opened.stderr.strip() == MAINTENANCE_WARNING

    # Alice cannot act as bob (or as anyone else) by setting REGIE_ACTOR.
    posing = cli(cluster, alice, "case", "list", actor="bob")
    assert posing.exit_code == 1
    assert "cannot choose another person" in posing.stderr
    # Naming herself is fine.
    assert cli(cluster, alice, "case", "list", actor="alice").exit_code == 0

    # Bob is a privacy officer: he may not open cases; the denial is recorded.
    denied = cli(
        cluster, bob, "case", "open", "--name", "Groep X", "--municipality", "Teststad",
        "--area", "Zuid",
    )  # fmt: skip
    assert denied.exit_code == 1
    assert "may not run" in denied.stderr
    findings = cli(cluster, bob, "audit", "actor", "bob", "--json")
    assert findings.exit_code == 0, findings.output
    outcomes = [(row["command"], row["outcome"]) for row in json.loads(findings.stdout)]
    assert ("case.open", "denied") in outcomes

    # Every event alice wrote carries alice; none carries bob as author of a case.
    listed = cli(cluster, alice, "case", "show", json.loads(opened.stdout)["case"], "--json")
    assert json.loads(listed.stdout)["opened_by"] == "alice"

    # A wrong password does not get in at all.
    wrong = cli(cluster, as_user(admin, "alice_test", "not-the-password"), "case", "list")
    assert wrong.exit_code == 1
    assert len([line for line in wrong.output.splitlines() if line.strip()]) == 1
    assert "not-the-password" not in wrong.output


def test_a_changed_read_model_does_not_move_an_identity(
    cluster: dict[str, str], postgres_server_url: str
) -> None:
    """Route 1 of issue 9: alice's own login rewrites rm_actors so that her login is bob's
    (and her actor has another login). The read model is derived data that `audit verify`
    does not cover, so it still passes; who acts must not follow it."""
    _register(cluster, postgres_server_url)
    alice, bob = cluster["url_alice_test"], cluster["url_bob_test"]
    with psycopg.connect(pg_server.admin_conninfo(alice), autocommit=True) as conn:
        conn.execute("UPDATE rm_actors SET db_user = 'alice_test' WHERE handle = 'bob'")
        conn.execute("UPDATE rm_actors SET db_user = 'elsewhere' WHERE handle = 'alice'")
    verified = cli(cluster, cluster["admin"], "audit", "verify", actor="beheer-test")
    assert verified.exit_code == 0, verified.output

    # Alice still acts as alice: a regisseur, who may open a case but not audit an actor.
    opened = _open_case(cluster, alice)
    assert opened.exit_code == 0, opened.output
    shown = cli(cluster, alice, "case", "show", json.loads(opened.stdout)["case"], "--json")
    assert json.loads(shown.stdout)["opened_by"] == "alice"
    audited = cli(cluster, alice, "audit", "actor", "bob", "--json")
    assert audited.exit_code == 1 and "may not run" in audited.stderr
    assert "cannot choose another person" in cli(cluster, alice, "case", "list", actor="bob").stderr
    # Bob still acts as bob, and sees alice's refused audit among her denials.
    findings = cli(cluster, bob, "audit", "actor", "alice", "--json")
    assert findings.exit_code == 0, findings.output
    rows = json.loads(findings.stdout)
    assert ("audit.actor", "denied") in [(row["command"], row["outcome"]) for row in rows]
