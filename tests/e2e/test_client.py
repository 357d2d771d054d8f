"""The CLI as a client of a real `regie serve` on 127.0.0.1: a client whose home holds no
key and no database runs the README tour through the server, with the embedded CLI's
output, exit codes and one-line errors, and without importing SQLAlchemy."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import cli_environment
from tests.e2e.test_server import Server, _free_port, _running
from tests.paths import ROOT

TIMEOUT = 120
TOUR = ROOT / "docs" / "tour.sh"
FIRST_LINE = (
    "regie init && regie actor add beheer --name 'Beheerder' --org gemeente --role administrator\n"
)


@dataclass
class Client:
    """A server's ledger directory and a client home beside it (no key, no database)."""

    server_env: dict[str, str]
    env: dict[str, str]
    home: Path
    tokens: Path

    def token(self, actor: str) -> str:
        return (self.tokens / actor).read_text(encoding="utf-8").strip()

    def run(
        self, *args: str, actor: str | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """`regie ARGS` on the client, with ``actor``'s token."""
        extra = {"REGIE_TOKEN": self.token(actor)} if actor else {}
        return _regie(args, {**self.env, **extra, **env}, self.home)

    def on_server(self, *args: str, actor: str | None = None) -> subprocess.CompletedProcess[str]:
        """`regie ARGS` embedded, on the server's ledger (as an operator there would)."""
        extra = {"REGIE_ACTOR": actor} if actor else {}
        return _regie(args, {**self.server_env, **extra}, self.home)


def _regie(
    args: tuple[str, ...], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wrapper(bin_dir: Path, tokens: Path) -> None:
    """`regie` on the client's PATH: the tour's ``REGIE_ACTOR=x`` picks x's own token (the
    administrator issues it through the server the first time), as a person would."""
    bin_dir.mkdir()
    script = bin_dir / "regie"
    script.write_text(
        f"""#!/usr/bin/env bash
set -euo pipefail
real=({sys.executable} -m cli.main)
actor="${{REGIE_ACTOR:-beheer}}"
if [ ! -f "{tokens}/$actor" ]; then
  REGIE_ACTOR=beheer REGIE_TOKEN="$(cat "{tokens}/beheer")" "${{real[@]}}" token issue "$actor" \\
    --json | {sys.executable} -c 'import json, sys; print(json.load(sys.stdin)["token"])' \\
    > "{tokens}/$actor"
fi
REGIE_TOKEN="$(cat "{tokens}/$actor")" exec "${{real[@]}}" "$@"
""",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    """The embedded-only steps on the server's side (init, the first actor, its token),
    then `regie serve`; the client knows only the URL and the tokens."""
    server_home = tmp_path / "server"
    server_home.mkdir()
    server_env = {**cli_environment(server_home), "NO_PROXY": "*", "PYTHONPATH": str(ROOT)}
    home = tmp_path / "client"
    home.mkdir()
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    url = f"http://127.0.0.1:{_free_port()}"
    env = {**cli_environment(home), "REGIE_SERVER": url, "NO_PROXY": "*", "PYTHONPATH": str(ROOT)}
    _wrapper(tmp_path / "bin", tokens)
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env['PATH']}"
    made = Client(server_env, env, home, tokens)
    _ok(made.on_server("init"))
    _ok(made.on_server("actor", "add", "beheer", "--name", "Beheerder", "--org", "gemeente",
                       "--role", "administrator"))  # fmt: skip
    issued = json.loads(_ok(made.on_server("token", "issue", "beheer", "--json", actor="beheer")))
    (tokens / "beheer").write_text(issued["token"], encoding="utf-8")
    database = f"sqlite:///{server_home / '.local' / 'share' / 'regie' / 'regie.sqlite'}"
    process = Server(url, {**server_env}, database, server_home / "keys", {})
    with _running(process):
        yield made


def test_a_client_with_no_key_runs_the_readme_tour_through_the_server(client: Client) -> None:
    tour = TOUR.read_text(encoding="utf-8")
    assert FIRST_LINE in tour, "the tour's first line changed: update FIRST_LINE"
    script = client.home / "tour.sh"
    script.write_text(tour.replace(FIRST_LINE, "export REGIE_ACTOR=beheer\n"), encoding="utf-8")
    done = subprocess.run(
        ["bash", str(script)],
        cwd=client.home,
        env=client.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 4,
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert not list(client.home.rglob("*.key")) and not list(client.home.rglob("*.sqlite"))
    assert "gemeente signed version 1 of convenant jga." in done.stdout
    assert "Wie zag P-" in done.stdout and "Informatieplicht" in done.stdout
