"""The information duty (AVG art. 13/14): which letters are due, generating them, and
recording delivery and deferral.

Generating a letter shows personal data (names, addresses), so it passes the permission
gate and writes its access events before any field is opened or any file is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select

from ledger.access.gate import AccessLog, Gate, Seen, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.config import DEFAULT_FG_CONTACT
from ledger.crypto.seal import MASKED
from ledger.domain import rules
from ledger.domain.access import DENIED
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.domain.letter import HANDED, SENT, Letter, LetterState
from ledger.domain.subject import IDENTIFICATION, REPRESENTATIVE, YOUTH, Subject, short_id
from ledger.errors import BadInput, Inconsistent, Unauthorised
from ledger.letters.addressees import Addressee, age_on
from ledger.letters.commands import DeferLetters, DeliverLetter, GenerateLetters, ResumeLetters
from ledger.letters.content import LetterContent
from ledger.letters.files import GeneratedLetter, RenderedLetter, write_all
from ledger.letters.render import Person, render_text, to_bytes
from ledger.letters.triggers import Trigger, letter_of, triggers
from ledger.persons.service import Persons
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.sharing.service import Sharing
from policies.letters import LettersFile

Row = dict[str, Any]
DUE, OVERDUE, GENERATED = "due", "overdue", "generated"
HANDED_OVER, SENT_STATUS = "handed over", "sent"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Letters:
    def __init__(
        self,
        app: Regie,
        queries: Queries,
        persons: Persons,
        sharing: Sharing,
        gate: Gate,
        log: AccessLog,
    ) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.gate = gate
        self.log = log
        self.content = LetterContent(app, queries, persons, sharing)

    @property
    def policy(self) -> LettersFile:
        return self.app.policies.letters

    # -- who ------------------------------------------------------------------------------

    def _youth(self, ref: str) -> Subject:
        subject = self.persons.subject(ref)
        if subject.kind != YOUTH:
            raise rules.LETTER_YOUTH.refuse()
        if subject.erased:
            raise rules.SUBJECT_ERASED.refuse(f"subject {subject.short} was erased")
        return subject

    def _subject_by_id(self, subject_id: str) -> Subject:
        aggregate: object = self.app.repository.get(UUID(subject_id))
        if not isinstance(aggregate, Subject):
            raise Inconsistent(f"record {subject_id} is not a subject")
        return aggregate

    def _representatives(self, youth_id: str) -> list[str]:
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

    def _field(self, subject: Subject, name: str) -> Any:
        sealed = subject.fields.get(name)
        if sealed is None:
            return None
        value = self.persons.open_field(subject, name, sealed)
        return None if value == MASKED else value

    def addressees(self, youth: Subject, on: date) -> list[Addressee]:
        """Who receives a letter about ``youth`` dated ``on``: by age (policy data), each
        their own letter. Opens the sealed date of birth: call it after logging access."""
        born = self._field(youth, "date_of_birth")
        if born is None:
            return []
        kinds = self.policy.addressee_kinds(age_on(date.fromisoformat(born), on))
        out = []
        if "jongere" in kinds:
            out.append(Addressee(str(youth.id), "jongere"))
        if "wettelijk-vertegenwoordiger" in kinds:
            out += [
                Addressee(r, "wettelijk-vertegenwoordiger")
                for r in self._representatives(str(youth.id))
            ]
        return out

    def _trigger(self, youth: Subject, on: date) -> Trigger:
        found = triggers(self.queries, str(youth.id)).get(str(youth.id))
        if found is None or found.on > on:
            raise rules.LETTER_TRIGGER.refuse()
        return found

    def _participant(self, by: Acting, command: str, cases: Sequence[Case]) -> None:
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

    # -- due ------------------------------------------------------------------------------

    @gated("letters.due")
    def due(
        self,
        by: Acting,
        as_of: date | None = None,
        everything: bool = False,
        purpose: str = DEFAULT_PURPOSE,
    ) -> list[Row]:
        """Per youth: trigger, deadline, addressees, status. Without ``everything`` only
        what needs action: due, overdue, generated, or deferred past its review date."""
        day = as_of or self.app.clock()
        self.log.record(by, "letters.due", "search", [], purpose, reason="informatieplicht")
        permission = self.app.policies.permissions.for_role(by.role)
        scoped = permission is None or permission.cases != "all"
        participants: dict[str, set[str]] = {}
        rows = []
        for subject_id, trigger in triggers(self.queries).items():
            if trigger.on > day:
                continue
            if scoped:
                cases = self.persons.cases_of(subject_id)
                for case in cases:
                    participants.setdefault(case.ref, case.participants)
                if not any(by.actor in participants[c.ref] for c in cases):
                    continue
            letter = letter_of(self.app, subject_id)
            state = letter.state(day) if letter is not None else LetterState()
            row = self._row(self._subject_by_id(subject_id), trigger, state, day)
            if everything or row["open"]:
                rows.append(row)
        return sorted(rows, key=lambda r: (r["deadline"], r["subject"]))

    def _row(self, youth: Subject, trigger: Trigger, state: LetterState, day: date) -> Row:
        deadline = self.policy.deadline_duration.after(trigger.on)
        letters = [
            {
                "addressee": a,
                "kind": x["addressee_kind"],
                "format": x["format"],
                "generated_on": x["on"],
                "content_sha256": x["content_sha256"],
                "delivered_on": x.get("delivered_on"),
                "how": x.get("how"),
            }
            for a, x in sorted(state.letters.items())
        ]
        if letters:
            addressees = [{"subject": x["addressee"], "kind": x["kind"]} for x in letters]
        else:
            addressees = [
                {"subject": a.pseudonym, "kind": a.kind} for a in self.addressees(youth, day)
            ]
        deferral = state.deferral
        review_due = False
        if deferral is not None:
            status = f"deferred until {deferral['review_date']}"
            review_due = deferral["review_date"] <= day.isoformat()
            open_ = review_due
        elif state.delivered_all:
            status = SENT_STATUS if any(x["how"] == SENT for x in letters) else HANDED_OVER
            open_ = False
        elif letters:
            status, open_ = GENERATED, True
        else:
            status, open_ = (OVERDUE if day > deadline else DUE), True
        if state.delivered_all:
            late = max(str(x["delivered_on"]) for x in letters) > deadline.isoformat()
        else:
            late = deferral is None and day > deadline
        return {
            "subject": youth.short,
            "case": trigger.case,
            "trigger": trigger.kind,
            "triggered_on": trigger.on.isoformat(),
            "deadline": deadline.isoformat(),
            "addressees": addressees,
            "status": status,
            "open": open_,
            "late": late,
            "deferred_until": deferral["review_date"] if deferral else None,
            "ground": deferral["ground"] if deferral else None,
            "deferred_by": deferral["by"] if deferral else None,
            "review_due": review_due,
            "letters": letters,
        }

    # -- generate -------------------------------------------------------------------------

    @gated("letters.generate")
    def generate(
        self,
        cmd: GenerateLetters,
        by: Acting,
        out_dir: Path,
        fg_contact: str = DEFAULT_FG_CONTACT,
        purpose: str = DEFAULT_PURPOSE,
        command: str = "letters.generate",
    ) -> list[GeneratedLetter]:
        """Render one letter per addressee into ``out_dir`` and record each with its hash."""
        made = self._make(cmd, by, fg_contact, purpose, command, out_dir)
        return [
            GeneratedLetter(a.pseudonym, a.kind, out_dir / name, sha256(data), text)
            for a, name, data, text in made
        ]

    @gated("letters.generate")
    def render(
        self,
        cmd: GenerateLetters,
        by: Acting,
        fg_contact: str = DEFAULT_FG_CONTACT,
        purpose: str = DEFAULT_PURPOSE,
        command: str = "letters.generate",
    ) -> list[RenderedLetter]:
        """Render and record one letter per addressee (as ``generate`` does), answering
        with each file's name and bytes (base64) instead of writing them."""
        made = self._make(cmd, by, fg_contact, purpose, command, None)
        return [
            RenderedLetter(a.pseudonym, a.kind, name, sha256(data), data)
            for a, name, data, _ in made
        ]

    def _make(
        self,
        cmd: GenerateLetters,
        by: Acting,
        fg_contact: str,
        purpose: str,
        command: str,
        out_dir: Path | None,
    ) -> list[tuple[Addressee, str, bytes, str]]:
        """Log the access, render, record; into ``out_dir`` (if given) before the commit."""
        youth = self._youth(cmd.subject)
        youth_id = str(youth.id)
        day = self.app.day(cmd.letter_date)
        on = date.fromisoformat(day)
        self._trigger(youth, on)
        letter = letter_of(self.app, youth_id)
        if letter is not None and letter.state().deferral is not None:
            raise rules.LETTER_DEFERRED.refuse()
        cases = self.persons.cases_of(youth_id)
        candidates = [Seen(youth_id, (IDENTIFICATION,))] + [
            Seen(r, (IDENTIFICATION,)) for r in self._representatives(youth_id)
        ]
        self.gate.personal_data(by, command, cases, candidates)
        case = cases[0].ref if len(cases) == 1 else None
        self.log.record(by, command, "export", candidates[:1], purpose, case=case)
        # Only now is anything opened: first the date of birth, to pick the addressees.
        addressees = self.addressees(youth, on)
        if not addressees:
            raise rules.LETTER_ADDRESSEE.refuse()
        others = [Seen(a.subject_id, (IDENTIFICATION,)) for a in addressees if a.kind != YOUTH]
        if others:
            self.log.record(by, command, "export", others, purpose, case=case)
        facts = self.content.gather(youth, cases, on, fg_contact)
        source = self.app.policies.sources["letters"]
        youth_person = self._person(youth)
        made = []
        for addressee in addressees:
            person = (
                youth_person
                if addressee.kind == YOUTH
                else self._person(self._subject_by_id(addressee.subject_id))
            )
            text = render_text(
                self.policy, source, addressee.kind, facts, person, youth_person, cmd.format
            )
            data = to_bytes(text, cmd.format, f"Informatieplicht {facts.reference}")
            name = f"informatieplicht-{youth.short}-{addressee.pseudonym}-{day}.{cmd.format}"
            made.append((addressee, name, data, text))
        letter = letter or Letter(subject_id=youth_id, by=by.record())
        letter.generate(
            [(a.pseudonym, a.kind, cmd.format, sha256(data)) for a, _, data, _ in made],
            day,
            by,
            policy_hash=self.app.policies.policy_hash,
        )
        files = [] if out_dir is None else [(out_dir / name, data) for _, name, data, _ in made]
        write_all(files)
        try:
            self.app.commit(letter)
        except BaseException:
            for path, _ in files:
                path.unlink(missing_ok=True)
            raise
        return made

    def _person(self, subject: Subject) -> Person:
        name = self._field(subject, "name")
        return Person(
            name=str(name) if name else subject.short, address=self._field(subject, "address")
        )

    @gated("letters.sent")
    def send(self, cmd: DeliverLetter, by: Acting) -> str:
        return self._deliver(cmd, by, "letters.sent")

    @gated("letters.handed")
    def hand_over(self, cmd: DeliverLetter, by: Acting) -> str:
        return self._deliver(cmd, by, "letters.handed")

    def _deliver(self, cmd: DeliverLetter, by: Acting, command: str) -> str:
        """Record that the letter to one addressee was posted or handed over; returns its
        pseudonym."""
        if (cmd.how == HANDED) != (command == "letters.handed"):
            raise BadInput(f"`{command.replace('.', ' ')}` does not record '{cmd.how}'")
        youth = self._youth(cmd.subject)
        addressee = short_id(self.persons.resolve(cmd.addressee))
        self._participant(by, command, self.persons.cases_of(str(youth.id)))
        letter = letter_of(self.app, str(youth.id))
        if letter is None:
            raise rules.LETTER_GENERATE_FIRST.refuse()
        letter.deliver(addressee, self.app.day(cmd.delivered_on), cmd.how, by)
        self.app.commit(letter)
        return addressee

    @gated("letters.defer")
    def defer(self, cmd: DeferLetters, by: Acting) -> str:
        """Defer the information duty on a legal ground until a review date."""
        youth = self._youth(cmd.subject)
        youth_id = str(youth.id)
        day = self.app.day(cmd.deferred_on)
        self._trigger(youth, date.fromisoformat(day))
        self._participant(by, "letters.defer", self.persons.cases_of(youth_id))
        letter = letter_of(self.app, youth_id) or Letter(subject_id=youth_id, by=by.record())
        sealed = self.persons.sealer.seal(
            youth_id, f"letter:{letter.deferrals + 1}", self.policy.deferral_category, cmd.reason
        )
        letter.defer(cmd.ground, sealed, cmd.review_date, day, self.policy.review_duration, by)
        self.app.commit(letter)
        return cmd.review_date.isoformat()

    @gated("letters.resume")
    def resume(self, cmd: ResumeLetters, by: Acting) -> None:
        """Lift the deferral: the letter is due again (its deadline has usually passed)."""
        youth = self._youth(cmd.subject)
        youth_id = str(youth.id)
        self._participant(by, "letters.resume", self.persons.cases_of(youth_id))
        letter = letter_of(self.app, youth_id)
        if letter is None:
            raise rules.LETTER_NOT_DEFERRED.refuse()
        sealed = self.persons.sealer.seal(
            youth_id, f"letter:{letter.deferrals + 1}", self.policy.deferral_category, cmd.reason
        )
        letter.resume(sealed, self.app.day(cmd.resumed_on), by)
        self.app.commit(letter)
