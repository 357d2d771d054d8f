"""The people a letter concerns: the youth, their registered representatives, and who
receives a letter by age. Sealed fields are opened here only, after access was logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from ledger.access.gate import AccessLog
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.crypto.seal import MASKED
from ledger.domain import rules
from ledger.domain.access import DENIED
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.domain.subject import REPRESENTATIVE, YOUTH, Subject
from ledger.errors import Inconsistent, Unauthorised
from ledger.letters.addressees import Addressee, age_on
from ledger.letters.render import Person
from ledger.persons.service import Persons
from ledger.projections import tables as t
from ledger.projections.queries import Queries


class LetterPeople:
    def __init__(self, app: Regie, queries: Queries, persons: Persons, log: AccessLog) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.log = log

    def youth(self, ref: str) -> Subject:
        subject = self.persons.subject(ref)
        if subject.kind != YOUTH:
            raise rules.LETTER_YOUTH.refuse()
        if subject.erased:
            raise rules.SUBJECT_ERASED.refuse(f"subject {subject.short} was erased")
        return subject

    def subject_by_id(self, subject_id: str) -> Subject:
        aggregate: object = self.app.repository.get(UUID(subject_id))
        if not isinstance(aggregate, Subject):
            raise Inconsistent(f"record {subject_id} is not a subject")
        return aggregate

    def representatives(self, youth_id: str) -> list[str]:
        """The registered, not erased legal representatives of a youth, by subject id."""
        self.queries.projections.catch_up()
        s = t.subjects
        with self.queries.store.read() as conn:
            rows = conn.execute(
                select(s.c.subject_id)
                .where(s.c.youth_id == youth_id, s.c.kind == REPRESENTATIVE)
                .where(s.c.erased_at.is_(None))
                .order_by(s.c.short)
            )
            return [str(r[0]) for r in rows]

    def field(self, subject: Subject, name: str) -> Any:
        sealed = subject.fields.get(name)
        if sealed is None:
            return None
        value = self.persons.open_field(subject, name, sealed)
        return None if value == MASKED else value

    def age(self, youth: Subject, on: date) -> int | None:
        """The youth's age on ``on``; opens the sealed date of birth."""
        born = self.field(youth, "date_of_birth")
        return None if born is None else age_on(date.fromisoformat(born), on)

    def addressees(self, youth: Subject, on: date) -> list[Addressee]:
        """Who receives a letter about ``youth`` dated ``on``: by age (policy data), each
        their own letter. Opens the sealed date of birth: call it after logging access."""
        age = self.age(youth, on)
        if age is None:
            return []
        kinds = self.app.policies.letters.addressee_kinds(age)
        out = []
        if "jongere" in kinds:
            out.append(Addressee(str(youth.id), "jongere"))
        if "wettelijk-vertegenwoordiger" in kinds:
            out += [
                Addressee(r, "wettelijk-vertegenwoordiger")
                for r in self.representatives(str(youth.id))
            ]
        return out

    def missing_representative(self, youth: Subject, on: date) -> bool:
        """The policy wants the representatives informed, but none is registered."""
        age = self.age(youth, on)
        if age is None:
            return False
        wanted = "wettelijk-vertegenwoordiger" in self.app.policies.letters.addressee_kinds(age)
        return wanted and not self.representatives(str(youth.id))

    def person(self, subject: Subject) -> Person:
        name = self.field(subject, "name")
        return Person(
            name=str(name) if name else subject.short, address=self.field(subject, "address")
        )

    def participant(self, by: Acting, command: str, cases: Sequence[Case]) -> None:
        """Roles scoped to "participant" act only on youths of cases they take part in."""
        permission = self.app.policies.permissions.for_role(by.role)
        if permission is not None and permission.cases == "all":
            return
        if any(by.actor in case.participants for case in cases):
            return
        refs = ", ".join(sorted(c.ref for c in cases)) or "-"
        message = f"'{by.actor}' does not take part in case(s) {refs} [rule {rules.PARTICIPANT.id}]"
        case = cases[0].ref if len(cases) == 1 else None
        self.log.record(by, command, "update", [], DEFAULT_PURPOSE, DENIED, case, message)
        raise Unauthorised(message)
