"""The regisseur's self-checks as policy data: the "4 sleutels" checklists of the CCV
(seed 001, ten items each) and the informatiematrix of the werkproces (seed 000: what each
partner is expected to bring in which step). Municipalities reword, add or drop items."""

from __future__ import annotations

from pydantic import Field, model_validator

from policies.model import Term, _Strict

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


class MeetingKind(Term):
    """A kind of meeting the regisseur plans (ketenoverleg, driehoek, ...)."""

    source: str = Field(min_length=1)


class Indicator(Term):
    """A default monitoring indicator a goal of the plan can be measured on."""

    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)


QUESTION_KINDS = frozenset({"aantal", "tekst"})


class Question(Term):
    """One question of the tussenevaluatie: a count ("aantal") or a free text ("tekst")."""

    label: str = ""
    text: str = Field(min_length=1)
    kind: str

    @model_validator(mode="after")
    def _kind(self) -> Question:
        if self.kind not in QUESTION_KINDS:
            raise ValueError(f"kind is one of {', '.join(sorted(QUESTION_KINDS))}")
        return self


class Tussenevaluatie(_Strict):
    after_months: int = Field(default=6, ge=1, le=36)
    source: str = Field(min_length=1)
    vraag: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Tussenevaluatie:
        keys = [q.key for q in self.vraag]
        if len(keys) != len(set(keys)):
            raise ValueError("two questions share a key")
        return self


class WorkbenchFile(_Strict):
    sleutel: list[Sleutel] = Field(min_length=1)
    informatie: list[Expected] = Field(default_factory=list)
    overleg: list[MeetingKind] = Field(default_factory=list)
    indicator: list[Indicator] = Field(default_factory=list)
    tussenevaluatie: Tussenevaluatie | None = None

    @model_validator(mode="after")
    def _unique(self) -> WorkbenchFile:
        numbers = [s.number for s in self.sleutel]
        if len(numbers) != len(set(numbers)):
            raise ValueError("two sleutels share a number")
        for name, terms in (("overleg", self.overleg), ("indicator", self.indicator)):
            keys = [t.key for t in terms]
            if len(keys) != len(set(keys)):
                raise ValueError(f"two [[{name}]] entries share a key")
        return self

    def sleutel_of(self, number: int) -> Sleutel | None:
        return next((s for s in self.sleutel if s.number == number), None)
