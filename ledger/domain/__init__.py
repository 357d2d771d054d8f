"""Aggregates and events. Imports neither SQLAlchemy nor click.

An event's topic (``module:QualName``) is stored with it and hashed into the Merkle log,
so code finds stored events through their class, never through a topic string
(decision 0017).
"""

from __future__ import annotations

from eventsourcing.utils import get_topic, register_topic

FORMER_TOPICS: dict[type, list[str]] = {}
"""Topics an event class was stored under before it moved (see :func:`former_topic`)."""


def former_topic(old: str, cls: type) -> None:
    """Keep events stored under ``old`` resolving to ``cls`` after a move or rename.

    Call it beside the moved class; keep ``old`` in tests/fixtures/topics.txt and write a
    decision record.
    """
    register_topic(old, cls)
    FORMER_TOPICS.setdefault(cls, []).append(old)


def stored_topics(cls: type) -> list[str]:
    """Every topic events of ``cls`` may be stored under: its own and any former one."""
    return [get_topic(cls), *FORMER_TOPICS.get(cls, [])]
