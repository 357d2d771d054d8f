"""Provenance and purpose (decision 0032): the checks of rules DOEL-01..03 on where the
provided data came from and what it was received for (AVG art. 5(1)(b), 6(4); 000 L2425)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policies.sharing import Context


@dataclass(frozen=True)
class SourceFacts:
    """The provision an onward provision passes on (its provenance): what was received, by
    whom and for what, so the onward use can be judged against it (000 L2425)."""

    provided: bool
    same_case: bool
    to_orgs: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    purpose: str


def onward_names_its_source(c: Context) -> bool:
    return c.request.source is not None or not c.received()


def source_received_by_provider(c: Context) -> bool:
    source = c.request.source
    if source is None:
        return True
    r = c.request
    return (
        source.provided
        and r.from_org in source.to_orgs
        and set(c.received()) <= set(source.categories)
        and set(r.subjects) <= set(source.subjects)
    )


def purpose_compatible_or_assessed(c: Context) -> bool:
    source = c.request.source
    if source is None or c.request.compatibility:
        return True
    return source.same_case and source.purpose == c.request.purpose
