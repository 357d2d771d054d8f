"""A throwaway PostgreSQL server for one test session: real server, no mocks.

``server_url()`` starts the server the first time it is called (``initdb`` into a fresh
temporary directory, ``postgres`` on a free port on 127.0.0.1) and returns a SQLAlchemy
URL for it; ``stop()`` shuts it down and removes the directory. If REGIE_TEST_PG_URL is
set, that server is used instead and nothing is started.

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` system
user (created as ``regie-pg`` when there is none). Missing binaries are installed with
apt-get when that is possible (root, Debian/Ubuntu); otherwise we fail with a message
saying what to install. PostgreSQL tests are never skipped silently.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests import system_packages

URL_ENV = "REGIE_TEST_PG_URL"
SUPERUSER = "postgres"
START_TIMEOUT = 30.0
SYSTEM_USER = "postgres"  # Debian's package creates it; as root the server runs as it
FALLBACK_USER = "regie-pg"  # created when there is no SYSTEM_USER
_REQUIRED = ("initdb", "postgres")


class PostgresUnavailable(RuntimeError):
    """The test PostgreSQL server cannot be provided; the message says how to fix it."""


# -- binaries ------------------------------------------------------------------------


def _version_key(bindir: str) -> tuple[int, ...]:
    version = Path(bindir).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def find_bindir() -> Path | None:
    """Directory holding initdb and postgres: PATH first, then Debian's layout (newest)."""
    found = [shutil.which(name) for name in _REQUIRED]
    if all(found):
        first = found[0]
        assert first is not None
        return Path(first).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    candidates += ["/usr/local/pgsql/bin"]
    for bindir in candidates:
        if all(os.access(os.path.join(bindir, name), os.X_OK) for name in _REQUIRED):
            return Path(bindir)
    return None


def _is_root() -> bool:
    return os.geteuid() == 0


def ensure_binaries(*, quiet: bool = False) -> Path:
    """Return the binary directory, installing PostgreSQL with apt-get when possible."""
    bindir = find_bindir()
    if bindir is not None:
        return bindir
    try:
        system_packages.apt_install("postgresql", why="for the tests", quiet=quiet)
    except system_packages.Missing as exc:
        raise PostgresUnavailable(
            f"{exc} (PostgreSQL server binaries, initdb and postgres, were not found on PATH "
            f"or under /usr/lib/postgresql/*/bin), or set {URL_ENV} to an existing server"
        ) from None
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "apt-get installed 'postgresql' but initdb/postgres are still not found "
            "under /usr/lib/postgresql/*/bin"
        )
    return bindir


# -- running as an unprivileged user -------------------------------------------------


def _server_user() -> str | None:
    """The user to run the server as: None for the current (non-root) user."""
    if not _is_root():
        return None
    for name in (SYSTEM_USER, FALLBACK_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", FALLBACK_USER],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    return FALLBACK_USER


def _as_user(user: str | None, command: list[str]) -> list[str]:
    if user is None:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *command]
    return ["su", "-s", "/bin/sh", user, "-c", shlex.join(command)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- the server ----------------------------------------------------------------------


@dataclass
class PgServer:
    """One initdb'd cluster under a temporary directory and its postmaster process."""

    bindir: Path
    user: str | None
    root: Path = field(init=False)
    port: int = 0
    version: str = ""
    initdb_seconds: float = 0.0
    start_seconds: float = 0.0
    _process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="regie-pg-"))
        self.root.chmod(0o700)
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(
            _as_user(self.user, command),
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip().splitlines()[-15:]
            raise PostgresUnavailable(
                f"`{shlex.join(command)}` failed (exit {done.returncode}):\n" + "\n".join(output)
            )

    def start(self) -> None:
        began = time.monotonic()
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D", str(self.data),
                "-A", "trust",
                "-U", SUPERUSER,
                "-E", "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )  # fmt: skip
        self.initdb_seconds = time.monotonic() - began
        # The superuser gets in without a password (the fixtures' admin connections);
        # every other role must authenticate, so identity tests mean something.
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            "local all all trust\n"
            f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            f"host all {SUPERUSER} ::1/128 trust\n"
            "host all all ::1/128 scram-sha-256\n",
            encoding="utf-8",
        )
        for attempt in range(3):  # the free port can be taken between probe and bind
            self.port = _free_port()
            began = time.monotonic()
            try:
                self._launch()
                self._wait_until_ready()
            except PostgresUnavailable:
                self._terminate()
                if attempt == 2 or "already in use" not in self.log_tail():
                    raise
                continue
            self.start_seconds = time.monotonic() - began
            return

    def _launch(self) -> None:
        command = [
            str(self.bindir / "postgres"),
            "-D", str(self.data),
            "-h", "127.0.0.1",
            "-p", str(self.port),
            "-k", str(self.root),
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
            "-c", "max_connections=200",
            "-c", "shared_buffers=32MB",
        ]  # fmt: skip
        with self.log.open("wb") as log:  # a retry starts a fresh log
            self._process = subprocess.Popen(
                _as_user(self.user, command),
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the test run must not kill it first
            )

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        error: Exception | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise PostgresUnavailable(
                    f"PostgreSQL exited with code {self._process.returncode} while starting; "
                    f"server log:\n{self.log_tail()}"
                )
            try:
                with psycopg.connect(self.conninfo(), connect_timeout=2) as conn:
                    row = conn.execute("SHOW server_version").fetchone()
                    self.version = str(row[0]) if row else "?"
                    return
            except psycopg.OperationalError as exc:
                error = exc
                time.sleep(0.05)
        raise PostgresUnavailable(
            f"PostgreSQL did not accept connections on 127.0.0.1:{self.port} within "
            f"{START_TIMEOUT:.0f}s (last error: {error}); server log:\n"
            f"{self.log_tail()}"
        )

    def conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        pid = self._postmaster_pid()
        if process.poll() is None and pid is not None:
            # SIGQUIT is `pg_ctl stop -m immediate`: nothing here needs to survive.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            if pid is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait(timeout=10)

    def stop(self) -> None:
        try:
            self._terminate()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# -- the session's server ------------------------------------------------------------

_server: PgServer | None = None
_failure: PostgresUnavailable | None = None
startup_report: str | None = None
"""One line on the server this process started, for the end of the test report."""


def server_url() -> str:
    """SQLAlchemy URL of the session's server, starting it on first use."""
    external = os.environ.get(URL_ENV)
    if external:
        return external
    global _server, _failure, startup_report
    if _failure is not None:  # fail every PostgreSQL test fast, not after 30s each
        raise _failure
    if _server is None:
        try:
            server = PgServer(ensure_binaries(), _server_user())
        except PostgresUnavailable as exc:
            _failure = exc
            raise
        try:
            server.start()
        except PostgresUnavailable as exc:
            _failure = exc
            server.stop()
            raise
        except BaseException:
            server.stop()
            raise
        _server = server
        startup_report = (
            f"test PostgreSQL {server.version} on 127.0.0.1:{server.port} "
            f"(user {server.user or 'current'}): initdb {server.initdb_seconds:.2f}s, "
            f"start {server.start_seconds:.2f}s"
        )
        atexit.register(stop)  # safety net; the session fixture stops it first
    return _server.url


def started_server() -> PgServer | None:
    """The server this process started, if any (None when using REGIE_TEST_PG_URL)."""
    return _server


def stop() -> None:
    global _server
    server, _server = _server, None
    if server is not None:
        server.stop()


def admin_conninfo(url: str) -> str:
    """libpq connection string for a SQLAlchemy ``postgresql[+driver]://`` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def schema_url(url: str, schema: str) -> str:
    """The URL with ``search_path`` set to ``schema`` through libpq ``options``."""
    parsed = make_url(url)
    options = parsed.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    options = f"{options} -csearch_path={schema}".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


if __name__ == "__main__":  # manual check: python -m tests.pg_server
    began = time.monotonic()
    print(server_url())
    print(f"started in {time.monotonic() - began:.2f}s")
    stop()
