"""Commands of the information duty (letters), validated at the edge like ledger.commands."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ledger.commands import Command, Key, SubjectRef, Text


class GenerateLetters(Command):
    subject: SubjectRef
    format: Literal["pdf", "txt", "md"] = "pdf"
    letter_date: date | None = None
    personal: Text | None = None
    """The concern about this youth and the choice they have (000 L1553-1561); sealed."""


class DeliverLetter(Command):
    subject: SubjectRef
    addressee: SubjectRef
    how: Literal["overhandigd", "verzonden"]
    delivered_on: date | None = None


class InformSubject(Command):
    """Informing as practised (vormvrij): who was informed, how, when, by which
    organisation, with the generated letter or with what was told."""

    subject: SubjectRef
    how: Literal["brief", "huisgesprek", "telefoon", "via-partner"]
    to: Literal["jongere", "vertegenwoordiger"]
    addressee: SubjectRef | None = None
    informed_on: date | None = None
    by_org: Key | None = None
    with_letter: bool = False
    told: Text | None = None


class DeferLetters(Command):
    subject: SubjectRef
    ground: Literal["art14-5b", "uavg41"]
    reason: Text
    review_date: date
    deferred_on: date | None = None


class DecideDeferral(Command):
    """The privacy officer's second decision on a pending deferral (UAVG art. 41)."""

    subject: SubjectRef
    confirm: bool
    reason: Text
    decided_on: date | None = None


class ResumeLetters(Command):
    subject: SubjectRef
    reason: Text
    resumed_on: date | None = None
