"""Validated inputs of the rights capability (``ledger/commands.py`` is full)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, StringConstraints

from ledger.commands import Command, Key, SubjectRef, Text

RequestRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=40)]
"""A request as users type it: V-3f9a2c1d, or the start of its id."""


class OpenRequest(Command):
    subject: SubjectRef
    kind: Key
    received_on: date
    note: Text | None = None


class ExtendRequest(Command):
    request: RequestRef
    reason: Text
    extended_on: date | None = None


class DecideRequest(Command):
    request: RequestRef
    outcome: Literal["toegewezen", "deels", "afgewezen"]
    reason: Text
    decided_on: date | None = None


def _field_name(value: object) -> object:
    """``birth_date`` is what people say; the subject's field is ``date_of_birth``."""
    return "date_of_birth" if value in ("birth_date", "dob") else value


class RectifyField(Command):
    """Replace one sealed field of a subject; ``value`` is checked per field by the service."""

    subject: SubjectRef
    field: Annotated[
        Literal["name", "date_of_birth", "address", "bsn"], BeforeValidator(_field_name)
    ]
    value: Text
    request: RequestRef | None = None
