"""The suite under shifted system dates: nothing in it may depend on the day it runs.

The product takes every "today" from one clock (the tests' FixedClock, or the real date in
the CLI tests) and every recorded date from an event's own date fields; a leak of the wall
clock shows up here as a failure at one of these dates. libfaketime shifts the whole
process tree by one offset from the real clock (``faketime -f '+SECONDS'``), so the run
starts at the moment and every process it starts (a server, a client) agrees on the time;
an absolute ``@DATE`` would restart the clock in each new process, and a server started a
minute into the run would live a minute behind its test. Only SQLite: the PostgreSQL
server would inherit the shifted clock, which tests nothing of ours.

Run alone: ``python -m tests.shifted_dates [PYTEST ARGS...]``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests import system_packages

ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Europe/Amsterdam"

DATES = (
    ("the last second of a month and a year", "2027-12-31 23:59:50"),
    ("29 February of a leap year", "2028-02-29 12:00:00"),
    ("a minute before the summer-time switch", "2027-03-28 01:59:00"),
    ("a minute before the winter-time switch", "2027-10-31 02:59:00"),
    ("years ahead, past 2038-01-19 (32-bit time_t)", "2039-06-30 10:00:00"),
)


def _offset(moment: str) -> int:
    """Seconds from now to ``moment`` (wall time in TIMEZONE)."""
    when = datetime.strptime(moment, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(TIMEZONE))
    return int(when.timestamp() - time.time())


def ensure_faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        system_packages.apt_install("faketime", why="for the shifted-date test run")
        found = shutil.which("faketime")
    if found is None:
        raise system_packages.Missing("apt-get installed 'faketime' but it is not on PATH")
    return found


def main(pytest_args: list[str]) -> int:
    try:
        faketime = ensure_faketime()
    except system_packages.Missing as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    failed = []
    for what, moment in DATES:
        print(f"--- {moment} {TIMEZONE}: {what}", flush=True)
        offset = _offset(moment)
        command = [
            faketime, "-f", f"{offset:+d}",
            sys.executable, "-m", "pytest", "tests", "-m", "not postgres",
            "-p", "no:randomly", *pytest_args,
        ]  # fmt: skip
        env = {**os.environ, "TZ": TIMEZONE}
        done = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            failed.append(moment)
    if failed:
        print(f"error: the suite failed at {', '.join(failed)}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
