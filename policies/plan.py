"""The plan van aanpak as a document: its sections as policy data (seed 004, the template
"Integraal plan van aanpak groep <NAAM GROEP>"), what the ledger fills in each and what the
regisseur supplies. Municipalities reorder, retitle, add or drop sections."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from policies.model import _KEY, Term, _Strict

FILLS = frozenset(
    {
        "signalen",
        "groepsscan",
        "leden",
        "politiemeldingen",
        "doelen",
        "sporen",
        "acties",
        "informatiepositie",
        "partners",
        "overleggen",
        "voortgang",
        "evaluatie",
        "schatting",
    }
)
"""What the ledger can fill a section with (ledger/workbench/plandoc/facts.py)."""


class PlanSection(_Strict):
    key: str
    title: str = Field(min_length=1)
    level: int = Field(default=1, ge=1, le=3)
    source: str = Field(min_length=1)
    """Where the template (or the werkproces) asks for this section, e.g. "004 L6-13"."""
    fills: list[str] = Field(default_factory=list)
    """What the ledger fills in: any of :data:`FILLS`."""
    tracks: list[str] = Field(default_factory=list)
    """For `acties`: the tracks (werkproces.toml [[track]]) whose actions belong here."""
    asks: str = ""
    """What the regisseur supplies here; empty when the ledger fills the section alone."""
    risk: bool = False
    """The regisseur's text comes with a risk level (the duiding, 004 L38)."""
    concept: bool = True
    """Whether the section is in the anonymised concept for the step-4 decision."""
    concept_only: bool = False
    """Only in the concept (the estimate of costs and effort, 000 L2170-2176)."""

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("must be lowercase letters, digits and hyphens")
        return value

    @field_validator("fills")
    @classmethod
    def _fills(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in FILLS]
        if unknown:
            raise ValueError(f"unknown fill '{unknown[0]}'; known: {', '.join(sorted(FILLS))}")
        return value

    @property
    def supplied(self) -> bool:
        """Whether the regisseur supplies text for this section."""
        return bool(self.asks.strip())


class PlanFile(_Strict):
    title: str = Field(min_length=1)
    """The document's title; {group} stands for the working name of the group."""
    concept_title: str = Field(min_length=1)
    section: list[PlanSection] = Field(min_length=1)
    risk_level: list[Term] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PlanFile:
        keys = [s.key for s in self.section]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"two sections share the key '{twice[0]}'")
        for n, section in enumerate(self.section):
            following = self.section[n + 1] if n + 1 < len(self.section) else None
            chapter = following is not None and following.level > section.level
            if not section.fills and not section.supplied and not chapter:
                raise ValueError(
                    f"section '{section.key}' has neither fills nor asks, nor sub-sections"
                )
            if section.risk and not section.supplied:
                raise ValueError(f"section '{section.key}' has a risk level but asks nothing")
            if section.tracks and "acties" not in section.fills:
                raise ValueError(f"section '{section.key}' names tracks but does not fill acties")
        return self

    def section_of(self, key: str) -> PlanSection | None:
        return next((s for s in self.section if s.key == key), None)

    @property
    def risk_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.risk_level)
