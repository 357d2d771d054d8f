"""Group commit: the server's one writer thread runs the commands that arrive together in
one write transaction, signs one checkpoint for them, and only then answers them all.

Each command still runs on its own, in order, through the same gated service method as
in embedded mode: a refused command is refused for its own reason and the others go on.
What the group shares is the durable commit (one fsync, one signature), which is where a
single command spends most of its time (decision 0023). A command that fails
unexpectedly is rolled back to its savepoint, so it cannot leave anything half-written
in the transaction the others commit in.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ledger.errors import RegieError
from ledger.store import Store
from ledger.store.engine import WriteTransaction

GROUP_LIMIT = 64
"""At most this many commands share one transaction: enough to amortise the commit,
few enough that the first in the group does not wait long for the last."""

NOT_COMMITTED = "the ledger could not commit this command ({reason}); nothing of it was written"


class WriterStopped(RegieError):
    exit_code = 1


@dataclass
class _Job:
    work: Callable[[], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    commits: int = 0  # how many commits of the group had happened when this one ended


def _answer(group: list[_Job]) -> None:
    for job in group:
        job.done.set()


class Writer:
    """One thread that owns every ledger transaction of the server."""

    def __init__(self, store: Store, on_rollback: Callable[[], None]) -> None:
        self._store = store
        self._on_rollback = on_rollback
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="regie-writer", daemon=True)
        self._thread.start()
        self.groups = 0
        self.commands = 0

    def run(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` in the next group; return its result once it is durable."""
        if self._stopped:
            raise WriterStopped("the server is shutting down; run the command again later")
        job = _Job(work)
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def waiting(self) -> int:
        """How many commands wait for the next group (shown by ``/health``)."""
        return self._jobs.qsize()

    def stop(self) -> None:
        """Finish the commands already queued, then end the thread."""
        self._stopped = True
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            group = [first]
            stopping = False
            while len(group) < GROUP_LIMIT:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                group.append(more)
            self._commit(group)
            if stopping:
                return

    def _commit(self, group: list[_Job]) -> None:
        held = None
        try:
            with self._store.group(committed=lambda: _answer(group)) as held:
                for job in group:
                    self._one(job, held)
                    job.commits = held.commits
        except BaseException as exc:  # the commit itself failed: nothing after the last
            self._on_rollback()  # barrier is durable
            # A refusal of the ledger's own (a log it will not extend) says why; anything
            # else only its type, since a message could carry data.
            reason = exc.message if isinstance(exc, RegieError) else type(exc).__name__
            done = held.commits if held is not None else 0
            for job in group:
                if job.error is None and job.commits >= done:
                    job.error = WriterStopped(NOT_COMMITTED.format(reason=reason))
        finally:
            self.groups += 1
            self.commands += len(group)
            _answer(group)

    def _one(self, job: _Job, held: WriteTransaction) -> None:
        held.start_unit()
        try:
            job.result = job.work()
        except RegieError as exc:
            # Refused: what it wrote before refusing (a denial in the access log) stays,
            # as it does when the command runs alone.
            job.error = exc
            held.end_unit(keep=True)
        except Exception as exc:  # answered as an internal error, its type only
            job.error = exc
            held.end_unit(keep=False)
            self._on_rollback()  # the cache may hold what was just undone
        else:
            held.end_unit(keep=True)
