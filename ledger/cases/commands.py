"""The commands of the case capability beyond the shared ones in ``ledger.commands``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ledger.commands import CaseRef, Command, Key, Note


class RecordWorkingDecision(Command):
    """A working decision at any step: wait (``review_on``) or share at a ``level``."""

    case: CaseRef
    kind: Literal["afwachten", "deelniveau"]
    motivation: Note
    body: Key
    review_on: date | None = None
    level: Key | None = None
    decided_on: date | None = None
