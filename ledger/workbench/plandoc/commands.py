"""The commands of the plan document: a section's text from the regisseur, and the rough
estimate of costs and effort for the step-4 decision."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from ledger.commands import CaseRef, Command, Key, Note

SECTION_MAX = 20_000
"""Characters in one section's text: a few pages, as a section of seed 004 can be."""

SectionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SECTION_MAX)
]


class SupplyPlanSection(Command):
    """The regisseur's text for a section of the plan document (replacing an earlier one)."""

    case: CaseRef
    key: Key
    text: SectionText
    risk: Key | None = None
    supplied_on: date | None = None


class RecordPlanEstimate(Command):
    """Hours and euros the concept plan is expected to take (000 L2170-2176)."""

    case: CaseRef
    hours: int = Field(ge=0, le=1_000_000)
    cost_eur: int = Field(ge=0, le=1_000_000_000)
    note: Note = ""
    estimated_on: date | None = None
