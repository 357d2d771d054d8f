"""`regie serve` as a real process on 127.0.0.1: bearer tokens, commands through the gate,
JSON errors, denials in the access log, and TLS with a self-signed certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.domain.access import DENIED
from ledger.projections import tables as t
from ledger.tokens import commands as tc
from tests import builders as b
from tests.paths import ROOT

STARTUP_SECONDS = 30.0
PARTNER = "partner-test"


@dataclass
class Server:
    url: str
    env: dict[str, str]
    database_url: str
    key_dir: Path
    tokens: dict[str, str]
    verify: ssl.SSLContext | bool = False

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10.0, verify=self.verify)

    def call(self, command: str, token: str | None, body: object = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with self.client() as client:
            return client.post(f"/commands/{command}", json=body or {}, headers=headers)

    def ledger(self) -> Ledger:
        return open_ledger(self.database_url, key_dir=self.key_dir)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(database_url: str, key_dir: Path) -> dict[str, str]:
    """Actors and their tokens, one of them already expired by the server's clock."""
    today = dt.date.today()
    with open_ledger(database_url, key_dir=key_dir, require_initialised=False) as ledger:
        ledger.initialise()
        b.seed_actors(ledger)
        admin = ledger.app.acting(b.ADMIN)
        ledger.actors.register_actor(
            c.build(c.RegisterActor, handle=PARTNER, display_name="Test Partner",
                    organisation="politie", roles=["partner-contact"]),
            admin,
        )  # fmt: skip
        tokens = {
            who: ledger.tokens.issue(c.build(tc.IssueToken, actor=who), admin).secret
            for who in (b.ADMIN, b.REGISSEUR, PARTNER, b.PRIVACY)
        }
        revoked = ledger.tokens.issue(c.build(tc.IssueToken, actor=b.REGISSEUR), admin)
        ledger.tokens.revoke(c.build(tc.RevokeToken, token_id=revoked.token_id), admin)
        tokens["revoked"] = revoked.secret
    past = today - dt.timedelta(days=30)
    with open_ledger(database_url, key_dir=key_dir, clock=lambda: past) as ledger:
        # Two days back: the server is another process whose date may lag this one's by a
        # day around midnight (the shifted-date run starts every process at the same time).
        expired = c.build(tc.IssueToken, actor=b.REGISSEUR, expires_on=today - dt.timedelta(2))
        tokens["expired"] = ledger.tokens.issue(expired, ledger.app.acting(b.ADMIN)).secret
    return tokens


@contextmanager
def _running(server: Server, *extra: str) -> Iterator[Server]:
    port = int(server.url.rsplit(":", 1)[1])
    args = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), *extra]
    process = subprocess.Popen(
        args, cwd=ROOT, env=server.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"regie serve exited with {process.returncode}:\n{output}")
            try:
                with server.client() as client:
                    if client.get("/health").status_code == 200:
                        break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"regie serve did not answer /health within {STARTUP_SECONDS}s")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()


def _environment(database_url: str, key_dir: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIE_")}
    env.update(
        REGIE_DATABASE_URL=database_url,
        REGIE_KEY_DIR=str(key_dir),
        REGIE_CONFIG=str(tmp_path / "absent.toml"),
        REGIE_DATA_DIR=str(tmp_path / "data"),
        NO_PROXY="*",
    )
    return env


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    key_dir = tmp_path / "keys"
    tokens = _seed(database_url, key_dir)
    env = _environment(database_url, key_dir, tmp_path)
    url = f"http://127.0.0.1:{_free_port()}"
    with _running(Server(url, env, database_url, key_dir, tokens)) as running:
        yield running


def _one_line(response: httpx.Response, status: int, exit_code: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["exit_code"] == exit_code
    assert "\n" not in body["error"]
    return str(body["error"])


def _denials(server: Server, actor: str, command: str) -> list[str]:
    with server.ledger() as ledger:
        ledger.projections.catch_up()
        a = t.access_log
        with ledger.store.read() as conn:
            rows = conn.execute(
                select(a.c.reason).where(
                    a.c.actor == actor, a.c.command == command, a.c.outcome == DENIED
                )
            ).all()
    return [row.reason for row in rows]


def _case_count(server: Server) -> int:
    with server.ledger() as ledger:
        return len(ledger.queries.cases())


OPEN = {"working_name": "Groep Testplein", "municipality": "Teststad", "area": "Noord"}


def test_requests_without_a_valid_token_are_refused_and_logged(server: Server) -> None:
    with server.client() as client:
        assert client.get("/health").json()["status"] == "ok"
        missing = client.post("/commands/case.open", json=OPEN)
    assert "no API token" in _one_line(missing, 401, 1)
    assert missing.headers["www-authenticate"] == "Bearer"
    forged = server.tokens[b.REGISSEUR].split(".")[0] + "." + "A" * 43
    for token, message in [
        ("not-a-token", "unknown API token"),
        (forged, "unknown API token"),
        (server.tokens["revoked"], "was revoked"),
        (server.tokens["expired"], "expired on"),
    ]:
        assert message in _one_line(server.call("case.open", token, OPEN), 401, 1)
    assert _case_count(server) == 0
    anonymous = _denials(server, "(unauthenticated)", "case.open")
    assert len(anonymous) == 3
    assert not any("A" * 43 in reason for reason in anonymous)
    assert len(_denials(server, b.REGISSEUR, "case.open")) == 2  # its revoked, expired tokens


def test_a_command_through_the_api_is_in_the_ledger(server: Server) -> None:
    token = server.tokens[b.REGISSEUR]
    opened = server.call("case.open", token, OPEN)
    assert opened.status_code == 200, opened.text
    ref = opened.json()["result"]["ref"]
    signal = {"case": ref, "kind": "overlast", "location": "Testplein", "source_org": "politie",
              "source_role": "wijkagent", "text": "Groep van ca. 10 jongeren"}  # fmt: skip
    assert server.call("signal.add", token, signal).json()["result"] == 1
    shown = server.call("case.show", token, {"ref": ref})
    assert shown.status_code == 200, shown.text
    assert shown.json()["result"]["opened_by"] == b.REGISSEUR
    listed = server.call("case.list", token).json()["result"]
    assert [row["ref"] for row in listed] == [ref]
    with server.ledger() as ledger:
        assert ledger.app.case(ref).working_name == "Groep Testplein"
        assert ledger.cases.signals(ledger.app.acting(b.REGISSEUR), ref)[0]["kind"] == "overlast"
    # Bad input (exit 2) and a missing case (404) are one line each; nothing is written.
    assert "municipality" in _one_line(
        server.call("case.open", token, {"working_name": "X", "area": "Noord"}), 400, 2
    )
    assert "case reference" in _one_line(server.call("case.show", token, {"ref": "x"}), 400, 2)
    assert "JG-2026-999" in _one_line(
        server.call("case.show", token, {"ref": "JG-2026-999"}), 404, 2
    )
    assert _case_count(server) == 1


def test_a_permission_refusal_through_the_api_is_logged_as_a_denial(server: Server) -> None:
    refused = server.call("case.open", server.tokens[PARTNER], OPEN)
    assert "may not run `case open`" in _one_line(refused, 403, 1)
    assert len(_denials(server, PARTNER, "case.open")) == 1
    assert _case_count(server) == 0
    # The role header chooses among the actor's own roles only.
    headers = {"Authorization": f"Bearer {server.tokens[PARTNER]}", "X-Regie-Role": "regisseur"}
    with server.client() as client:
        posing = client.post("/commands/case.open", json=OPEN, headers=headers)
    assert "does not hold role" in _one_line(posing, 401, 1)


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "regie-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_tls_with_a_self_signed_certificate(database_url: str, tmp_path: Path) -> None:
    key_dir = tmp_path / "keys"
    tokens = _seed(database_url, key_dir)
    cert, key = _self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))
    server = Server(
        f"https://127.0.0.1:{_free_port()}",
        _environment(database_url, key_dir, tmp_path),
        database_url,
        key_dir,
        tokens,
        verify=trust,
    )
    with _running(server, "--tls-cert", str(cert), "--tls-key", str(key)):
        listed = server.call("case.list", tokens[b.REGISSEUR])
        assert listed.status_code == 200, listed.text
        with httpx.Client(timeout=5.0) as untrusting, pytest.raises(httpx.ConnectError):
            untrusting.get(f"{server.url}/health")
        with httpx.Client(timeout=5.0) as plain, pytest.raises(httpx.TransportError):
            plain.get(server.url.replace("https://", "http://") + "/health")


def test_the_api_reference_in_docs_is_current() -> None:
    from ledger.server.reference import render

    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == render(), "regenerate with: python -m ledger.server.reference > docs/api.md"
