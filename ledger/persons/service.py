"""Commands and views about persons: subjects, memberships, namenlijst, groepsscan.

Personal fields are sealed before they enter an event and opened only in views; a view
of an erased subject shows ``[gewist]``, never an error. Who may see a view, and the
access log written before it, come with the sharing issue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import or_, select

from ledger import commands as c
from ledger.access.gate import AccessLog, Gate, Seen, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.crypto.blind_index import BlindIndex
from ledger.crypto.seal import MASKED, Sealer
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.domain.subject import IDENTIFICATION, REPRESENTATIVE, YOUTH, Subject, short_id
from ledger.errors import BadInput, NotFound
from ledger.persons import family
from ledger.projections import tables as t
from ledger.projections.queries import Queries

BSN = "bsn"
CASE_DATA = "politie-informatie"
"""Category under which case-level police information (groepsscan summary) is sealed."""


class Persons:
    def __init__(
        self,
        app: Regie,
        queries: Queries,
        sealer: Callable[[], Sealer],
        gate: Gate,
        log: AccessLog,
    ) -> None:
        self.app = app
        self.queries = queries
        self._sealer = sealer
        self.gate = gate
        self.log = log

    @property
    def sealer(self) -> Sealer:
        return self._sealer()

    # -- lookup -----------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """A subject's id from its pseudonym (P-xxxxxxxxxx), a unique prefix, or the full id."""
        text = ref.strip().lower()
        if text.startswith("p-"):
            text = text[2:]
        text = text.replace("-", "")
        if len(text) < 6 or any(ch not in "0123456789abcdef" for ch in text):
            # Never echo the input: someone may have typed a name here.
            raise BadInput(
                "the subject must be a pseudonym such as P-3f9a2c1d0b (see `regie subject list`)"
            )
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = conn.execute(
                select(t.subjects.c.subject_id).where(
                    or_(
                        t.subjects.c.short == f"P-{text[:10]}",
                        t.subjects.c.subject_id.startswith(text[:8], autoescape=True),
                    )
                )
            ).all()
        matches = sorted({r[0] for r in rows if UUID(r[0]).hex.startswith(text)})
        if not matches:
            raise NotFound(f"there is no subject {ref}; see `regie subject list`")
        if len(matches) > 1:
            raise BadInput(f"'{ref}' matches {len(matches)} subjects; give more digits")
        return str(matches[0])

    def subject(self, ref: str) -> Subject:
        subject_id = self.resolve(ref)
        try:
            aggregate: object = self.app.repository.get(UUID(subject_id))
        except AggregateNotFoundError:
            raise NotFound(f"there is no subject {ref}") from None
        if not isinstance(aggregate, Subject):
            raise NotFound(f"there is no subject {ref}")
        return aggregate

    # -- subjects ---------------------------------------------------------------------

    @gated("subject.add")
    def register(self, cmd: c.RegisterSubject, by: Acting) -> Subject:
        if cmd.bsn is not None and not c.valid_bsn(cmd.bsn):
            raise BadInput("the BSN must be nine digits that pass the elfproef")
        youth: str | None = None
        if cmd.kind == REPRESENTATIVE:
            if cmd.representative_of is None:
                raise BadInput("a legal representative needs --representative-of <youth>")
            linked = self.subject(cmd.representative_of)
            if linked.kind != YOUTH or linked.erased:
                raise rules.MEMBER_YOUTH.refuse(
                    "a representative is linked to a (not erased) youth"
                )
            youth = str(linked.id)
        elif cmd.representative_of is not None:
            raise BadInput("--representative-of is only for a wettelijk-vertegenwoordiger")
        if cmd.kind == YOUTH and cmd.date_of_birth is None:
            raise BadInput("a youth needs a date of birth (the information duty depends on age)")
        if cmd.date_of_birth is not None and cmd.date_of_birth > self.app.clock():
            # The date itself is personal data: the message does not repeat it.
            raise BadInput("--dob: a date of birth cannot lie in the future")
        registered_on = self.app.day(cmd.registered_on)  # today, or a past day: never future
        if cmd.date_of_birth is not None and cmd.date_of_birth.isoformat() > registered_on:
            raise BadInput("--registered-on: a person is registered after being born")
        if cmd.date_of_birth is not None and not cmd.new_person:
            self._refuse_if_known(cmd.name, cmd.date_of_birth, by)
        subject_id = Subject.new_id()
        values: dict[str, Any] = {
            "name": cmd.name,
            "date_of_birth": cmd.date_of_birth.isoformat() if cmd.date_of_birth else None,
            "address": cmd.address,
            "bsn": cmd.bsn,
        }
        fields = {
            name: self.sealer.seal(
                subject_id, name, BSN if name == "bsn" else IDENTIFICATION, value
            )
            for name, value in values.items()
            if value is not None
        }
        subject = Subject(
            subject_id=subject_id,
            kind=cmd.kind,
            youth=youth,
            fields=fields,
            registered_on=registered_on,
            by=by.record(),
        )
        seen = [Seen(subject_id, tuple(sorted({f["cat"] for f in fields.values()})))]
        self.app.commit(subject, *self.log.entries(by, "subject.add", "create", seen, ""))
        if cmd.date_of_birth is not None:
            self.index.enter(subject_id, cmd.name, cmd.date_of_birth)
        return subject

    @property
    def index(self) -> BlindIndex:
        return BlindIndex(self.sealer.keystore)

    def _refuse_if_known(self, name: str, date_of_birth: Any, by: Acting) -> None:
        """Say so when this name and date of birth are registered already, but only to
        someone who may see that subject; to anyone else nothing differs (no oracle)."""
        found = self.index.matches(name, date_of_birth)
        if not found:
            return
        self.queries.projections.catch_up()
        alive = [
            r["subject_id"]
            for r in self.queries.rows(
                select(t.subjects.c.subject_id).where(
                    t.subjects.c.subject_id.in_(found), t.subjects.c.erased_at.is_(None)
                )
            )
        ]
        for subject_id in sorted(alive):
            cases = self.cases_of(subject_id)
            if self.gate.may_see(by, cases, self._registered_by(subject_id)):
                raise rules.MAYBE_REGISTERED.refuse(
                    f"this person may already be registered as {short_id(subject_id)}; "
                    "add --new-person if it is someone else"
                )

    def _may_handle(
        self, subject: Subject, by: Acting, command: str, categories: tuple[str, ...]
    ) -> list[Case]:
        """Changing a subject's data needs the same standing as seeing it (need-to-know)."""
        cases = self.cases_of(str(subject.id))
        self.gate.personal_data(
            by,
            command,
            cases,
            [Seen(str(subject.id), categories)],
            owner=self._registered_by(str(subject.id)),
        )
        return cases

    def may_handle(
        self, subject: Subject, by: Acting, command: str, categories: tuple[str, ...]
    ) -> list[Case]:
        """The need-to-know check for another capability's command about a subject."""
        return self._may_handle(subject, by, command, categories)

    def _registered_by(self, subject_id: str) -> str | None:
        rows = self.queries.rows(
            select(t.subjects.c.registered_by).where(t.subjects.c.subject_id == subject_id)
        )
        return str(rows[0]["registered_by"]) if rows else None

    @gated("subject.note")
    def record_note(self, cmd: c.RecordNote, by: Acting) -> None:
        self.app.check_key("data category", cmd.category, self.app.policies.categories)
        subject = self.subject(cmd.subject)
        subject.require_not_erased()
        self._may_handle(subject, by, "subject.note", (cmd.category,))
        sealed = self.sealer.seal(
            str(subject.id), f"note:{len(subject.notes) + 1}", cmd.category, cmd.text
        )
        subject.record_note(cmd.category, sealed, by)
        seen = [Seen(str(subject.id), (cmd.category,))]
        self.app.commit(subject, *self.log.entries(by, "subject.note", "create", seen, ""))

    @gated("subject.link")
    def link(self, cmd: family.LinkSubjects, by: Acting) -> None:
        """Record that ``other`` is ``subject``'s relation, on both, sealed under both."""
        self.app.check_key("relation", cmd.relation, self.app.policies.relations)
        subject, other = self.subject(cmd.subject), self.subject(cmd.other)
        if subject.id == other.id:
            raise BadInput("a subject cannot be linked to itself")
        for person in (subject, other):
            person.require_not_erased()
            self._may_handle(person, by, "subject.link", (family.LINK_CATEGORY,))
        family.record_link(self.sealer, subject, other, cmd.relation, by)
        seen = [Seen(str(p.id), (family.LINK_CATEGORY,)) for p in (subject, other)]
        self.app.commit(subject, other, *self.log.entries(by, "subject.link", "update", seen, ""))

    def _linked(self, subject: Subject, by: Acting) -> dict[str, Subject]:
        """The linked subjects this actor may see: a link also tells about the other."""
        linked = {}
        for other_id in sorted({link["other"] for link in subject.links}):
            other = self.subject(other_id)
            cases = self.cases_of(other_id)
            if self.gate.may_see(by, cases, self._registered_by(other_id)):
                linked[other_id] = other
        return linked

    @gated("subject.erase")
    def erase(self, cmd: c.EraseSubject, by: Acting) -> str:
        """Record the erasure, then destroy the keys. Re-running completes a broken erase."""
        subject = self.subject(cmd.subject)
        cases = self._may_handle(subject, by, "subject.erase", self.categories_held(subject))
        held = [
            r["label"]
            for r in self.queries.rows(
                select(t.holds.c.label).where(
                    t.holds.c.lifted_on.is_(None),
                    t.holds.c.target.in_([str(subject.id), *(case.ref for case in cases)]),
                )
            )
        ]
        if held:
            raise rules.SUBJECT_HELD.refuse(
                f"a legal hold protects {subject.short} ({', '.join(sorted(held))}); "
                "lift it with `regie retention hold lift` first"
            )
        if subject.erased:
            destroyed = self.sealer.keystore.shred(str(subject.id))
            if destroyed == 0:
                raise rules.SUBJECT_ERASED.refuse(f"subject {subject.short} was already erased")
            return "completed"
        subject.erase(cmd.reason, cmd.basis, self.app.day(None), by)
        seen = [Seen(str(subject.id), self.categories_held(subject))]
        self.app.commit(subject, *self.log.entries(by, "subject.erase", "delete", seen, ""))
        self.sealer.keystore.shred(str(subject.id))
        return "erased"

    def open_field(self, subject: Subject, field: str, sealed: dict[str, str]) -> Any:
        if subject.erased or sealed["cat"] in subject.erased_categories:
            return MASKED
        return self.sealer.open(str(subject.id), field, sealed)

    def cases_of(self, subject_id: str) -> list[Case]:
        """The cases a subject belongs to; a legal representative shares their youth's."""
        youth = [
            r["youth_id"]
            for r in self.queries.rows(
                select(t.subjects.c.youth_id).where(t.subjects.c.subject_id == subject_id)
            )
        ]
        people = [subject_id, *(y for y in youth if y)]
        case_ids = sorted(
            {
                r["case_id"]
                for r in self.queries.rows(
                    select(t.members.c.case_id).where(t.members.c.subject_id.in_(people))
                )
            }
        )
        return [self.app.case_by_id(case_id) for case_id in case_ids]

    @staticmethod
    def categories_held(subject: Subject) -> tuple[str, ...]:
        held = {sealed["cat"] for sealed in subject.fields.values()}
        held.update(n["category"] for n in subject.notes)
        if subject.links:
            held.add(family.LINK_CATEGORY)
        return tuple(sorted(held))

    @gated("subject.show")
    def view(
        self, ref: str, by: Acting, purpose: str = DEFAULT_PURPOSE, command: str = "subject.show"
    ) -> dict[str, Any]:
        """The subject with personal fields opened (or masked), after logging the access."""
        subject = self.subject(ref)
        subject_id = str(subject.id)
        seen = [Seen(subject_id, self.categories_held(subject))]
        cases = self.cases_of(subject_id)
        self.gate.personal_data(by, command, cases, seen, owner=self._registered_by(subject_id))
        linked = self._linked(subject, by)
        seen += [Seen(other, (family.LINK_CATEGORY,)) for other in linked]
        self.log.record(
            by, command, "read", seen, purpose, case=cases[0].ref if len(cases) == 1 else None
        )
        fields = {
            name: self.open_field(subject, name, sealed) for name, sealed in subject.fields.items()
        }
        notes = [
            {
                "category": n["category"],
                "text": self.open_field(subject, f"note:{i}", n["note"]),
                "recorded_at": n["at"],
                "by": n["by"]["actor"],
            }
            for i, n in enumerate(subject.notes, start=1)
        ]
        with self.queries.store.read() as conn:
            memberships = [
                dict(r)
                for r in conn.execute(
                    select(t.members, t.cases.c.ref)
                    .join(t.cases, t.cases.c.case_id == t.members.c.case_id)
                    .where(t.members.c.subject_id == subject_id)
                    .order_by(t.cases.c.ref)
                ).mappings()
            ]
            representatives = [
                short_id(r[0])
                for r in conn.execute(
                    select(t.subjects.c.subject_id).where(t.subjects.c.youth_id == subject_id)
                )
            ]
        for m in memberships:
            m.pop("case_id")
            m.pop("subject_id")
        return {
            "subject": subject.short,
            "kind": subject.kind,
            "youth": short_id(subject.youth) if subject.youth else None,
            "representatives": representatives,
            "erased": subject.erased,
            "fields": fields,
            "notes": notes,
            "links": family.open_links(self.sealer, subject, linked),
            "cases": memberships,
        }

    @gated("subject.list")
    def listing(self, by: Acting) -> list[dict[str, Any]]:
        """Every subject by pseudonym (personal data too): logged as a search."""
        self.log.record(by, "subject.list", "search", [], "")
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(t.subjects).order_by(t.subjects.c.registered_at, t.subjects.c.short)
                ).mappings()
            ]
            case_refs: dict[str, list[str]] = {}
            for subject_id, ref in conn.execute(
                select(t.members.c.subject_id, t.cases.c.ref)
                .join(t.cases, t.cases.c.case_id == t.members.c.case_id)
                .where(t.members.c.ended_on.is_(None))
            ):
                case_refs.setdefault(subject_id, []).append(ref)
        return [
            {
                "subject": r["short"],
                "kind": r["kind"],
                "youth": short_id(r["youth_id"]) if r["youth_id"] else None,
                "cases": sorted(case_refs.get(r["subject_id"], [])),
                "registered_at": r["registered_at"],
                "erased": r["erased_at"] is not None,
            }
            for r in rows
        ]


def registration_org(app: Regie, subject: Subject) -> str:
    """The organisation that registered a subject: the source of its identifying data."""
    first = next(iter(app.repository.event_store.get(subject.id, limit=1)))
    return str(first.by["org"])  # type: ignore[attr-defined]
