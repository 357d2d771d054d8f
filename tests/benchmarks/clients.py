"""Clients that keep a server busy for a fixed window, as threads or as processes.

A client runs one task at a time: wait for the window's start (an absolute time, the
same for every client), send requests back to back on one keep-alive connection until
its end, and report how many were answered. The clients live across tasks, so starting
16 processes is paid once, not per figure. Processes keep the clients' own Python work
off one GIL; threads keep it on one core, leaving the other to the server (on 2 cores the
better of the two: see ``server.py``).

This module imports httpx and nothing of the ledger: a spawned client starts quickly.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

TIMEOUT = 60.0


@dataclass(frozen=True)
class Task:
    """Requests to send in the window [start_at, end_at) (``time.time()`` seconds)."""

    url: str
    route: str
    """``/ping`` (GET, the no-op) or a command's name (POST /commands/<route>)."""
    token: str
    body: dict[str, Any]
    start_at: float
    end_at: float


@dataclass(frozen=True)
class Answered:
    requests: int
    failures: int
    """Answers other than 2xx (a durable-command figure must have none)."""
    first_failure: str


def _run(task: Task, client: httpx.Client) -> Answered:
    headers = {"Authorization": f"Bearer {task.token}"}
    command = task.route != "/ping"
    done = failed = 0
    first = ""
    time.sleep(max(0.0, task.start_at - time.time()))
    while time.time() < task.end_at:
        if command:
            body = {**task.body, "text": f"{task.body.get('text', '')} {done}"}
            response = client.post(f"/commands/{task.route}", json=body, headers=headers)
        else:
            response = client.get(task.route)
        if time.time() > task.end_at:
            break  # answered after the window: not counted
        if response.is_success:
            done += 1
        else:
            failed += 1
            first = first or f"{response.status_code}: {response.text[:200]}"
    return Answered(done, failed, first)


def _serve(tasks: Any, answers: Any, url: str) -> None:
    """A client's life: take tasks until told to stop (None)."""
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        client.get("/ping")  # connect once, before any window
        answers.put(None)
        while (task := tasks.get()) is not None:
            try:
                answers.put(_run(task, client))
            except httpx.HTTPError as exc:
                answers.put(Answered(0, 1, type(exc).__name__))


class Clients:
    """``count`` clients of the server at ``url``, started once, used for many windows."""

    def __init__(self, url: str, count: int, processes: bool = False) -> None:
        self.url, self.count, self.processes = url, count, processes
        self._tasks: list[Any] = []
        self._answers: Any
        self._workers: list[Any] = []
        if processes:
            context = multiprocessing.get_context("spawn")
            self._answers = context.Queue()
            for _ in range(count):
                tasks = context.Queue()
                worker = context.Process(
                    target=_serve, args=(tasks, self._answers, url), daemon=True
                )
                self._tasks.append(tasks)
                self._workers.append(worker)
        else:
            self._answers = queue.Queue()
            for _ in range(count):
                tasks_queue: queue.Queue[Task | None] = queue.Queue()
                thread = threading.Thread(
                    target=_serve, args=(tasks_queue, self._answers, url), daemon=True
                )
                self._tasks.append(tasks_queue)
                self._workers.append(thread)
        for worker in self._workers:
            worker.start()
        for _ in range(count):
            self._answers.get(timeout=120)  # every client connected

    def window(self, tasks: list[Task]) -> tuple[float, list[Answered]]:
        """Run one task per client (the first ``len(tasks)`` clients); requests/s of all."""
        for inbox, task in zip(self._tasks, tasks, strict=False):
            inbox.put(task)
        answered = [self._answers.get(timeout=TIMEOUT + tasks[0].end_at - time.time())
                    for _ in tasks]  # fmt: skip
        seconds = tasks[0].end_at - tasks[0].start_at
        return sum(a.requests for a in answered) / seconds, answered

    def close(self) -> None:
        for inbox in self._tasks:
            inbox.put(None)
        for worker in self._workers:
            worker.join(timeout=30)

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
