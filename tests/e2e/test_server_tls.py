"""`regie serve` with client certificates (mTLS) and its graceful shutdown, as a real
process on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests import builders as b
from tests.paths import ROOT
from tests.serving import Server, environment, free_port, running, seed

OPEN = {"working_name": "Groep Testplein", "municipality": "Teststad", "area": "Noord"}


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None = None,
    *,
    server: bool = False,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, signing_key = issuer or (name, key)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256())


def _pki(directory: Path) -> dict[str, Path]:
    """A test certificate authority, the server's certificate and one client's, as files."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("regie-test-ca", ca_key)
    issuer = (ca.subject, ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    client_key = ec.generate_private_key(ec.SECP256R1())
    stranger_key = ec.generate_private_key(ec.SECP256R1())
    files = {
        "ca": ca.public_bytes(serialization.Encoding.PEM),
        "server": _certificate("127.0.0.1", server_key, issuer, server=True).public_bytes(
            serialization.Encoding.PEM
        ),
        "server-key": _pem_key(server_key),
        "client": _certificate("client-test", client_key, issuer).public_bytes(
            serialization.Encoding.PEM
        )
        + _pem_key(client_key),
        # Signed by nobody the server trusts.
        "stranger": _certificate("stranger-test", stranger_key).public_bytes(
            serialization.Encoding.PEM
        )
        + _pem_key(stranger_key),
    }
    paths = {}
    for name, data in files.items():
        path = directory / f"{name}.pem"
        path.write_bytes(data)
        paths[name] = path
    return paths


def _client_cli(
    server: Server, home: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REGIE_")}
    clean.update(
        HOME=str(home),
        REGIE_CONFIG=str(home / "absent.toml"),
        REGIE_SERVER=server.url,
        REGIE_TOKEN=server.tokens[b.REGISSEUR],
        NO_PROXY="*",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_with_a_client_ca_only_clients_with_a_signed_certificate_get_through(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    key_dir = tmp_path / "keys"
    tokens = seed(database_url, key_dir)
    pki = _pki(tmp_path)
    trusted = ssl.create_default_context(cafile=str(pki["ca"]))
    trusted.load_cert_chain(str(pki["client"]))
    server = Server(
        f"https://127.0.0.1:{free_port()}",
        environment(database_url, key_dir, tmp_path),
        database_url,
        key_dir,
        tokens,
        verify=trusted,
    )
    tls = ("--tls-cert", str(pki["server"]), "--tls-key", str(pki["server-key"]))
    with running(server, *tls, "--tls-client-ca", str(pki["ca"])):
        assert server.call("case.list", tokens[b.REGISSEUR]).status_code == 200
        no_certificate = ssl.create_default_context(cafile=str(pki["ca"]))
        stranger = ssl.create_default_context(cafile=str(pki["ca"]))
        stranger.load_cert_chain(str(pki["stranger"]))
        for context in (no_certificate, stranger):
            with (
                httpx.Client(timeout=5.0, verify=context) as client,
                pytest.raises(httpx.TransportError),
            ):
                client.get(f"{server.url}/health")
        home = tmp_path / "client-home"
        home.mkdir()
        ok = _client_cli(
            server, home, "case", "list",
            REGIE_TLS_CA=str(pki["ca"]), REGIE_TLS_CLIENT_CERT=str(pki["client"]),
        )  # fmt: skip
        assert ok.returncode == 0, ok.stderr
        refused = _client_cli(server, home, "case", "list", REGIE_TLS_CA=str(pki["ca"]))
        assert refused.returncode == 1
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "cannot reach the server" in refused.stderr
        unusable = _client_cli(
            server, home, "case", "list", REGIE_TLS_CLIENT_CERT=str(tmp_path / "none.pem")
        )
        assert unusable.returncode == 2
        assert "REGIE_TLS_CLIENT_CERT" in unusable.stderr


def test_a_client_ca_needs_tls(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    seed(database_url, tmp_path / "keys")
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(free_port()),
         "--tls-client-ca", str(tmp_path / "ca.pem")],
        cwd=ROOT, env=environment(database_url, tmp_path / "keys", tmp_path),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--tls-cert" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_sigterm_under_load_finishes_what_was_answered_and_leaves_nothing_half_written(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    key_dir = tmp_path / "keys"
    tokens = seed(database_url, key_dir)
    server = Server(
        f"http://127.0.0.1:{free_port()}",
        environment(database_url, key_dir, tmp_path),
        database_url,
        key_dir,
        tokens,
    )
    server.start()
    token = tokens[b.REGISSEUR]
    opened = server.call("case.open", token, OPEN)
    assert opened.status_code == 200, opened.text
    ref = opened.json()["result"]["ref"]
    acknowledged: list[str] = []
    stop = threading.Event()

    def client(n: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url, timeout=10.0) as http:
            i = 0
            while not stop.is_set():
                marker = f"bron-{n}-{i}"
                i += 1
                body = {"case": ref, "kind": "overlast", "location": "Testplein",
                        "source_org": "politie", "source_role": marker,
                        "text": "Groep"}  # fmt: skip
                try:
                    answer = http.post("/commands/signal.add", json=body, headers=headers)
                except httpx.TransportError:
                    return  # the server went away: this one was not answered
                if answer.status_code == 200:
                    acknowledged.append(marker)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 100 and time.monotonic() < deadline:
        time.sleep(0.02)
    process = server.process
    assert process is not None
    process.terminate()  # what systemd sends
    code = process.wait(timeout=30)
    stop.set()
    for thread in threads:
        thread.join()
    server.stop()
    # uvicorn ends by re-raising the signal it handled; systemd counts that as clean.
    assert code in (0, -15), server.log_tail()
    assert "Application shutdown complete" in server.log_tail(5)
    assert len(acknowledged) >= 100
    with server.ledger() as ledger:
        by = ledger.app.acting(b.REGISSEUR, "regisseur")
        stored = [str(s["source_role"]) for s in ledger.cases.signals(by, ref)]
        assert set(acknowledged) <= set(stored)
        assert len(stored) == len(set(stored))  # nothing applied twice
        assert [s["number"] for s in ledger.cases.signals(by, ref)] == list(
            range(1, len(stored) + 1)
        )
        ledger.audit_log.verify()
