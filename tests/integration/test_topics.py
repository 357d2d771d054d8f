"""Stored topics are history: every event class's topic is pinned, and every event class
declares its version.

A topic (``module:QualName``) is stored with each event and hashed into the Merkle log,
so an event class is never renamed or moved in a way that changes what a stored topic
resolves to (decision 0017). The list in ``tests/fixtures/topics.txt`` may grow; a line
never goes away.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sqlite3
from contextlib import closing
from types import ModuleType
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

import ledger.domain
from ledger.bootstrap import Ledger
from ledger.domain import FORMER_TOPICS, stored_topics
from ledger.domain.actor import Actor
from tests import builders as b
from tests.paths import FIXTURES

TOPICS = FIXTURES / "topics.txt"
GOLDEN = FIXTURES / "golden" / "ledger.sqlite"
# Classes the library defines on every aggregate; never triggered unless declared.
LIBRARY_MADE = frozenset({"Event", "Created"})

RULE = (
    "A topic may be added but never removed or renamed: stored events name it, and the "
    "Merkle log hashes it. To move or rename an event class, keep the old topic resolving "
    "with eventsourcing.utils.register_topic(old_topic, NewClass), keep its line in "
    "tests/fixtures/topics.txt, add the new one, and write a decision record "
    "(docs/decisions/)."
)


def domain_modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(ledger.domain.__path__, "ledger.domain.")]
    return [importlib.import_module(name) for name in sorted(names)]


def declared_event_classes() -> dict[str, ast.ClassDef]:
    """Event classes written in ledger/domain, by topic, with their source definition."""
    out: dict[str, ast.ClassDef] = {}
    aggregates = [
        a for m in domain_modules() for _, a in inspect.getmembers(m, inspect.isclass)
        if issubclass(a, Aggregate) and a.__module__ == m.__name__
    ]  # fmt: skip
    for module in domain_modules():
        tree = ast.parse(inspect.getsource(module))
        for top in tree.body:
            if not isinstance(top, ast.ClassDef):
                continue
            owner = getattr(module, top.name)
            # A part of an aggregate (a mixin such as CaseSteps) declares events that the
            # library re-declares on the aggregate: their topic is the aggregate's.
            owners = [owner] if issubclass(owner, Aggregate) else [
                a for a in aggregates if issubclass(a, owner)
            ]  # fmt: skip
            for node in top.body:
                if not isinstance(node, ast.ClassDef):
                    continue
                for aggregate in owners:
                    value = getattr(aggregate, node.name)
                    if isinstance(value, type) and issubclass(value, Aggregate.Event):
                        out[get_topic(value)] = node
    return out


def aggregate_event_classes() -> dict[str, type]:
    """Every event class on an aggregate of ledger.domain, as the library sees them."""
    out: dict[str, type] = {}
    for module in domain_modules():
        for _, aggregate in inspect.getmembers(module, inspect.isclass):
            if aggregate.__module__ != module.__name__ or not issubclass(aggregate, Aggregate):
                continue
            for value in vars(aggregate).values():
                if isinstance(value, type) and issubclass(value, Aggregate.Event):
                    out[get_topic(value)] = value
    return out


def pinned() -> list[str]:
    return [line for line in TOPICS.read_text(encoding="utf-8").splitlines() if line]


def test_the_pinned_list_is_sorted_and_unique() -> None:
    topics = pinned()
    assert topics == sorted(set(topics)), "keep tests/fixtures/topics.txt sorted, one per line"


def test_every_event_class_is_declared_in_source() -> None:
    """An event made up by the library from ``@event("Name")`` would have no class to
    version or upcast: declare it as a nested class instead."""
    declared = declared_event_classes()
    undeclared = {
        topic
        for topic, cls in aggregate_event_classes().items()
        if topic not in declared and cls.__name__ not in LIBRARY_MADE
    }
    assert undeclared == set()


def test_every_stored_topic_is_pinned_both_ways() -> None:
    current = set(declared_event_classes())
    current |= {old for olds in FORMER_TOPICS.values() for old in olds}
    listed = set(pinned())
    unlisted = sorted(current - listed)
    assert unlisted == [], f"add these to tests/fixtures/topics.txt: {unlisted}. {RULE}"
    gone = []
    for topic in sorted(listed - current):
        try:
            resolved = resolve_topic(topic)
        except Exception:
            gone.append(topic)
            continue
        if not (isinstance(resolved, type) and issubclass(resolved, Aggregate.Event)):
            gone.append(topic)
    assert gone == [], f"these stored topics no longer resolve to an event class: {gone}. {RULE}"


def test_every_event_class_declares_its_version_and_upcasters() -> None:
    missing: list[str] = []
    for topic, node in declared_event_classes().items():
        versions = [
            statement.value.value
            for statement in node.body
            if isinstance(statement, ast.Assign)
            and [ast.unparse(t) for t in statement.targets] == ["class_version"]
            and isinstance(statement.value, ast.Constant)
        ]
        if len(versions) != 1 or not isinstance(versions[0], int) or versions[0] < 1:
            missing.append(topic)
            continue
        cls = resolve_topic(topic)
        assert cls.class_version == versions[0], topic
        for n in range(1, versions[0]):
            assert callable(getattr(cls, f"upcast_v{n}_v{n + 1}", None)), (
                f"{topic} is version {versions[0]} but has no upcast_v{n}_v{n + 1}"
            )
    assert missing == [], f"declare `class_version = 1` (or higher) explicitly on: {missing}"


def test_every_topic_in_the_golden_ledger_is_pinned_and_resolves() -> None:
    # Read-only and immutable: no -wal or -shm file appears beside the fixture.
    with closing(sqlite3.connect(f"file:{GOLDEN}?mode=ro&immutable=1", uri=True)) as conn:
        stored = sorted(r[0] for r in conn.execute("SELECT DISTINCT topic FROM regie_events"))
    assert stored, "the golden ledger has events"
    assert sorted(set(stored) - set(pinned())) == [], RULE
    for topic in stored:
        cls = resolve_topic(topic)
        assert isinstance(cls, type) and issubclass(cls, Aggregate.Event), topic


# -- code finds events by class, not by topic string ----------------------------------


def test_has_actors_finds_a_registered_actor(ledger: Ledger) -> None:
    assert not ledger.app.has_actors()
    b.seed_actors(ledger)
    assert ledger.app.has_actors()


def test_has_actors_finds_events_stored_under_a_former_topic(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if Actor.Registered had moved: the events written before keep the old topic."""
    old = "ledger.domain.people:Actor.Registered"
    monkeypatch.setitem(FORMER_TOPICS, Actor.Registered, [old])
    assert stored_topics(Actor.Registered) == [get_topic(Actor.Registered), old]
    ledger.app.sql_recorder.insert_events([StoredEvent(uuid4(), 1, old, b"{}")])
    recorder = ledger.app.recorder
    assert not recorder.select_notifications(1, 1, topics=[get_topic(Actor.Registered)])
    assert ledger.app.has_actors()
