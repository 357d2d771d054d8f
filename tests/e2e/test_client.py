"""The CLI as a client of a real `regie serve` on 127.0.0.1: a client whose home holds no
key and no database runs the README tour through the server, with the embedded CLI's
output, exit codes and one-line errors, and without importing SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ledger import commands as c
from ledger.bootstrap import open_ledger
from ledger.tokens import commands as tc
from tests.conftest import cli_environment
from tests.paths import ROOT
from tests.serving import Server, free_port, running

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
    tour: subprocess.CompletedProcess[str] | None = None

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


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The embedded-only steps on the server's side (init, the first actor, its token, and
    one already expired by the server's clock), then `regie serve`; then the README tour
    through it. The client knows only the URL and the tokens."""
    tmp_path = tmp_path_factory.mktemp("client")
    server_home = tmp_path / "server"
    server_home.mkdir()
    server_env = {**cli_environment(server_home), "NO_PROXY": "*", "PYTHONPATH": str(ROOT)}
    home = tmp_path / "client"
    home.mkdir()
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    url = f"http://127.0.0.1:{free_port()}"
    env = {**cli_environment(home), "REGIE_SERVER": url, "NO_PROXY": "*", "PYTHONPATH": str(ROOT)}
    _wrapper(tmp_path / "bin", tokens)
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env['PATH']}"
    made = Client(server_env, env, home, tokens)
    _ok(made.on_server("init"))
    _ok(made.on_server("actor", "add", "beheer", "--name", "Beheerder", "--org", "gemeente",
                       "--role", "administrator"))  # fmt: skip
    issued = json.loads(_ok(made.on_server("token", "issue", "beheer", "--json", actor="beheer")))
    (tokens / "beheer").write_text(issued["token"], encoding="utf-8")
    database = server_home / ".local" / "share" / "regie" / "regie.sqlite"
    _expired(made, f"sqlite:///{database}", database.with_name(database.name + ".keys"))
    process = Server(url, {**server_env}, f"sqlite:///{database}", tmp_path / "keys", {})
    with running(process):
        made.tour = _tour(made)
        yield made


def _expired(client: Client, database_url: str, key_dir: Path) -> None:
    """A token of the administrator's, issued a month ago and expired two days ago (the
    server is another process, whose date may lag this one's by a day around midnight)."""
    today = dt.date.today()
    past = today - dt.timedelta(days=30)
    with open_ledger(database_url, key_dir=key_dir, clock=lambda: past) as ledger:
        cmd = c.build(tc.IssueToken, actor="beheer", expires_on=today - dt.timedelta(days=2))
        issued = ledger.tokens.issue(cmd, ledger.app.acting("beheer"))
    (client.tokens / "expired").write_text(issued.secret, encoding="utf-8")


def _tour(client: Client) -> subprocess.CompletedProcess[str]:
    tour = TOUR.read_text(encoding="utf-8")
    assert FIRST_LINE in tour, "the tour's first line changed: update FIRST_LINE"
    script = client.home / "tour.sh"
    script.write_text(tour.replace(FIRST_LINE, "export REGIE_ACTOR=beheer\n"), encoding="utf-8")
    return subprocess.run(
        ["bash", str(script)],
        cwd=client.home,
        env=client.env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 4,
        check=False,
    )


def test_a_client_with_no_key_runs_the_readme_tour_through_the_server(client: Client) -> None:
    done = client.tour
    assert done is not None
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert not [p for p in client.home.rglob("*") if p.suffix in (".key", ".sqlite", ".keys")]
    out = done.stdout
    for actor in ("regisseur", "coordinator", "wijkagent", "privacy"):
        assert f"Registered actor {actor} " in out
    assert "gemeente signed version 1 of convenant jga." in out
    assert re.search(r"JG-\d{4}-001 is now at step 2\.", out)
    assert re.search(r"Recorded share [0-9a-f]{8} \(verstrekt\)\.", out)
    assert "Wie zag P-" in out and "Informatieplicht" in out
    assert re.search(r"OK: \d+ events and \d+ signed checkpoints verify\.", out)


def _case_ref(client: Client) -> str:
    """The tour's case, as the server numbered it (by the server's year, not this one's)."""
    assert client.tour is not None
    found = re.search(r"JG-\d{4}-\d{3}", client.tour.stdout)
    assert found is not None, client.tour.stdout
    return found.group(0)


@pytest.mark.parametrize(
    ("actor", "args"),
    [("regisseur", "case list --json"), ("regisseur", "signal list"),
     ("regisseur", "share list --json"), ("beheer", "actor list"),
     ("regisseur", "case show {case}"), ("beheer", "token list --json"),
     ("privacy", "audit findings --json"), ("coordinator", "letters due --json")],
)  # fmt: skip
def test_the_output_is_the_embedded_clis(client: Client, actor: str, args: str) -> None:
    argv = args.format(case=_case_ref(client)).split()
    through = client.run(*argv, actor=actor)
    embedded = client.on_server(*argv, actor=actor)
    assert (through.returncode, through.stdout) == (0, _ok(embedded))


@pytest.mark.parametrize(
    ("token", "message"),
    [("tok_000000000000.not-a-secret", "unknown API token"),
     ("expired", "expired on"), ("revoked", "was revoked"), ("", "no API token")],
)  # fmt: skip
def test_a_bad_token_is_refused_in_one_line_and_nothing_is_written(
    client: Client, token: str, message: str
) -> None:
    if token == "revoked" and not (client.tokens / "revoked").exists():
        issued = json.loads(_ok(client.run("token", "issue", "privacy", "--json", actor="beheer")))
        _ok(client.run("token", "revoke", issued["token_id"], actor="beheer"))
        (client.tokens / "revoked").write_text(issued["token"], encoding="utf-8")
    secret = client.token(token) if token in ("expired", "revoked") else token
    before = _ok(client.run("case", "list", "--json", actor="regisseur"))
    done = client.run("case", "open", "--name", "Groep Test", "--municipality", "Voorbeeldstad",
                      "--area", "Centrum", REGIE_TOKEN=secret)  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr and (not secret or secret not in done.stderr)
    assert _ok(client.run("case", "list", "--json", actor="regisseur")) == before


def test_regie_actor_cannot_change_who_acts(client: Client) -> None:
    done = client.run("case", "list", actor="wijkagent", REGIE_ACTOR="regisseur")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        "Error: REGIE_ACTOR is regisseur, but the API token acts as wijkagent: through the "
        "server the token says who acts (unset REGIE_ACTOR, or use regisseur's own token)\n"
    )


def test_as_role_chooses_only_among_the_tokens_own_roles(client: Client) -> None:
    done = client.run("--as", "administrator", "actor", "list", actor="regisseur")
    assert done.returncode == 1 and done.stdout == "" and done.stderr.count("\n") == 1
    assert _ok(client.run("--as", "regisseur", "case", "list", actor="regisseur"))


def test_a_command_the_api_does_not_offer_says_where_to_run_it(client: Client) -> None:
    done = client.run("init", actor="beheer")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "Error: `regie init` is not available through the server yet: run it on the server "
        "machine (unset REGIE_SERVER there)\n"
    )


PROBE = """
import atexit, os, sys
def _check():
    loaded = [m for m in ("sqlalchemy", "ledger.bootstrap", "ledger.store", "ledger.crypto")
              if m in sys.modules]
    if loaded:
        os.write(2, ("imported: " + ", ".join(loaded) + "\\n").encode())
        os._exit(3)
atexit.register(_check)
sys.argv = ["regie", *sys.argv[1:]]
from cli.main import main
main()
"""


def test_the_client_imports_neither_sqlalchemy_nor_the_ledgers_store(client: Client) -> None:
    for args in (("case", "list", "--json"), ("case", "show", _case_ref(client))):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            env={**client.env, "REGIE_TOKEN": client.token("regisseur"), "PYTHONPATH": str(ROOT)},
            cwd=client.home,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def test_a_path_on_the_server_is_not_given_from_a_client(client: Client) -> None:
    done = client.run("audit", "witness", "add", "fg", "--dir", "/srv/witness", actor="beheer")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("Error: `regie audit witness add` is not available through")
    assert done.stderr.count("\n") == 1


def test_a_rights_request_and_a_rectification_through_the_server(client: Client) -> None:
    subjects = json.loads(_ok(client.run("subject", "list", "--json", actor="regisseur")))
    subject = next(s["subject"] for s in subjects if s["kind"] == "jongere")
    received = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    opened = json.loads(
        _ok(
            client.run(
                "request", "open", subject, "--kind", "rectificatie", "--received-on", received,
                "--json", actor="privacy",
            )
        )
    )  # fmt: skip
    listed = ("request", "list", "--open", "--json")
    through = client.run(*listed, actor="privacy")
    assert (through.returncode, through.stdout) == (
        0,
        _ok(client.on_server(*listed, actor="privacy")),
    )
    assert opened["request"] in through.stdout
    done = client.run(
        "subject", "rectify", subject, "--field", "address", "--value", "Teststraat 9",
        "--request", opened["request"], actor="regisseur",
    )  # fmt: skip
    assert "the old value is destroyed" in _ok(done)
    decided = client.run(
        "request", "decide", opened["request"], "--outcome", "toegewezen", "--reason", "Test",
        actor="privacy",
    )  # fmt: skip
    assert "toegewezen" in _ok(decided)
    refused = client.run("request", "list", actor="wijkagent")
    assert refused.returncode == 1 and "may not run `request list`" in refused.stderr
