"""Schemas of the policy files. Unknown keys are errors: a typo must not pass silently."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Strict):
    key: str
    label: str = Field(min_length=1)

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("must be lowercase letters, digits and hyphens")
        return value


class EarlyEnd(Term):
    after_steps: list[int] = Field(min_length=1)

    @field_validator("after_steps")
    @classmethod
    def _steps(cls, value: list[int]) -> list[int]:
        bad = [s for s in value if s not in (1, 2, 3, 4)]
        if bad:
            raise ValueError(f"an early end can follow steps 1-4 only, not {bad[0]}")
        return value


def _unique(terms: list[Term], what: str) -> None:
    seen: set[str] = set()
    for term in terms:
        if term.key in seen:
            raise ValueError(f"duplicate {what} key '{term.key}'")
        seen.add(term.key)


class OrganisationsFile(_Strict):
    organisation: list[Term] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> OrganisationsFile:
        _unique(list(self.organisation), "organisation")
        return self


class RolesFile(_Strict):
    role: list[Term] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> RolesFile:
        _unique(list(self.role), "role")
        required = {"regisseur", "uitvoeringscoordinator", "privacy-officer", "administrator"}
        missing = required - {r.key for r in self.role}
        if missing:
            raise ValueError(f"the ledger needs role '{sorted(missing)[0]}'")
        return self


class WerkprocesFile(_Strict):
    deciding_body: list[Term] = Field(min_length=1)
    early_end: list[EarlyEnd] = Field(min_length=1)
    signal_kind: list[Term] = Field(min_length=1)
    track: list[Term] = Field(min_length=1)
    decision_item: list[Term] = Field(min_length=1)
    evaluation_criterion: list[Term] = Field(min_length=1)
    sharing_level: list[Term] = Field(default_factory=list)
    """The levels of information sharing a regisseur moves a case between (optional)."""

    @model_validator(mode="after")
    def _check(self) -> WerkprocesFile:
        for name in (
            "deciding_body",
            "early_end",
            "signal_kind",
            "track",
            "decision_item",
            "evaluation_criterion",
            "sharing_level",
        ):
            _unique(list(getattr(self, name)), name.replace("_", " "))
        return self


class Category(Term):
    special: bool = False


class PersoonsgegevensFile(_Strict):
    category: list[Category] = Field(min_length=1)
    core: list[Term] = Field(min_length=1)
    influence: list[Term] = Field(min_length=1)
    relation: list[Term] = Field(default_factory=list)  # `subject link --relation`

    @model_validator(mode="after")
    def _check(self) -> PersoonsgegevensFile:
        _unique(list(self.category), "category")
        _unique(list(self.relation), "relation")
        _unique(list(self.core), "core")
        _unique(list(self.influence), "influence")
        if "identificatie" not in {c.key for c in self.category}:
            raise ValueError("the ledger needs category 'identificatie'")
        return self


class AuditFile(_Strict):
    bulk_read_subjects: int = Field(ge=2)
    bulk_read_minutes: int = Field(ge=1)
    timezone: str
    office_start: str = Field(pattern=r"^\d{2}:\d{2}$")
    office_end: str = Field(pattern=r"^\d{2}:\d{2}$")
    office_days: list[int] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AuditFile:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{self.timezone}'") from exc
        if any(d not in range(1, 8) for d in self.office_days):
            raise ValueError("office_days are ISO weekdays 1 (Monday) to 7 (Sunday)")
        if self.office_end <= self.office_start:
            raise ValueError("office_end must be after office_start")
        return self
