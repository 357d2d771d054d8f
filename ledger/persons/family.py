"""Family links between subjects (siblings, parents): the seeds' reason to keep history.

A link is recorded on both subjects. Its relation is sealed twice: under the other
subject's key, and that ciphertext again under this subject's key, both in category
``gezinssituatie``. Opening needs both keys, so erasing either subject makes the link
read ``[gewist]`` on both sides (decision 0027), without touching the events.
"""

from __future__ import annotations

from typing import Any

from ledger.commands import Command, Key, SubjectRef
from ledger.crypto.seal import MASKED, Sealed, Sealer
from ledger.domain.acting import Acting
from ledger.domain.subject import Subject, short_id

LINK_CATEGORY = "gezinssituatie"
TO, FROM = "to", "from"


class LinkSubjects(Command):
    """``other`` is ``subject``'s ``relation`` (policy data: persoonsgegevens.toml)."""

    subject: SubjectRef
    other: SubjectRef
    relation: Key


def _field(other: str) -> str:
    return f"link:{other}"


def seal_relation(sealer: Sealer, owner: str, other: str, relation: str) -> Sealed:
    inner = sealer.seal(other, _field(owner), LINK_CATEGORY, relation)
    return sealer.seal(owner, _field(other), LINK_CATEGORY, inner)


def open_relation(sealer: Sealer, owner: str, other: str, sealed: Sealed) -> Any:
    inner = sealer.open(owner, _field(other), sealed)
    if inner == MASKED:
        return MASKED
    return sealer.open(other, _field(owner), inner)


def record_link(
    sealer: Sealer, subject: Subject, other: Subject, relation: str, by: Acting
) -> None:
    """The event on both subjects; the caller commits them together."""
    a, b = str(subject.id), str(other.id)
    subject.link(b, TO, seal_relation(sealer, a, b, relation), by)
    other.link(a, FROM, seal_relation(sealer, b, a, relation), by)


def open_links(
    sealer: Sealer, subject: Subject, others: dict[str, Subject]
) -> list[dict[str, Any]]:
    """The links to ``others`` (those the viewer may see), masked when either side is
    erased or its key is gone."""
    shown = []
    for link in subject.links:
        other = others.get(link["other"])
        if other is None:
            continue
        gone = subject.erased or other.erased
        relation = (
            MASKED
            if gone or LINK_CATEGORY in subject.erased_categories
            else open_relation(sealer, str(subject.id), link["other"], link["relation"])
        )
        shown.append(
            {
                "subject": short_id(link["other"]),
                "relation": relation,
                "direction": link["direction"],
                "recorded_at": link["at"],
                "by": link["by"]["actor"],
            }
        )
    return shown
