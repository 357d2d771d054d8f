"""Start-up stays short: a read command imports only what it needs (issue 14, item 4).

Which modules a command loaded is the firm, behavioural figure (a shared machine makes
wall times noisy); the time bound beside it is generous and only catches a regression
of seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date

import pytest

from ledger import commands as c
from ledger.bootstrap import open_ledger
from tests import builders as b

HEAVY = (
    "jinja2",
    "fpdf",
    "matplotlib",
    "numpy",
    "PIL",
    "icalendar",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "jwt",
)
"""Libraries only some commands use (letters, PDFs, charts, reminders, the server)."""
UNNEEDED = (
    "ledger.letters",
    "ledger.workbench",
    "ledger.retention.service",
    "ledger.tokens",
    "ledger.rights",
    "cli.commands.share",
    "cli.commands.letters",
    "cli.remote",
)
"""Parts of regie a read of a case or of the access log has no use for."""

PROBE = """
import json, sys
from cli.main import regie
try:
    regie.main(sys.argv[1:], prog_name="regie")
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], str, str]:
    """A SQLite ledger with a case and a subject; the environment to run `regie` on it."""
    home = tmp_path_factory.mktemp("startup")
    url = f"sqlite:///{home}/regie.sqlite"
    with open_ledger(url, require_initialised=False) as ledger:
        ledger.initialise()
        by = b.seed_actors(ledger)
        ref = b.open_case(ledger, by)
        cmd = c.build(
            c.RegisterSubject, kind="jongere", name="Test Jongere", date_of_birth=date(2010, 4, 1)
        )
        subject = str(ledger.persons.register(cmd, ledger.app.acting(b.UC)).id)
        ledger.projections.catch_up()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIE_")}
    env.update(REGIE_DATABASE_URL=url, REGIE_CONFIG=str(home / "absent.toml"), COLUMNS="80")
    return env, ref, subject


def _run(env: dict[str, str], actor: str, *args: str) -> tuple[set[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env={**env, "REGIE_ACTOR": actor},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return set(report["modules"]), seconds


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


def test_case_show_imports_no_heavy_library_and_no_other_capability(
    written: tuple[dict[str, str], str, str],
) -> None:
    env, ref, _ = written
    modules, seconds = _run(env, b.REGISSEUR, "case", "show", ref)
    assert "ledger.cases.service" in modules  # it did run the command
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, UNNEEDED) == []
    assert "ledger.projections.projector" not in modules, "nothing to catch up: no handlers"
    assert seconds < 10


def test_who_saw_imports_no_heavy_library(written: tuple[dict[str, str], str, str]) -> None:
    env, _, subject = written
    modules, seconds = _run(env, b.PRIVACY, "audit", "who-saw", subject)
    assert "ledger.privacy.service" in modules
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, ("ledger.letters", "ledger.workbench", "cli.commands.case")) == []
    assert seconds < 10


def test_help_still_lists_every_command_from_the_table() -> None:
    from cli.commands import COMMANDS
    from cli.main import regie

    assert sorted(regie.commands) == sorted(COMMANDS)
    for name, command in regie.commands.items():
        assert command.name == name
        assert command.get_short_help_str(200)
