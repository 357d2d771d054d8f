"""The permission gate sits in the application: whoever calls a service method, the
command is authorised there, and a denial is in the access log before anything happens."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from sqlalchemy import select

from cli.main import regie
from ledger import commands as c
from ledger.access.gate import GATED
from ledger.bootstrap import Ledger
from ledger.domain.access import DENIED
from ledger.errors import BadInput, Unauthorised
from ledger.projections import tables as t
from tests import builders as b
from tests.conftest import FixedClock
from tests.paths import ROOT

SERVICES = (
    "actors", "cases", "persons", "sharing", "retention", "letters", "privacy", "operations",
    "tokens",
)  # fmt: skip
UNGATED_COMMANDS = {"init", "demo", "audit.check-proof", "serve"}
"""`init` creates the ledger and `demo` writes a new synthetic one, both before any actor
exists (the bootstrap administrator is registered by `actor add` without a gate);
`audit check-proof` reads only a proof file and a public key, offline, no ledger;
`serve` runs no command itself: every request it serves passes the gate of its method."""

OBSERVER = "waarnemer-test"


def _gated_methods(ledger: Ledger) -> Iterator[tuple[str, str, Any]]:
    for name in SERVICES:
        service = getattr(ledger, name)
        for attribute, member in inspect.getmembers(type(service), inspect.isfunction):
            wrapped = getattr(member, "__wrapped__", None)
            if wrapped is None:
                continue
            command = next(cmd for cmd, names in GATED.items() if member.__qualname__ in names)
            yield command, f"{name}.{attribute}", getattr(service, attribute)


def _denials(ledger: Ledger, command: str, actor: str) -> int:
    ledger.projections.catch_up()
    a = t.access_log
    with ledger.store.read() as conn:
        rows = conn.execute(
            select(a.c.access_id).where(
                a.c.command == command, a.c.outcome == DENIED, a.c.actor == actor
            )
        ).all()
    return len(rows)


@pytest.fixture
def observed(database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Ledger]:
    """A ledger whose policy has one more role, ``waarnemer``, that may run nothing."""
    from ledger.bootstrap import open_ledger

    policy = tmp_path / "policy"
    policy.mkdir()
    roles = (ROOT / "policies" / "defaults" / "roles.toml").read_text(encoding="utf-8")
    (policy / "roles.toml").write_text(
        roles + '\n[[role]]\nkey = "waarnemer"\nlabel = "Waarnemer (test)"\n', encoding="utf-8"
    )
    opened = open_ledger(database_url, policy_dir=policy, require_initialised=False, clock=clock)
    try:
        opened.initialise()
        yield opened
    finally:
        opened.close()


def test_every_service_method_refuses_an_actor_without_the_permission(observed: Ledger) -> None:
    b.seed_actors(observed)
    observed.actors.register_actor(
        c.build(
            c.RegisterActor,
            handle=OBSERVER,
            display_name="Test Waarnemer",
            organisation="gemeente",
            roles=["waarnemer"],
        ),
        observed.app.acting(b.ADMIN),
    )
    acting = observed.app.acting(OBSERVER)
    methods = list(_gated_methods(observed))
    assert len(methods) >= 50, "the walk over the services found too few gated methods"
    for command, where, method in methods:
        params = [p for p in inspect.signature(method).parameters.values() if p.name != "by"]
        arguments: dict[str, Any] = {
            p.name: None for p in params if p.default is inspect.Parameter.empty
        }
        before = _denials(observed, command, OBSERVER)
        with pytest.raises(Unauthorised, match=re.escape(command.replace(".", " "))):
            method(by=acting, **arguments)
        assert _denials(observed, command, OBSERVER) == before + 1, where


def test_a_participant_role_is_refused_a_case_it_does_not_take_part_in(ledger: Ledger) -> None:
    by = b.seed_actors(ledger)
    ref = b.open_case(ledger, by)
    outsider = ledger.app.acting(b.UC)  # uitvoeringscoördinator, not of this case
    with pytest.raises(Unauthorised, match="does not take part"):
        ledger.cases.record_signal(b.signal(ref), outsider)
    with pytest.raises(Unauthorised, match="does not take part"):
        ledger.cases.plan(ref, outsider)
    assert _denials(ledger, "signal.add", b.UC) == 1
    assert ledger.cases.signals(by, ref) == []


def _cli_commands(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from _cli_commands(command, path + ".")
        else:
            yield path


def test_every_cli_command_answers_to_a_gated_service_method() -> None:
    ungated = sorted(set(_cli_commands(regie)) - set(GATED) - UNGATED_COMMANDS)
    assert ungated == [], f"CLI commands without a gated service method: {ungated}"


def test_no_file_in_the_cli_calls_the_gate() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "cli").rglob("*.py")
        if re.search(r"\.gate\b|authorise\(|personal_data\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_malformed_case_reference_is_bad_input_and_never_logged(ledger: Ledger) -> None:
    """A denial records the case; garbage in its place must not reach the access log."""
    b.seed_actors(ledger)
    outsider = ledger.app.acting(b.ADMIN)  # may not record signals at all
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(BadInput, match="case reference"):
        ledger.cases.plan("x" * 120_000, outsider)
    assert ledger.app.recorder.max_notification_id() == before
