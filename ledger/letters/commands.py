"""Commands of the information duty (letters), validated at the edge like ledger.commands."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ledger.commands import Command, SubjectRef, Text


class GenerateLetters(Command):
    subject: SubjectRef
    format: Literal["pdf", "txt", "md"] = "pdf"
    letter_date: date | None = None


class DeliverLetter(Command):
    subject: SubjectRef
    addressee: SubjectRef
    how: Literal["overhandigd", "verzonden"]
    delivered_on: date | None = None


class DeferLetters(Command):
    subject: SubjectRef
    ground: Literal["art14-5b", "uavg41"]
    reason: Text
    review_date: date
    deferred_on: date | None = None


class ResumeLetters(Command):
    subject: SubjectRef
    reason: Text
    resumed_on: date | None = None
