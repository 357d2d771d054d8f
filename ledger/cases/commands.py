"""The commands of the case capability beyond the shared ones in ``ledger.commands``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from ledger.commands import AddAction, CaseRef, Command, Key, Name, Note, Text


class RecordWorkingDecision(Command):
    """A working decision at any step: wait (``review_on``) or share at a ``level``."""

    case: CaseRef
    kind: Literal["afwachten", "deelniveau"]
    motivation: Note
    body: Key
    review_on: date | None = None
    level: Key | None = None
    decided_on: date | None = None
    meeting: int | None = Field(default=None, ge=1)  # the meeting it was taken in (M<n>)


class TakeUrgentMeasure(AddAction):
    """An action before the formal decision, because it could not wait (000 L1472-1476)."""

    reason: Text
    authorised_by: Name
