"""Who receives a letter about a youth: the addressee, and the age that decides it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.domain.subject import short_id
from policies.letters import AddresseeKind


@dataclass(frozen=True)
class Addressee:
    subject_id: str
    kind: AddresseeKind

    @property
    def pseudonym(self) -> str:
        return short_id(self.subject_id)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day``: turning 12 on the letter date counts as 12."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (1 if before_birthday else 0)
