"""Benchmark regie against plain eventsourcing on this machine, in one run.

Measures durable single-event appends, grouped appends, a projection rebuild and
`regie --help` start-up, each next to its plain-eventsourcing baseline; then generates a
ledger of 1,000,000 access events with batched appends, catches its read models up, times
`audit who-saw` on it and `audit verify` over it; then starts `regie serve` and measures
durable commands/s through it at 1, 4 and 16 clients next to its no-op endpoint, and a
client's `regie case show` next to `python -c pass`; and checks the targets. Takes about
7 minutes at the default sizes on a 2-core machine, over half of it generating (~2.5
minutes) and projecting (~1.5 minutes) the access log; --access-events makes that
smaller, --server-only leaves everything but the server out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .audit_paths import audit_lines
from .command_path import durable_command_postgres, durable_command_sqlite
from .measure import (
    Measurement,
    access_ledger,
    grouped_append,
    projection_rebuild,
    single_append,
    startup,
)
from .retention import retention_run
from .server import server_lines
from .startup import read_commands

DEFAULT_EVENTS = 100_000
DEFAULT_ACCESS_EVENTS = 1_000_000
DEFAULT_SERVER_SECONDS = 5.0
DEFAULT_STARTUP_EVENTS = 100_000
DEFAULT_RETENTION_SUBJECTS = 100_000
QUICK: dict[str, Any] = {
    "events": 2_000,
    "access_events": 2_000,
    "server_seconds": 1.0,
    "startup_events": 2_000,
    "retention_subjects": 300,
    "startup_runs": 3,
}
"""--quick: every line, at sizes that take well under two minutes together (an option
given explicitly keeps its value)."""


def run_all(
    events: int,
    db_dir: Path,
    startup_runs: int = 10,
    access_events: int = DEFAULT_ACCESS_EVENTS,
    server_seconds: float = DEFAULT_SERVER_SECONDS,
    server_only: bool = False,
    client_processes: bool = False,
    startup_events: int = DEFAULT_STARTUP_EVENTS,
    retention_subjects: int = DEFAULT_RETENTION_SUBJECTS,
    quick: bool = False,
    audit_only: bool = False,
) -> list[Measurement]:
    """All measurements. ``events`` sizes the grouped append and the rebuild log (the
    fsync-bound single-event append uses a 40th of it); ``access_events`` sizes the access
    log that who-saw and verify run on; ``server_seconds`` is each server figure's window."""
    db_dir.mkdir(parents=True, exist_ok=True)
    if audit_only:
        return audit_lines(db_dir, quick)
    embedded = (
        []
        if server_only
        else [
            single_append(db_dir, max(30, events // 40)),
            durable_command_sqlite(db_dir, max(30, events // 200)),
            durable_command_postgres(max(30, events // 200)),
            grouped_append(db_dir, events),
            projection_rebuild(db_dir, events),
            startup(startup_runs),
            *read_commands(db_dir, startup_events, startup_runs),
            retention_run(db_dir, retention_subjects),
            *access_ledger(db_dir, access_events),
            *audit_lines(db_dir, quick),
        ]
    )
    server = server_lines(db_dir, server_seconds, server_seconds * 0.4, processes=client_processes)
    return [*embedded, *server]


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.0f} {unit}"


def render(results: list[Measurement], console: Console) -> None:
    table = Table(title="regie vs its baselines (same run, same machine)")
    table.add_column("#", justify="right")
    table.add_column("what")
    table.add_column("ours", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("ours/baseline", justify="right")
    table.add_column("target", justify="right")
    table.add_column("result", justify="center")
    for number, m in enumerate(results, 1):
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else "n/a"
        target = (
            "n/a"
            if m.target is None
            else ("≥ " if m.higher_is_better else "< ") + _figure(m.target, m.unit)
        )
        if m.ratio_target is not None:  # a goal that is a ratio alone has target 0
            ratio_goal = f"≥ {m.ratio_target:.2f}×"
            target = ratio_goal if not m.target else f"{target}, {ratio_goal}"
        result = {True: "[green]PASS[/]", False: "[red]MISS[/]", None: "[yellow]n/a[/]"}[m.passed]
        table.add_row(
            str(number),
            m.what,
            _figure(m.ours, m.unit),
            _figure(m.plain, m.unit),
            ratio,
            target,
            result,
        )
    console.print(table)
    for number, m in enumerate(results, 1):
        for note in m.notes:
            console.print(f"  [dim]{number}.[/] {note}", highlight=False, soft_wrap=True)


def _environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1min_after": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--events",
        metavar="N",
        type=int,
        default=DEFAULT_EVENTS,
        help=f"events for the grouped append and the rebuild log (default {DEFAULT_EVENTS:,}); "
        "the single-event append uses N/40",
    )
    parser.add_argument(
        "--access-events",
        metavar="N",
        type=int,
        default=DEFAULT_ACCESS_EVENTS,
        help=f"access events in the ledger that `audit who-saw` and `audit verify` run on "
        f"(default {DEFAULT_ACCESS_EVENTS:,}; generating and projecting them is most of the "
        "run time)",
    )
    parser.add_argument(
        "--db-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="where the SQLite files go (default: a temporary directory, removed afterwards)",
    )
    parser.add_argument(
        "--server-seconds",
        metavar="S",
        type=float,
        default=DEFAULT_SERVER_SECONDS,
        help=f"how long each server throughput figure sends commands (default "
        f"{DEFAULT_SERVER_SECONDS:g}; the no-op around it gets 0.4 × S twice)",
    )
    parser.add_argument(
        "--server-only",
        action="store_true",
        help="only the server figures: commands/s at 1, 4 and 16 clients, the no-op, and "
        "`regie case show` through the server (about a minute)",
    )
    parser.add_argument(
        "--client-processes",
        action="store_true",
        help="drive the server from one process per client instead of threads of this one "
        "(on 2 cores they take the CPU the server needs: lower figures)",
    )
    parser.add_argument(
        "--startup-events",
        metavar="N",
        type=int,
        default=DEFAULT_STARTUP_EVENTS,
        help=f"events in the ledger `regie case show` and `audit who-saw` start on "
        f"(default {DEFAULT_STARTUP_EVENTS:,})",
    )
    parser.add_argument(
        "--retention-subjects",
        metavar="N",
        type=int,
        default=DEFAULT_RETENTION_SUBJECTS,
        help=f"subjects due in the timed retention run (default {DEFAULT_RETENTION_SUBJECTS:,}; "
        "setting them up takes a few minutes)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every line at small sizes, in under two minutes: a check that each runs, "
        "not figures to compare",
    )
    parser.add_argument(
        "--audit-only",
        action="store_true",
        help="only `audit verify` and the proofs (tests/benchmarks/audit_paths.py)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    startup_runs = 10
    if args.quick:
        for name, value in QUICK.items():
            if name == "startup_runs":
                startup_runs = int(value)
            elif getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    if args.events < 100:
        parser.error("--events must be at least 100")
    if args.access_events < 100:
        parser.error("--access-events must be at least 100")
    console = Console(stderr=args.json, width=None if sys.stdout.isatty() else 132)
    started = time.perf_counter()
    if args.db_dir is None:
        db_dir = Path(tempfile.mkdtemp(prefix="regie-bench-"))
        cleanup = True
    else:
        db_dir = args.db_dir
        cleanup = False
    try:
        with console.status("benchmarking…"):
            results = run_all(
                args.events,
                db_dir,
                access_events=args.access_events,
                server_seconds=args.server_seconds,
                server_only=args.server_only,
                client_processes=args.client_processes,
                startup_runs=startup_runs,
                startup_events=args.startup_events,
                retention_subjects=args.retention_subjects,
                quick=args.quick,
                audit_only=args.audit_only,
            )
    finally:
        if cleanup:
            shutil.rmtree(db_dir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    if args.json:
        json.dump(
            {
                "events": args.events,
                "access_events": args.access_events,
                "startup_events": args.startup_events,
                "retention_subjects": args.retention_subjects,
                "quick": args.quick,
                "elapsed_s": elapsed,
                "environment": _environment(),
                "results": [m.as_dict() for m in results],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        render(results, console)
        took = {m.key: m.details for m in results}
        if "access_generation" in took and "access_catch_up" in took:
            made = took["access_generation"]
            console.print(
                f"[dim]the {made['events']:,}-event access log took "
                f"{made['build_s'] + made['save_s']:.0f} s to generate and "
                f"{took['access_catch_up']['seconds']:.0f} s to project[/]",
                highlight=False,
            )
        env = _environment()
        sizes = (
            "server figures only"
            if args.server_only
            else "audit lines only"
            if args.audit_only
            else f"{args.events:,} events, {args.access_events:,} access events"
        )
        console.print(
            f"[dim]{sizes}, {elapsed:.0f} s; Python {env['python']}, "
            f"SQLite {env['sqlite']}, {env['platform']}, {env['cpus']} CPUs, load average "
            f"{env['load_average_1min_after']:.2f} at the end; db dir {db_dir}"
            + (" (removed)" if cleanup else "")
            + "[/]",
            highlight=False,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
