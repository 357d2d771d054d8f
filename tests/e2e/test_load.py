"""Issue 9: 16 concurrent clients × 300 mixed commands against one real `regie serve`, on
SQLite and on PostgreSQL; and a kill -9 of the server in the middle of that load.

Each client thread acts as a persona of its own (regisseurs, partner contacts of two
organisations, privacy officers) and sends writes, reads and commands that must be
refused. Afterwards the server is stopped and the ledger is read back directly: every
acknowledged write is in it exactly once, nothing refused left anything but its denial,
positions run 1..n, and `audit verify` passes. These tests go through HTTP only, so they
hold for any way the server serialises its writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.load.audit import disagreements, read_ledger, snapshot
from tests.load.clients import Load
from tests.load.mix import signal_body
from tests.load.world import World, seed_world
from tests.serving import Server, environment, free_port

THREADS = 16
COMMANDS = 300
KILL_AFTER = 400
"""Acknowledged writes before the kill -9."""


def _report(problems: list[str], load: Load) -> str:
    shown = "\n".join(problems[:20])
    more = f"\n(and {len(problems) - 20} more)" if len(problems) > 20 else ""
    return f"{load.summary()}\n{shown}{more}"


@pytest.fixture
def world_server(database_url: str, tmp_path: Path) -> Iterator[tuple[World, Server]]:
    key_dir = tmp_path / "keys"
    world = seed_world(database_url, key_dir, THREADS)
    env = environment(database_url, key_dir, tmp_path)
    server = Server(f"http://127.0.0.1:{free_port()}", env, database_url, key_dir, {})
    try:
        yield world, server
    finally:
        server.stop()


def test_concurrent_clients_lose_nothing_and_apply_nothing_twice(
    world_server: tuple[World, Server],
) -> None:
    world, server = world_server
    server.start()
    load = Load(server, world, COMMANDS).start()
    load.join()
    server.stop()
    outcomes = load.outcomes
    assert len(outcomes) == THREADS * COMMANDS, load.summary()
    assert all(o.status is not None for o in outcomes), load.summary()
    assert not load.problems, _report(load.problems, load)
    kinds = {o.op.kind for o in outcomes if o.acknowledged and o.op.write}
    assert kinds == {"signal", "shared-signal", "subject", "member", "open"}, load.summary()
    refused = {o.op.kind for o in outcomes if o.op.expect >= 400}
    assert len(refused) >= 10, refused
    with server.ledger() as ledger:
        found = read_ledger(ledger)
    problems = disagreements(outcomes, found)
    assert not problems, _report(problems, load)


def test_a_kill_9_under_load_keeps_every_acknowledged_write(
    world_server: tuple[World, Server],
) -> None:
    world, server = world_server
    server.start()
    load = Load(server, world, COMMANDS).start()
    reached = load.wait_for_writes(KILL_AFTER, timeout=120)
    server.kill()
    load.stop.set()
    load.join()
    assert reached, f"the load ended before {KILL_AFTER} writes: {load.summary()}"
    assert any(o.status is None for o in load.outcomes), "no command was cut off by the kill"
    assert not load.problems, _report(load.problems, load)
    server.start()  # on the same ledger, as systemd would restart it
    try:
        verified = server.call("audit.verify", world.admin_token)
        assert verified.status_code == 200, verified.text
        for persona in world.personas:  # it takes writes again, numbering on
            if persona.case is None:
                continue
            listed = server.call("signal.list", persona.token, {"ref": persona.case})
            body = signal_body(persona.case, "na herstart")
            added = server.call("signal.add", persona.token, body)
            assert added.status_code == 200, added.text
            assert added.json()["result"] == len(listed.json()["result"]) + 1
    finally:
        server.stop()
    with server.ledger() as ledger:
        found = read_ledger(ledger)
        before = snapshot(ledger)
        ledger.projections.rebuild()
        rebuilt = snapshot(ledger)
    problems = disagreements(load.outcomes, found)
    assert not problems, _report(problems, load)
    assert rebuilt == before, "the read models rebuild differently from what the server made"
