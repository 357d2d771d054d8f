"""`regie serve` as a real process on 127.0.0.1: bearer tokens, commands through the gate,
JSON errors, denials in the access log, and TLS with a self-signed certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from ledger.domain.access import DENIED
from ledger.projections import tables as t
from tests import builders as b
from tests.paths import ROOT
from tests.serving import PARTNER, Server, environment, free_port, running, seed


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    key_dir = tmp_path / "keys"
    tokens = seed(database_url, key_dir)
    env = environment(database_url, key_dir, tmp_path)
    url = f"http://127.0.0.1:{free_port()}"
    with running(Server(url, env, database_url, key_dir, tokens)) as started:
        yield started


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


def _last_position(server: Server) -> int:
    with server.ledger() as ledger:
        return ledger.app.recorder.max_notification_id() or 0


def test_ping_answers_without_a_token_and_records_nothing(server: Server) -> None:
    before = _last_position(server)
    with server.client() as client:
        answers = [client.get("/ping") for _ in range(3)]
    assert [(r.status_code, r.json()) for r in answers] == [(200, {"pong": True})] * 3
    assert _last_position(server) == before


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
    tokens = seed(database_url, key_dir)
    cert, key = _self_signed(tmp_path)
    trust = ssl.create_default_context(cafile=str(cert))
    server = Server(
        f"https://127.0.0.1:{free_port()}",
        environment(database_url, key_dir, tmp_path),
        database_url,
        key_dir,
        tokens,
        verify=trust,
    )
    with running(server, "--tls-cert", str(cert), "--tls-key", str(key)):
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
