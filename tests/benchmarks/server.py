"""10-15. The HTTP server: durable commands/s at 1, 4 and 16 clients, each next to the
no-op endpoint (``GET /ping``) at the same concurrency in the same run; and a client's
`regie case show` through the server, from process start to exit.

One real `regie serve` process on a durable SQLite ledger (WAL, fsync at every commit,
sealing, a Merkle leaf and a signed checkpoint per commit), started as an operator would.
The command is `signal.add` on a case of the client's own, with a sealed text. Clients are
threads of the benchmark process by default: on a 2-core machine, client processes take
the CPU the server needs and every figure comes out lower (16 clients: no-op ~900-1,250/s
against ~1,250-2,000/s from threads, commands ~140-210/s against ~170-270/s), while the
client threads share one core and leave the other to the server. ``--client-processes``
measures the other way.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import builders as b
from tests.benchmarks.clients import Clients, Task
from tests.benchmarks.measure import Measurement, percentile
from tests.paths import ROOT
from tests.serving import Server, environment, free_port, running, seed

CONCURRENCY = (1, 4, 16)
COMMANDS_TARGET = 1_500
"""Durable commands/s at 16 clients (group commit)."""
RATIO_TARGET = 0.5
"""Of the no-op endpoint's requests/s at the same concurrency."""
LATENCY_TARGET = 150
SIGNAL = {"kind": "overlast", "location": "Winkelcentrum", "source_org": "politie",
          "source_role": "wijkagent", "text": "Groep jongeren bij de ingang"}  # fmt: skip


@dataclass(frozen=True)
class Served:
    server: Server
    token: str
    cases: list[str]


@contextmanager
def served(db_dir: Path, clients: int) -> Iterator[Served]:
    """A seeded ledger with a case per client, served by `regie serve` on 127.0.0.1."""
    home = Path(tempfile.mkdtemp(prefix="server-", dir=db_dir))
    url, key_dir = f"sqlite:///{home}/ledger.sqlite", home / "keys"
    tokens = seed(url, key_dir)
    from ledger.bootstrap import open_ledger

    with open_ledger(url, key_dir=key_dir) as ledger:
        by = ledger.app.acting(b.REGISSEUR, "regisseur")
        cases = [b.open_case(ledger, by, f"Groep Benchmark {i:02d}") for i in range(clients)]
    env = environment(url, key_dir, home)
    server = Server(f"http://127.0.0.1:{free_port()}", env, url, key_dir, tokens)
    with running(server):
        yield Served(server, tokens[b.REGISSEUR], cases)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _window(
    clients: Clients, s: Served, n: int, route: str, seconds: float
) -> tuple[float, float | None, str]:
    """Requests/s of ``n`` clients for ``seconds``; the server's CPU ms per request; the
    first failure, if any."""
    pid = s.server.process.pid if s.server.process else 0
    start = time.time() + 0.2
    tasks = [
        Task(s.server.url, route, s.token, {"case": s.cases[i], **SIGNAL}, start, start + seconds)
        for i in range(n)
    ]
    before = _cpu_seconds(pid)
    rate, answered = clients.window(tasks)
    after = _cpu_seconds(pid)
    requests = sum(a.requests for a in answered)
    cpu = (after - before) * 1000 / requests if before is not None and after and requests else None
    failure = next((a.first_failure for a in answered if a.failures), "")
    return rate, cpu, failure


def throughput(
    s: Served,
    seconds: float = 5.0,
    ping_seconds: float = 2.0,
    concurrency: tuple[int, ...] = CONCURRENCY,
    processes: bool = False,
) -> list[Measurement]:
    """Per concurrency: the no-op, the durable command, the no-op again (their mean is
    the same-run ceiling), all on clients started once."""
    out = []
    with Clients(s.server.url, max(concurrency), processes) as clients:
        for n in concurrency:
            ping_1, ping_cpu, _ = _window(clients, s, n, "/ping", ping_seconds)
            ours, cpu, failure = _window(clients, s, n, "signal.add", seconds)
            ping_2, _, _ = _window(clients, s, n, "/ping", ping_seconds)
            out.append(_throughput_line(n, ours, (ping_1 + ping_2) / 2, cpu, ping_cpu,
                                        failure, seconds, processes))  # fmt: skip
    return out


def _throughput_line(
    n: int,
    ours: float,
    ping: float,
    cpu: float | None,
    ping_cpu: float | None,
    failure: str,
    seconds: float,
    processes: bool,
) -> Measurement:
    clients = ("process" if n == 1 else "processes") if processes else "thread(s) of this process"
    notes = [
        f"{n} client {clients}, each one keep-alive httpx connection sending `POST "
        f"/commands/signal.add` (a sealed text, one durable commit with its Merkle leaf and "
        f"signed checkpoint) on a case of its own, back to back for {seconds:g} s; baseline: "
        "`GET /ping` at the same concurrency, before and after (mean)",
    ]
    if cpu is not None and ping_cpu is not None:
        notes.append(
            f"server CPU per request: command {cpu:.2f} ms, ping {ping_cpu:.2f} ms (one "
            f"process: at most ~{1000 / cpu:,.0f} commands/s per core it can use)"
        )
    if failure:
        notes.append(f"a command failed: {failure}")
    top = n == max(CONCURRENCY)
    return Measurement(
        key=f"server_commands_{n}",
        what=f"Durable commands via server, {n} client{'s' if n > 1 else ''}",
        unit="requests/s",
        ours=None if failure else ours,
        plain=ping,
        target=COMMANDS_TARGET if top else None,
        ratio_target=RATIO_TARGET if top else None,
        notes=notes,
        details={"clients": n, "processes": processes, "server_cpu_ms": cpu,
                 "ping_server_cpu_ms": ping_cpu},
    )  # fmt: skip


def _client_env(s: Served, home: Path) -> dict[str, str]:
    """A client's settings; bytecode may be cached, as an installed client's is (the
    warm-up run writes it even where PYTHONDONTWRITEBYTECODE is set for this process)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("REGIE_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        HOME=str(home),
        REGIE_SERVER=s.server.url,
        REGIE_TOKEN=s.token,
        REGIE_CONFIG=str(home / "absent.toml"),
        REGIE_DATA_DIR=str(home / "data"),
        NO_PROXY="*",
        PYTHONPATH=str(ROOT),
    )
    return env


def _timed(argv: list[str], env: dict[str, str] | None, cwd: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs + 1):  # the first warms the page cache and is dropped
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
        times.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise RuntimeError(f"`{' '.join(argv[-3:])}` exited {done.returncode}: {last}")
    return times[1:]


def latency(s: Served, db_dir: Path, runs: int = 20) -> list[Measurement]:
    """`regie case show CASE` as a client process, start to exit, next to `python -c pass`."""
    python = Path(sys.executable)
    script = python.parent / "regie"
    regie = [str(script)] if script.exists() else [str(python), "-m", "cli.main"]
    home = Path(tempfile.mkdtemp(prefix="client-", dir=db_dir))
    plain = statistics.median(_timed([str(python), "-c", "pass"], None, home, runs))
    timings = _timed([*regie, "case", "show", s.cases[0]], _client_env(s, home), home, runs)
    notes = [
        f"{' '.join(Path(a).name for a in regie)} case show <case> with REGIE_SERVER and "
        f"REGIE_TOKEN, from a home with no key and no database: {runs} runs after one "
        "warm-up (which caches the bytecode), each the whole process (start, `GET "
        "/commands`, `POST /commands/case.show`, rendering, exit); baseline `python -c "
        "pass` (median)",
    ]
    median = Measurement(
        key="client_case_show_median",
        what="`regie case show` via server, median",
        unit="ms",
        ours=statistics.median(timings),
        plain=plain,
        target=LATENCY_TARGET,
        higher_is_better=False,
        notes=notes,
        details={"ms": timings},
    )
    p95 = Measurement(
        key="client_case_show_p95",
        what="`regie case show` via server, p95",
        unit="ms",
        ours=percentile(timings, 0.95),
        plain=plain,
        target=LATENCY_TARGET,
        higher_is_better=False,
        notes=[f"nearest rank of {runs} runs; slowest {max(timings):.0f} ms"],
    )
    return [median, p95]


def server_lines(
    db_dir: Path,
    seconds: float = 5.0,
    ping_seconds: float = 2.0,
    runs: int = 20,
    processes: bool = False,
) -> list[Measurement]:
    """Every server figure, on one server process."""
    with served(db_dir, max(CONCURRENCY)) as s:
        return [*throughput(s, seconds, ping_seconds, processes=processes),
                *latency(s, db_dir, runs)]  # fmt: skip
