"""The commands of the meetings capability."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from ledger.commands import CaseRef, Command, Handle, Key, Note, Text

MINUTES_MAX = 40_000
"""Characters in one set of minutes: several pages, not an attachment."""
Minutes = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MINUTES_MAX)
]
MeetingNumber = Annotated[int, Field(ge=1)]


class PlanMeeting(Command):
    case: CaseRef
    kind: Key
    on: date


class AddAgendaItems(Command):
    case: CaseRef
    meeting: MeetingNumber
    items: list[Text] = Field(min_length=1)


class RecordAttendees(Command):
    case: CaseRef
    meeting: MeetingNumber
    actors: list[Handle] = Field(default_factory=list)
    organisations: list[Key] = Field(default_factory=list)


class RecordMinutes(Command):
    case: CaseRef
    meeting: MeetingNumber
    text: Minutes
    held_on: date | None = None


class LinkDecision(Command):
    case: CaseRef
    meeting: MeetingNumber
    decision: int = Field(ge=1)


class CompleteActionPoint(Command):
    case: CaseRef
    number: int = Field(ge=1)
    completed_on: date | None = None
    note: Note = ""


class AgreeActionPoint(Command):
    case: CaseRef
    meeting: MeetingNumber
    text: Text
    organisation: Key
    due: date
    action: int | None = Field(default=None, ge=1)
