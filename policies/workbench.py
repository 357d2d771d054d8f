"""The regisseur's self-checks as policy data: the "4 sleutels" checklists of the CCV
(seed 001, ten items each) and the informatiematrix of the werkproces (seed 000: what each
partner is expected to bring in which step). Municipalities reword, add or drop items."""

from __future__ import annotations

from pydantic import Field, model_validator

from policies.model import _Strict

EVIDENCE = frozenset(
    {
        "regisseur-aangesteld",
        "uitvoeringscoordinator",
        "convenant-actueel",
        "driehoek-geprioriteerd",
        "plan-met-doelen",
        "acties-belegd",
        "groepsscan-ontvangen",
        "namenlijst-afgestemd",
    }
)
"""What the ledger itself can answer an item from (ledger/workbench/checklists.py)."""


class ChecklistItem(_Strict):
    number: int = Field(ge=1)
    text: str = Field(min_length=1)
    evidence: str | None = None
    """The ledger's own answer, when the record holds it: one of :data:`EVIDENCE`."""

    @model_validator(mode="after")
    def _known(self) -> ChecklistItem:
        if self.evidence is not None and self.evidence not in EVIDENCE:
            known = ", ".join(sorted(EVIDENCE))
            raise ValueError(f"unknown evidence '{self.evidence}'; known: {known}")
        return self


class Sleutel(_Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    item: list[ChecklistItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered(self) -> Sleutel:
        numbers = [i.number for i in self.item]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"items of sleutel {self.number} are numbered 1..n in order")
        return self


class Expected(_Strict):
    """What one partner is expected to bring in one step (the informatiematrix)."""

    step: int = Field(ge=1, le=7)
    organisation: str = Field(min_length=1)
    brings: str = Field(min_length=1)
    source: str = Field(min_length=1)


class WorkbenchFile(_Strict):
    sleutel: list[Sleutel] = Field(min_length=1)
    informatie: list[Expected] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> WorkbenchFile:
        numbers = [s.number for s in self.sleutel]
        if len(numbers) != len(set(numbers)):
            raise ValueError("two sleutels share a number")
        return self

    def sleutel_of(self, number: int) -> Sleutel | None:
        return next((s for s in self.sleutel if s.number == number), None)
