"""Data subjects: youths and their legal representatives, known by a random pseudonym.

Personal fields exist only sealed (see :mod:`ledger.crypto.seal`); this aggregate holds
ciphertext and categories, never plaintext. Erasure is recorded here; the key itself is
destroyed in the key store.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

YOUTH = "jongere"
REPRESENTATIVE = "wettelijk-vertegenwoordiger"
IDENTIFICATION = "identificatie"
PERSONAL_FIELDS = ("name", "date_of_birth", "address", "bsn")


class Subject(Aggregate):
    class Registered(Aggregate.Created):
        """Version 2 carries ``registered_on``, the domain date of registration (from the
        ledger's clock), so that retention never counts from the library's wall-clock
        timestamp."""

        class_version = 2

        subject_id: str
        kind: str
        youth: str | None
        fields: dict[str, dict[str, str]]
        registered_on: str
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 had no domain date: the UTC date it was stored is the best there is."""
            state["registered_on"] = state["timestamp"].date().isoformat()

    @event(Registered)
    def __init__(
        self,
        subject_id: str,
        kind: str,
        youth: str | None,
        fields: dict[str, dict[str, str]],
        registered_on: str,
        by: dict[str, Any],
    ) -> None:
        self.kind = kind
        self.registered_on = registered_on
        self.youth = youth
        self.fields = dict(fields)
        self.notes: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.erased = False
        self.erased_categories: set[str] = set()
        self.rectified = 0

    @classmethod
    def create_id(cls, subject_id: str, **_: Any) -> UUID:
        """The id is drawn before registration, because sealing binds fields to it."""
        return UUID(subject_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    @property
    def short(self) -> str:
        return short_id(self.id)

    class NoteRecorded(Aggregate.Event):
        class_version = 1

        category: str
        note: dict[str, str]
        by: dict[str, Any]

        def apply(self, subject: Subject) -> None:
            subject.notes.append(
                {
                    "category": self.category,
                    "note": self.note,
                    "at": self.timestamp.isoformat(),
                    "by": self.by,
                }
            )

    def record_note(self, category: str, note: dict[str, str], by: Acting) -> None:
        self.require_not_erased()
        self.trigger_event(self.NoteRecorded, category=category, note=note, by=by.record())

    class Linked(Aggregate.Event):
        """A family link: ``other`` is this subject's ``relation`` (direction "to"), or
        this subject is the other's (direction "from"). Recorded on both subjects; the
        relation is sealed under both subjects' keys (:mod:`ledger.persons.family`)."""

        class_version = 1

        other: str
        direction: str
        relation: dict[str, str]
        by: dict[str, Any]

        def apply(self, subject: Subject) -> None:
            subject.links.append(
                {
                    "other": self.other,
                    "direction": self.direction,
                    "relation": self.relation,
                    "at": self.timestamp.isoformat(),
                    "by": self.by,
                }
            )

    def link(self, other: str, direction: str, relation: dict[str, str], by: Acting) -> None:
        self.require_not_erased()
        self.trigger_event(
            self.Linked, other=other, direction=direction, relation=relation, by=by.record()
        )

    class Rectified(Aggregate.Event):
        """A sealed field replaced (AVG art. 16). The new value, and every value of the
        subject that shared the old key (``fields``; ``notes`` by number), are sealed
        under the category's next key generation; the old generation (``retired``; None
        when the field had no value) is destroyed after this is recorded (decision 0031)."""

        class_version = 1

        field: str
        category: str
        retired: str | None
        fields: dict[str, dict[str, str]]
        notes: dict[str, dict[str, str]]
        request: str | None
        rectified_on: str
        by: dict[str, Any]

        def apply(self, subject: Subject) -> None:
            subject.fields.update(self.fields)
            for number, sealed in self.notes.items():
                subject.notes[int(number) - 1]["note"] = sealed
            subject.rectified += 1

    def rectify(
        self,
        field: str,
        category: str,
        retired: str | None,
        resealed: tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]],
        request: str | None,
        rectified_on: str,
        by: Acting,
    ) -> None:
        self.require_not_erased()
        if category in self.erased_categories:
            raise rules.SUBJECT_ERASED.refuse(f"the {category} data of {self.short} was erased")
        fields, notes = resealed
        self.trigger_event(
            self.Rectified,
            field=field,
            category=category,
            retired=retired,
            fields=fields,
            notes=notes,
            request=request,
            rectified_on=rectified_on,
            by=by.record(),
        )

    class Erased(Aggregate.Event):
        """The subject's data keys are to be destroyed (crypto-shredding): why, on which basis.

        Version 2 carries ``erased_on``, the domain date of the erasure (from the ledger's
        clock): how long a destruction has been left unfinished is counted from it.
        """

        class_version = 2

        categories: list[str] | None
        reason: str
        basis: str
        erased_on: str
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 had no domain date: the UTC date it was stored is the best there is."""
            state["erased_on"] = state["timestamp"].date().isoformat()

        def apply(self, subject: Subject) -> None:
            if self.categories is None:
                subject.erased = True
            else:
                subject.erased_categories.update(self.categories)

    def require_not_erased(self) -> None:
        if self.erased:
            raise rules.SUBJECT_ERASED.refuse(
                f"subject {self.short} was erased; register the person again as a new subject"
            )

    def erase(
        self,
        reason: str,
        basis: str,
        erased_on: str,
        by: Acting,
        categories: list[str] | None = None,
    ) -> None:
        """Record the erasure of every category (``categories`` None) or of the given ones."""
        self.require_not_erased()
        self.trigger_event(
            self.Erased,
            categories=categories,
            reason=reason,
            basis=basis,
            erased_on=erased_on,
            by=by.record(),
        )


def short_id(subject_id: UUID | str) -> str:
    """The pseudonym users type: 'P-' and the first 10 hex digits of the random id."""
    return "P-" + UUID(str(subject_id)).hex[:10]
