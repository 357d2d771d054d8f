"""Provenance and purpose (decision 0032): the checks of rules DOEL-01..03 on where the
provided data came from and what it was received for (AVG art. 5(1)(b), 6(4); 000 L2425)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


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


def onward_names_its_source(source: SourceFacts | None, received: Collection[str]) -> bool:
    """DOEL-01: data another organisation holds first-hand (``received``) names a source."""
    return source is not None or not received


def source_received_by_provider(
    source: SourceFacts | None,
    provider: str,
    received: Collection[str],
    subjects: Collection[str],
) -> bool:
    """DOEL-02: the source was provided to the provider, about these people and data."""
    if source is None:
        return True
    return (
        source.provided
        and provider in source.to_orgs
        and set(received) <= set(source.categories)
        and set(subjects) <= set(source.subjects)
    )


def purpose_compatible_or_assessed(
    source: SourceFacts | None, purpose: str, assessed: bool
) -> bool:
    """DOEL-03: the source's purpose, in its case, or a recorded compatibility assessment."""
    if source is None or assessed:
        return True
    return source.same_case and source.purpose == purpose
