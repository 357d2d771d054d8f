"""`regie serve` accepting OpenID Connect tokens, as a real process on 127.0.0.1, with an
identity provider made in the test (key pairs, its JWKS served over real HTTP): a valid
token acts as the actor its claim names, through the API and through the CLI as a client;
every bad token is a 401 in one line, and the one thing written is its denial."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.domain.access import DENIED
from ledger.projections import tables as t
from ledger.store.schema import events
from ledger.tokens.service import UNAUTHENTICATED
from tests import builders as b
from tests.conftest import cli_environment
from tests.e2e.test_server import OPEN, _case_count, _one_line
from tests.idp import AUDIENCE, ISSUER, IdentityProvider, ec_key, rsa_key
from tests.paths import ROOT
from tests.serving import PARTNER, Server, environment, free_port, running, seed

ANON = UNAUTHENTICATED.actor
GONE = "vertrokken-test"
"""An actor who was deactivated."""


@dataclass
class Oidc:
    server: Server
    idp: IdentityProvider
    home: Path


def _oidc_environment(env: dict[str, str], jwks: str) -> dict[str, str]:
    return {
        **env,
        "REGIE_OIDC_ISSUER": ISSUER,
        "REGIE_OIDC_AUDIENCE": AUDIENCE,
        "REGIE_OIDC_JWKS": jwks,
    }


def _ledger(tmp_path: Path) -> tuple[str, Path, dict[str, str]]:
    """A SQLite ledger with the test actors (one deactivated) and their API tokens."""
    database_url, key_dir = f"sqlite:///{tmp_path}/ledger.sqlite", tmp_path / "keys"
    tokens = seed(database_url, key_dir)
    with open_ledger(database_url, key_dir=key_dir) as ledger:
        admin = ledger.app.acting(b.ADMIN)
        ledger.actors.register_actor(
            c.build(c.RegisterActor, handle=GONE, display_name="Test Vertrokken",
                    organisation="gemeente", roles=["regisseur"]),
            admin,
        )  # fmt: skip
        ledger.actors.deactivate_actor(
            c.build(c.DeactivateActor, handle=GONE, reason="left the municipality"), admin
        )
    return database_url, key_dir, tokens


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oidc]:
    tmp_path = tmp_path_factory.mktemp("oidc")
    database_url, key_dir, tokens = _ledger(tmp_path)
    idp = IdentityProvider()
    with idp.serving() as jwks:
        env = _oidc_environment(environment(database_url, key_dir, tmp_path), jwks)
        server = Server(f"http://127.0.0.1:{free_port()}", env, database_url, key_dir, tokens)
        with running(server):
            home = tmp_path / "client"
            home.mkdir()
            yield Oidc(server, idp, home)


def _call(server: Server, token: str, command: str = "case.open", **headers: str) -> httpx.Response:
    with server.client() as client:
        return client.post(
            f"/commands/{command}",
            json=OPEN if command == "case.open" else {},
            headers={"Authorization": f"Bearer {token}", **headers},
        )


def _denials(server: Server) -> list[tuple[str, str]]:
    with server.ledger() as ledger:
        ledger.projections.catch_up()
        a = t.access_log
        with ledger.store.read() as conn:
            rows = conn.execute(
                select(a.c.actor, a.c.reason).where(a.c.outcome == DENIED).order_by(a.c.at)
            ).all()
    return [(row.actor, row.reason) for row in rows]


def _events(server: Server) -> int:
    with server.ledger() as ledger, ledger.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def test_a_valid_token_acts_as_the_actor_its_claim_names(oidc: Oidc) -> None:
    server, idp = oidc.server, oidc.idp
    with server.client() as client:
        who = client.get("/commands", headers={"Authorization": f"Bearer {idp.token(b.REGISSEUR)}"})
    assert who.status_code == 200, who.text
    assert (who.json()["actor"], who.json()["role"]) == (b.REGISSEUR, "regisseur")
    opened = _call(server, idp.token(b.REGISSEUR))
    assert opened.status_code == 200, opened.text
    ref = opened.json()["result"]["ref"]
    with server.ledger() as ledger:
        assert ledger.app.case(ref).opened_by == b.REGISSEUR
    listed = _call(server, idp.token(b.REGISSEUR), "case.list")
    assert [row["ref"] for row in listed.json()["result"]] == [ref]
    # The gate still decides what the actor may do; its denial names the actor.
    refused = _call(server, idp.token(PARTNER))
    assert "may not run `case open`" in _one_line(refused, 403, 1)
    assert (PARTNER, refused.json()["error"]) in _denials(server)


BAD: list[tuple[str, Callable[[IdentityProvider], str], str, str]] = [
    ("expired", lambda p: p.token(b.REGISSEUR, lifetime=-600), "has expired", ANON),
    ("audience", lambda p: p.token(b.REGISSEUR, aud="other-app"), "not meant for", ANON),
    ("issuer", lambda p: p.token(b.REGISSEUR, iss="https://idp.evil.test"), "not issued by", ANON),
    ("other key", lambda p: p.token(b.REGISSEUR, key=rsa_key(p.signing.kid)),
     "does not verify", ANON),
    ("unknown key", lambda p: p.token(b.REGISSEUR, key=ec_key("ec-elsewhere")),
     "which the identity provider's key set", ANON),
    ("alg none", lambda p: p.unsigned(b.REGISSEUR), "signed with 'none'", ANON),
    ("hs256", lambda p: p.hmac_with_public_key(b.REGISSEUR), "signed with 'HS256'", ANON),
    ("no claim", lambda p: p.token(None), "carries no 'regie_actor' claim", ANON),
    ("unknown actor", lambda p: p.token("niet-geregistreerd"), "unknown actor", ANON),
    ("deactivated", lambda p: p.token(GONE), "is deactivated", GONE),
    ("role", lambda p: p.token(PARTNER), "does not hold role 'regisseur'", PARTNER),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "message", "recorded_as"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_a_bad_token_is_a_401_in_one_line_and_only_its_denial_is_written(
    oidc: Oidc, make: Callable[[IdentityProvider], str], message: str, recorded_as: str
) -> None:
    server = oidc.server
    token = make(oidc.idp)
    cases, written, denied = _case_count(server), _events(server), Counter(_denials(server))
    role = {"X-Regie-Role": "regisseur"} if recorded_as == PARTNER else {}
    refused = _call(server, token, **role)
    error = _one_line(refused, 401, 1)
    assert message in error
    assert refused.headers["www-authenticate"] == "Bearer"
    assert _case_count(server) == cases
    assert _events(server) == written + 1
    assert list((Counter(_denials(server)) - denied).elements()) == [(recorded_as, error)]
    assert not [part for part in token.split(".")[1:] if part and part[:20] in error]


def _client(oidc: Oidc, token: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **cli_environment(oidc.home),
        "REGIE_SERVER": oidc.server.url,
        "REGIE_TOKEN": token,
        "NO_PROXY": "*",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=environment,
        cwd=oidc.home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_as_a_client_works_with_a_token_of_the_identity_provider(oidc: Oidc) -> None:
    token = oidc.idp.token(b.REGISSEUR)
    listed = _client(oidc, token, "case", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    narrowed = _client(oidc, token, "--as", "uitvoeringscoordinator", "case", "list")
    assert narrowed.returncode == 0, narrowed.stderr
    for args, env, message in [
        (("--as", "administrator", "actor", "list"), {}, "does not hold role 'administrator'"),
        (("case", "list"), {"REGIE_ACTOR": b.ADMIN}, f"REGIE_ACTOR is {b.ADMIN}, but"),
    ]:
        done = _client(oidc, token, *args, **env)
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1
        assert message in done.stderr and token not in done.stderr
    expired = _client(oidc, oidc.idp.token(b.REGISSEUR, lifetime=-600), "case", "list")
    assert (expired.returncode, expired.stdout) == (1, "")
    assert "the OpenID Connect token has expired" in expired.stderr


def test_an_unreachable_identity_provider_is_a_warning_then_a_refusal(tmp_path: Path) -> None:
    database_url, key_dir, tokens = _ledger(tmp_path)
    jwks = f"http://127.0.0.1:{free_port()}/certs"  # nothing listens there
    env = _oidc_environment(environment(database_url, key_dir, tmp_path), jwks)
    server = Server(f"http://127.0.0.1:{free_port()}", env, database_url, key_dir, tokens)
    port = server.url.rsplit(":", 1)[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", port],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for_health(server, process)
            refused = _call(server, IdentityProvider().token(b.REGISSEUR))
            assert f"could not be fetched from {jwks}" in _one_line(refused, 401, 1)
            assert _call(server, tokens[b.REGISSEUR], "case.list").status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=15)
    output = log.read_text(encoding="utf-8")
    assert f"Warning: the identity provider's key set could not be fetched from {jwks}" in output
    assert f"accepting OpenID Connect tokens of {ISSUER}" in output
    assert _denials(server)[-1][0] == ANON


def _wait_for_health(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "regie serve exited"
        try:
            with server.client() as client:
                if client.get("/health").status_code == 200:
                    return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail("regie serve did not answer /health within 30s")


def test_bad_settings_keep_the_server_from_starting(tmp_path: Path) -> None:
    env = {
        **_oidc_environment(cli_environment(tmp_path), "https://idp.gemeente.test/certs"),
        "REGIE_OIDC_ALGORITHMS": "RS256,HS256",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(free_port())],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "Error: REGIE_OIDC_ALGORITHMS: HS256 is never accepted: it is a shared secret, not "
        "the identity provider's public key\n"
    )
