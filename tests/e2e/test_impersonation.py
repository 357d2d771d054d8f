"""The four impersonation routes of issue 9, each tried against the server deployment on
PostgreSQL: `regie serve` on 127.0.0.1 connected as the service role of
deploy/postgresql/grants.sql, people working as clients with their own tokens, and wim, a
partner contact, who also has a database login of his own with the end-user grants
(which are none). Each route fails; where the ledger itself is asked and refuses, the
refusal is a denial in its access log. Where the database refuses (no privilege), the
ledger never sees the attempt, and these tests do not pretend it logs it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID, uuid4

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.utils import get_topic
from psycopg import sql
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from ledger import commands as c
from ledger.audit.log import TamperEvidentLog
from ledger.audit.verify import VerificationFailed
from ledger.bootstrap import open_ledger
from ledger.domain.access import DENIED
from ledger.domain.case import Case
from ledger.domain.policy import POLICY_SET_ID, PolicySet
from ledger.projections import tables as t
from ledger.store.schema import events, meta
from ledger.tokens import commands as tc
from policies.loader import DEFAULTS, load_policies
from tests import builders as b
from tests import pg_server
from tests.conftest import cli_environment, fresh_database_url
from tests.paths import ROOT
from tests.serving import Server, free_port, running

pytestmark = pytest.mark.postgres
GRANTS = ROOT / "deploy" / "postgresql" / "grants.sql"
PASSWORD = "test-only"
TIMEOUT = 120
ALICE = b.REGISSEUR  # the regisseur whose case it is
WIM = "wim-test"  # a partner contact who takes part in alice's case
YOUTH_NAME = "Test Jongere Impersonatie"  # synthetic


@dataclass
class Deployment:
    """A running server (as the service role) and what the test needs around it."""

    server: Server  # its ledger() opens the database as the owner, for the test's reads
    schema: str
    service_url: str
    wim_login: str  # the role name of wim's own database login
    wim_url: str
    case: str
    youth: str
    home: Path  # a client's home: no key, no database

    def token(self, actor: str) -> str:
        return self.server.tokens[actor]

    def client(self, *args: str, actor: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`regie ARGS` as a client of the server, with ``actor``'s token."""
        full = {
            **cli_environment(self.home),
            "REGIE_SERVER": self.server.url,
            "REGIE_TOKEN": self.token(actor),
            "NO_PROXY": "*",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            env=full,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )

    def denials(self, actor: str, command: str) -> list[str]:
        with self.server.ledger() as ledger:
            ledger.projections.catch_up()
            a = t.access_log
            with ledger.store.read() as conn:
                rows = conn.execute(
                    select(a.c.reason).where(
                        a.c.actor == actor, a.c.command == command, a.c.outcome == DENIED
                    )
                ).all()
        return [row.reason for row in rows]


def _as_role(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=PASSWORD).render_as_string(hide_password=False)


def _seed(owner_url: str, key_dir: Path) -> tuple[dict[str, str], str, str]:
    """On the server machine, as the database owner: the ledger, its actors, alice's case
    with wim taking part and a youth as member, and everyone's token."""
    with open_ledger(owner_url, key_dir=key_dir, require_initialised=False) as ledger:
        ledger.initialise()
        alice = b.seed_actors(ledger)
        admin = ledger.app.acting(b.ADMIN)
        ledger.actors.register_actor(
            c.build(c.RegisterActor, handle=WIM, display_name="Test Wijkagent",
                    organisation="politie", roles=["partner-contact"]),
            admin,
        )  # fmt: skip
        ref = b.open_case(ledger, alice)
        b.walk_to_step(ledger, alice, ref, 3)
        ledger.cases.add_participant(
            c.build(c.Participation, case=ref, actor=WIM, reason="Wijkagent van de groep"),
            alice,
        )
        youth = ledger.persons.register(
            c.build(c.RegisterSubject, kind="jongere", name=YOUTH_NAME,
                    date_of_birth=dt.date(2011, 2, 3)),
            alice,
        ).short  # fmt: skip
        ledger.group.add_member(
            c.build(c.Membership, case=ref, subject=youth, core="kern", influence="negatief"),
            alice,
        )
        tokens = {
            who: ledger.tokens.issue(c.build(tc.IssueToken, actor=who), admin).secret
            for who in (b.ADMIN, ALICE, WIM, b.PRIVACY)
        }
    return tokens, ref, youth


@pytest.fixture
def deployed(postgres_server_url: str, tmp_path: Path) -> Iterator[Deployment]:
    suffix = uuid4().hex[:8]
    service, wim = f"regie_service_{suffix}", f"wim_{suffix}"
    admin = pg_server.admin_conninfo(postgres_server_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        for role in (service, wim):
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(PASSWORD)
                )
            )
    try:
        with fresh_database_url("postgres") as owner_url:
            key_dir = tmp_path / "keys"
            tokens, ref, youth = _seed(owner_url, key_dir)
            schema = str(make_url(owner_url).query["options"]).split("=", 1)[1]
            script = GRANTS.read_text(encoding="utf-8").replace("regie_service", service)
            with psycopg.connect(pg_server.admin_conninfo(owner_url), autocommit=True) as conn:
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
                conn.execute(script.encode())
            service_url = _as_role(owner_url, service)
            env = {k: v for k, v in os.environ.items() if not k.startswith("REGIE_")}
            env.update(
                REGIE_DATABASE_URL=service_url,  # the server connects as the service role
                REGIE_KEY_DIR=str(key_dir),
                REGIE_CONFIG=str(tmp_path / "absent.toml"),
                REGIE_DATA_DIR=str(tmp_path / "server-data"),
                NO_PROXY="*",
            )
            home = tmp_path / "client"
            home.mkdir()
            server = Server(f"http://127.0.0.1:{free_port()}", env, owner_url, key_dir, tokens)
            with running(server):
                yield Deployment(
                    server, schema, service_url, wim, _as_role(owner_url, wim), ref, youth, home
                )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for role in (service, wim):
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _refused_to(url: str, statement: sql.Composable) -> bool:
    """Whether the database refuses ``statement`` to this login for lack of privilege."""
    try:
        with psycopg.connect(pg_server.admin_conninfo(url), autocommit=True) as conn:
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def _table(deployed: Deployment, name: str) -> sql.Composable:
    """A table named with its schema, so that a refusal is for privilege, not visibility."""
    return sql.Identifier(deployed.schema, name)


def _acts_as(deployed: Deployment, token: str, role: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}", **({"X-Regie-Role": role} if role else {})}
    with deployed.server.client() as client:
        answer = client.get("/commands", headers=headers)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["actor"])


# -- route 1: the read model rm_actors rewritten ------------------------------------------


def test_route_1_rewriting_rm_actors_moves_no_identity_and_wims_read_is_a_logged_denial(
    deployed: Deployment,
) -> None:
    # wim's own database login may not touch the read model at all.
    actors = _table(deployed, "rm_actors")
    give_login = sql.SQL("UPDATE {} SET db_user = {} WHERE handle = {}").format(
        actors, sql.Literal(deployed.wim_login), sql.Literal(ALICE)
    )
    assert _refused_to(deployed.wim_url, give_login)
    # The service role owns the read models (it rebuilds them), so it can: alice's row
    # gets wim's login, and wim's row the roles of a privacy officer and a regisseur.
    promote = sql.SQL("UPDATE {} SET roles = 'privacy-officer,regisseur' WHERE handle = {}")
    with psycopg.connect(pg_server.admin_conninfo(deployed.service_url), autocommit=True) as conn:
        moved = conn.execute(give_login)
        promoted = conn.execute(promote.format(actors, sql.Literal(WIM)))
        assert (moved.rowcount, promoted.rowcount) == (1, 1)
    # `audit verify` covers history, not read models: it still passes.
    verified = deployed.server.call("audit.verify", deployed.token(b.PRIVACY))
    assert verified.status_code == 200, verified.text

    # wim's token still acts as wim, in the roles the history gave him.
    assert _acts_as(deployed, deployed.token(WIM)) == WIM
    with deployed.server.client() as client:
        posing = client.get(
            "/commands",
            headers={"Authorization": f"Bearer {deployed.token(WIM)}", "X-Regie-Role": "regisseur"},
        )
    assert posing.status_code == 401 and "does not hold role" in posing.json()["error"]
    # Reading alice's youth is refused, and the refusal is in the access log.
    refused = deployed.server.call("subject.show", deployed.token(WIM), {"ref": deployed.youth})
    assert refused.status_code == 403, refused.text
    assert "may not run `subject show`" in refused.json()["error"]
    assert YOUTH_NAME not in refused.text
    [reason] = deployed.denials(WIM, "subject.show")
    assert "partner-contact" in reason


# -- route 2: a permissive policy directory of one's own ----------------------------------


def _permissive(directory: Path) -> Path:
    """permissions.toml letting every role run everything on every case, seeing all."""
    directory.mkdir()
    roles = [r.key for r in load_policies().permissions.role]
    text = "".join(
        f'[[role]]\nkey = "{key}"\ncommands = ["*"]\ncases = "all"\npersonal_data = "all"\n\n'
        for key in roles
    )
    (directory / "permissions.toml").write_text(text, encoding="utf-8")
    return directory


def test_route_2_a_clients_own_policy_dir_changes_nothing_and_the_refusals_are_logged(
    deployed: Deployment, tmp_path: Path
) -> None:
    own = _permissive(tmp_path / "eigen-beleid")
    loaded = load_policies(own).permissions.for_role("partner-contact")
    assert loaded is not None and loaded.allows("subject.show")  # it would permit it, read

    shown = deployed.client("subject", "show", deployed.youth, actor=WIM, REGIE_POLICY_DIR=str(own))
    assert shown.returncode == 1 and shown.stdout == "", shown.stderr
    assert "may not run `subject show`" in shown.stderr
    assert YOUTH_NAME not in shown.stderr
    erased = deployed.client(
        "subject", "erase", deployed.youth, "--reason", "verzoek", "--basis", "AVG art. 17(1)(a)",
        actor=WIM, REGIE_POLICY_DIR=str(own),
    )  # fmt: skip
    assert erased.returncode == 1 and "may not run `subject erase`" in erased.stderr
    assert len(deployed.denials(WIM, "subject.show")) == 1
    assert len(deployed.denials(WIM, "subject.erase")) == 1

    # Nothing was erased: alice, whose case it is, still reads the name (through the server).
    seen = deployed.client("subject", "show", deployed.youth, "--json", actor=ALICE)
    assert seen.returncode == 0, seen.stderr
    assert YOUTH_NAME in seen.stdout
    # The policy set on record is the server's, never the client's.
    with deployed.server.ledger() as ledger:
        recorded = ledger.app.repository.get(POLICY_SET_ID)
    assert isinstance(recorded, PolicySet)
    assert recorded.active == load_policies(DEFAULTS).policy_hash
    assert recorded.active != load_policies(own).policy_hash


# -- route 3: the key store read directly, with a master key every client had ------------


def test_route_3_an_end_user_login_cannot_read_the_key_store_and_a_client_holds_no_key(
    deployed: Deployment,
) -> None:
    for table in ("regie_data_keys", "regie_shredded_keys", "regie_events"):
        select_all = sql.SQL("SELECT * FROM {}").format(_table(deployed, table))
        assert _refused_to(deployed.wim_url, select_all)
    # wim works through the server: his home ends up with no key and no copy of one.
    listed = deployed.client("case", "list", "--json", actor=WIM)
    assert listed.returncode == 0, listed.stderr
    secrets = {p.read_bytes() for p in deployed.server.key_dir.rglob("*") if p.is_file()}
    assert secrets, "the server's key directory holds its keys"
    held = [p for p in deployed.home.rglob("*") if p.is_file()]
    assert not [p for p in held if p.suffix in (".key", ".keys", ".sqlite")]
    assert not [p for p in held if any(s in p.read_bytes() for s in secrets if len(s) >= 16)]


# -- route 4: a signal stamped "by alice" without the server's signing key ---------------


def _signal(ref: str) -> dict[str, str]:
    return {"case": ref, "kind": "overlast", "location": "Testplein", "source_org": "politie",
            "source_role": "wijkagent", "text": "Groep van ca. 10 jongeren"}  # fmt: skip


def _forge_signal(owner_url: str, by: dict[str, str]) -> int:
    """What a writer through the Python library stores, with the database's superuser
    rights but not the server's signing key: the event, its leaf, and a checkpoint over
    the new tree signed by a key of the forger's own. Returns the forged position."""
    engine = create_engine(owner_url)
    try:
        with engine.begin() as conn:
            last = conn.execute(
                select(events)
                .where(events.c.topic == get_topic(Case.SignalRecorded))
                .order_by(events.c.notification_id.desc())
                .limit(1)
            ).one()
            state = json.loads(bytes(last.state))
            state.update(by=by, number=state["number"] + 1)
            version = conn.execute(
                select(func.max(events.c.originator_version)).where(
                    events.c.originator_id == last.originator_id
                )
            ).scalar_one()
            position = int(conn.execute(select(func.max(events.c.notification_id))).scalar_one())
            forged = SimpleNamespace(
                topic=last.topic,
                originator_id=UUID(last.originator_id),
                originator_version=int(version) + 1,
                state=json.dumps(state).encode(),
            )
            conn.execute(
                events.insert().values(
                    notification_id=position + 1,
                    originator_id=last.originator_id,
                    originator_version=forged.originator_version,
                    topic=forged.topic,
                    state=forged.state,
                )
            )
            ledger_id = conn.execute(
                select(meta.c.value).where(meta.c.key == "ledger_id")
            ).scalar_one()
            own_key = Ed25519PrivateKey.generate()
            forger = TamperEvidentLog(lambda: own_key, lambda: f"regie/{ledger_id}")
            # The forger's own tool, not the ledger's: it extends whatever it finds.
            forger.key_chain = lambda _conn: SimpleNamespace(check=lambda _head: None)  # type: ignore[assignment,return-value]
            forger(conn, [position + 1], [forged])
            forger.seal(conn)
    finally:
        engine.dispose()
    return position + 1


def test_route_4_a_signal_by_alice_cannot_be_sent_or_appended_and_a_forged_one_fails_verify(
    deployed: Deployment,
) -> None:
    alice = {"actor": ALICE, "role": "regisseur", "org": "gemeente"}
    # wim's own database login cannot append to history at all.
    insert = sql.SQL(
        "INSERT INTO {} (notification_id, originator_id, originator_version, topic, state) "
        "VALUES (999999, {}, 1, 'x', '\\x00')"
    ).format(_table(deployed, "regie_events"), sql.Literal(str(uuid4())))
    assert _refused_to(deployed.wim_url, insert)
    # Through the server the token says who acts: a body naming alice is bad input.
    wim, signal = deployed.token(WIM), _signal(deployed.case)
    posed = deployed.server.call("signal.add", wim, {**signal, "by": alice})
    assert posed.status_code == 400 and posed.json()["exit_code"] == 2, posed.text
    assert posed.json()["error"].startswith("by: ")
    assert deployed.server.call("signal.add", wim, signal).status_code == 200
    with deployed.server.ledger() as ledger:
        signals = ledger.cases.signals(ledger.app.acting(ALICE, "regisseur"), deployed.case)
    assert [s["number"] for s in signals] == [1, 2]

    # A superuser appends one anyway, with leaf and checkpoint but not the server's key.
    position = _forge_signal(deployed.server.database_url, alice)
    verified = deployed.server.call("audit.verify", deployed.token(b.PRIVACY))
    assert verified.status_code == 403, verified.text
    assert "verification failed" in verified.json()["error"]
    # Nor does the server build on the forged checkpoint: its next write is refused.
    refused = deployed.server.call("signal.add", wim, _signal(deployed.case))
    assert refused.status_code == 403 and "cannot be extended" in refused.json()["error"]
    with deployed.server.ledger() as ledger, pytest.raises(VerificationFailed) as failure:
        ledger.audit_log.verify()
    assert f"checkpoint {position} is signed by key" in failure.value.problem
