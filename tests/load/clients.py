"""The client threads: one httpx client each, every answer recorded as it came.

A 409 (a concurrent change) is sent again, as the API asks; a connection error is no
answer: the command was not acknowledged and may or may not be in the ledger. Each
persona checks what it reads on its own case against what it was told it wrote there
(read-your-writes), and every answer against what its command had to get.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.load.mix import Known, Op, next_op
from tests.load.world import Persona, World
from tests.serving import Server

CONFLICT_RETRIES = 5
REQUEST_TIMEOUT = 120.0


@dataclass
class Outcome:
    persona: Persona
    op: Op
    status: int | None
    """None: no answer (the connection failed); the command was not acknowledged."""
    answer: Any
    """The result of a 2xx, else the error line."""
    tries: int = 1

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Progress:
    """Acknowledged writes so far, across threads (what the kill test waits for)."""

    writes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> None:
        with self.lock:
            self.writes += 1


def _send(client: httpx.Client, persona: Persona, op: Op) -> Outcome:
    headers = {"Authorization": f"Bearer {op.token or persona.token}"}
    tries = 0
    while True:
        tries += 1
        try:
            response = client.post(f"/commands/{op.route}", json=op.body, headers=headers)
        except httpx.TransportError:
            return Outcome(persona, op, None, None, tries)
        if response.status_code != 409 or tries > CONFLICT_RETRIES:
            body = response.json()
            answer = body.get("result") if response.is_success else body.get("error")
            return Outcome(persona, op, response.status_code, answer, tries)
        time.sleep(0.01 * tries)


def answer_problem(outcome: Outcome) -> str | None:
    """Why this answer is not the one its command had to get (None: it is)."""
    op = outcome.op
    if outcome.status is None:
        return None
    where = f"persona {outcome.persona.index} {op.kind} ({op.route})"
    if outcome.status != op.expect:
        return f"{where}: expected {op.expect}, got {outcome.status}: {outcome.answer}"
    if op.expect >= 400:
        text = str(outcome.answer)
        if "\n" in text or op.reason not in text:
            return f"{where}: refused for another reason: {text!r}, expected {op.reason!r}"
    return None


class Client:
    """One persona's thread of ``commands`` commands."""

    def __init__(
        self, server: Server, world: World, persona: Persona, commands: int, seed: int
    ) -> None:
        self.server, self.world, self.persona = server, world, persona
        self.commands = commands
        self.rng = random.Random(seed)
        self.known = Known(world.signals.get(persona.case or "", 0))
        self.outcomes: list[Outcome] = []
        self.problems: list[str] = []

    def run(self, start: threading.Barrier, stop: threading.Event, progress: Progress) -> None:
        start.wait()
        with self.server.client(REQUEST_TIMEOUT) as client:
            for number in range(self.commands):
                if stop.is_set():
                    return
                op = next_op(self.persona, self.world, self.known, number, self.rng)
                outcome = _send(client, self.persona, op)
                self.outcomes.append(outcome)
                if outcome.acknowledged and op.write:
                    progress.count()
                self._learn(outcome)

    def _learn(self, outcome: Outcome) -> None:
        problem = answer_problem(outcome)
        if problem:
            self.problems.append(problem)
        if not outcome.acknowledged:
            return
        op, known, answer = outcome.op, self.known, outcome.answer
        own = op.case == self.persona.case
        if op.kind == "signal" and own:
            known.signals += 1
            self._expect(answer == known.signals, f"signal numbered {answer}, not {known.signals}")
        elif op.kind == "subject":
            known.subjects.append(str(answer["id"]))
        elif op.kind == "member":
            known.members.append(known.subjects.pop(0))
        elif op.kind == "show" and own:
            counted = answer["signal_count"]
            self._expect(counted == known.signals, f"{counted} signals shown, not {known.signals}")
            members, expected = len(answer.get("members", known.members)), len(known.members)
            self._expect(members == expected, f"case.show lists {members} members, not {expected}")
        elif op.kind == "signals" and own:
            listed = len(answer)
            self._expect(listed == known.signals, f"{listed} signals listed, not {known.signals}")

    def _expect(self, holds: bool, problem: str) -> None:
        if not holds:
            self.problems.append(f"persona {self.persona.index} read back: {problem}")


class Load:
    """Every persona's commands at once, one thread each."""

    def __init__(self, server: Server, world: World, commands: int, seed: int = 2026) -> None:
        self.stop = threading.Event()
        self.progress = Progress()
        self.clients = [Client(server, world, p, commands, seed + p.index) for p in world.personas]
        self.began = self.ended = 0.0
        barrier = threading.Barrier(len(self.clients) + 1)
        self._barrier = barrier
        self._threads = [
            threading.Thread(target=c.run, args=(barrier, self.stop, self.progress), daemon=True)
            for c in self.clients
        ]

    def start(self) -> Load:
        for thread in self._threads:
            thread.start()
        self._barrier.wait()
        self.began = time.perf_counter()
        return self

    def wait_for_writes(self, writes: int, timeout: float) -> bool:
        """Whether ``writes`` writes were acknowledged before the load ended or timed out."""
        deadline = time.monotonic() + timeout
        while self.progress.writes < writes:
            if time.monotonic() > deadline or not any(t.is_alive() for t in self._threads):
                return False
            time.sleep(0.005)
        return True

    def join(self, timeout: float = 600.0) -> list[Client]:
        for thread in self._threads:
            thread.join(timeout)
        self.ended = time.perf_counter()
        return self.clients

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for c in self.clients for o in c.outcomes]

    @property
    def problems(self) -> list[str]:
        return [p for c in self.clients for p in c.problems]

    def summary(self) -> str:
        outcomes = self.outcomes
        seconds = self.ended - self.began
        statuses: dict[str, int] = {}
        for o in outcomes:
            key = str(o.status) if o.status is not None else "no answer"
            statuses[key] = statuses.get(key, 0) + 1
        retried = sum(o.tries - 1 for o in outcomes)
        return (
            f"{len(outcomes)} commands from {len(self.clients)} clients in {seconds:.1f} s "
            f"({len(outcomes) / max(seconds, 1e-9):.0f}/s); {self.progress.writes} writes "
            f"acknowledged; answers {dict(sorted(statuses.items()))}; {retried} resent after 409"
        )
