"""The commands of the monitoring and evaluation capability."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ledger.commands import CaseRef, Command, Key, Name, Note, Text


class ChooseIndicator(Command):
    """An indicator for one goal of the plan: a policy default by its key, or an own one
    with a label and a unit."""

    case: CaseRef
    key: Key
    goal: int = Field(ge=1)
    label: Name | None = None
    unit: Name | None = None


class Measure(Command):
    case: CaseRef
    indicator: Key
    value: float = Field(ge=0, allow_inf_nan=False)
    on: date | None = None
    note: Note = ""


class PlanTussenevaluatie(Command):
    case: CaseRef
    due: date | None = None


class RecordTussenevaluatie(Command):
    case: CaseRef
    answers: dict[Key, Text] = Field(min_length=1)
    on: date | None = None
