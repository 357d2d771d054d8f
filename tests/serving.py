"""`regie serve` as a real process on 127.0.0.1, for the end-to-end tests and the benchmark.

A :class:`Server` knows its URL, its ledger (database URL and key directory) and the
environment it runs in; :meth:`Server.start` launches `python -m cli.main serve` and waits
for ``/health``, :meth:`Server.stop` ends it with SIGTERM, :meth:`Server.kill` with SIGKILL.
Its output goes to a log file (a pipe nobody reads would block it under load), whose tail
is shown when it fails to start.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from ledger import commands as c
from ledger.bootstrap import Ledger, open_ledger
from ledger.tokens import commands as tc
from tests import builders as b
from tests.paths import ROOT

STARTUP_SECONDS = 30.0
PARTNER = "partner-test"


class ServerFailed(RuntimeError):
    """The server process did not come up; the message holds the tail of its output."""


@dataclass
class Server:
    url: str
    env: dict[str, str]
    database_url: str
    key_dir: Path
    tokens: dict[str, str]
    verify: ssl.SSLContext | bool = False
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def client(self, timeout: float = 10.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout, verify=self.verify)

    def call(self, command: str, token: str | None, body: object = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with self.client() as client:
            return client.post(f"/commands/{command}", json=body or {}, headers=headers)

    def ledger(self) -> Ledger:
        return open_ledger(self.database_url, key_dir=self.key_dir)

    # -- the process ------------------------------------------------------------------

    def start(self, *extra: str) -> None:
        """Launch `regie serve` and return once ``/health`` answers 200."""
        args = [sys.executable, "-m", "cli.main", "serve", "--port", str(self.port), *extra]
        log = self.log or Path(self.env.get("REGIE_DATA_DIR", ".")) / "serve.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = log.open("ab")
        self.log = log
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                code = self.process.returncode
                self._closed()
                raise ServerFailed(f"regie serve exited with {code}:\n{self.log_tail()}")
            try:
                with self.client() as client:
                    if client.get("/health").status_code == 200:
                        return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise ServerFailed(
                    f"regie serve did not answer /health within {STARTUP_SECONDS}s:\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, as systemd stops it; SIGKILL if it does not end within 15 s."""
        process = self.process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        self._closed()

    def kill(self) -> None:
        """SIGKILL: the process ends at once, whatever it was doing."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
        self._closed()

    def _closed(self) -> None:
        self.process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, lines: int = 30) -> str:
        if self.log is None or not self.log.exists():
            return "(no output)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running(server: Server, *extra: str) -> Iterator[Server]:
    server.start(*extra)
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database_url: str, key_dir: Path, tmp_path: Path) -> dict[str, str]:
    """The server's environment: this ledger, no config file, no inherited REGIE_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIE_")}
    env.update(
        REGIE_DATABASE_URL=database_url,
        REGIE_KEY_DIR=str(key_dir),
        REGIE_CONFIG=str(tmp_path / "absent.toml"),
        REGIE_DATA_DIR=str(tmp_path / "data"),
        NO_PROXY="*",
    )
    return env


def seed(database_url: str, key_dir: Path) -> dict[str, str]:
    """Actors and their tokens, one of them revoked and one already expired by the
    server's clock."""
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
