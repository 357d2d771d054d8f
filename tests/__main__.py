"""The one test command: ``python -m tests [PYTEST ARGS...]``.

Runs, in order: the PostgreSQL binaries check (installing them with apt-get as root when
missing), ``ruff check``, ``mypy``, ``pytest tests/`` on SQLite and a real PostgreSQL
server, and the SQLite suite again under shifted system dates (``tests/shifted_dates.py``,
libfaketime). Every step runs even if an earlier one failed, so that one CI run shows every
problem; the exit status is non-zero if any step failed. Extra arguments go to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tests import pg_server, shifted_dates

ROOT = Path(__file__).resolve().parent.parent
PYTEST_NO_TESTS = 5


def header(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def run(command: list[str]) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL).returncode


def postgres_step() -> int:
    if os.environ.get(pg_server.URL_ENV):
        print(f"using {pg_server.URL_ENV}; no local server needed", flush=True)
        return 0
    try:
        bindir = pg_server.ensure_binaries()
    except pg_server.PostgresUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"PostgreSQL binaries: {bindir}", flush=True)
    return 0


def main(pytest_args: list[str]) -> int:
    python = sys.executable
    steps: list[tuple[str, Callable[[], int]]] = [
        ("PostgreSQL for the tests", postgres_step),
        (
            "ruff",
            partial(run, [python, "-m", "ruff", "check", "ledger", "policies", "cli", "tests"]),
        ),
        ("mypy", partial(run, [python, "-m", "mypy"])),
        (
            "pytest (SQLite and PostgreSQL)",
            partial(run, [python, "-m", "pytest", "tests", *pytest_args]),
        ),
        ("pytest under shifted system dates (SQLite)", partial(shifted_dates.main, [])),
    ]
    results: list[tuple[str, int, float]] = []
    for title, step in steps:
        header(title)
        began = time.monotonic()
        code = step()
        if title.startswith("pytest (") and code == PYTEST_NO_TESTS:
            print("error: pytest collected no tests", file=sys.stderr, flush=True)
        results.append((title, code, time.monotonic() - began))

    header("summary")
    failed = False
    for title, code, seconds in results:
        ok = code == 0
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {title} ({seconds:.1f}s){'' if ok else f' exit {code}'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
