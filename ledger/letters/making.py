"""Making the letters about one youth: log the access, open what the letter needs,
render one letter per addressee and record each with its hash, all or nothing.

Generating a letter shows personal data (names, addresses), so the access events are
written before any field is opened or any file is written. The personal paragraph is
sealed under the youth's key into the record of the letters; it never reaches a log.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from ledger.access.gate import AccessLog, Gate, Seen
from ledger.application import Regie
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.letter import Letter
from ledger.domain.subject import IDENTIFICATION, YOUTH
from ledger.letters.addressees import Addressee
from ledger.letters.commands import GenerateLetters
from ledger.letters.content import LetterContent
from ledger.letters.files import write_all
from ledger.letters.people import LetterPeople
from ledger.letters.render import render_text, to_bytes
from ledger.letters.triggers import letter_of, triggers

Made = tuple[Addressee, str, bytes, str]
"""(addressee, file name, file bytes, rendered text) of one letter."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LetterMaker:
    def __init__(
        self,
        app: Regie,
        people: LetterPeople,
        content: LetterContent,
        gate: Gate,
        log: AccessLog,
    ) -> None:
        self.app = app
        self.people = people
        self.content = content
        self.gate = gate
        self.log = log

    def make(
        self, cmd: GenerateLetters, by: Acting, purpose: str, command: str, out_dir: Path | None
    ) -> list[Made]:
        """Log the access, render, record; into ``out_dir`` (if given) before the commit."""
        youth = self.people.youth(cmd.subject)
        youth_id = str(youth.id)
        day = self.app.day(cmd.letter_date)
        on = date.fromisoformat(day)
        found = triggers(self.content.queries, youth_id).get(youth_id)
        if found is None or found.on > on:
            raise rules.LETTER_TRIGGER.refuse()
        letter = letter_of(self.app, youth_id)
        if letter is not None and letter.state().deferral is not None:
            raise rules.LETTER_DEFERRED.refuse()
        persons = self.people.persons
        cases = persons.cases_of(youth_id)
        candidates = [Seen(youth_id, (IDENTIFICATION,))] + [
            Seen(r, (IDENTIFICATION,)) for r in self.people.representatives(youth_id)
        ]
        self.gate.personal_data(by, command, cases, candidates)
        case = cases[0].ref if len(cases) == 1 else None
        self.log.record(by, command, "export", candidates[:1], purpose, case=case)
        # Only now is anything opened: first the date of birth, to pick the addressees.
        addressees = self.people.addressees(youth, on)
        if not addressees:
            raise rules.LETTER_ADDRESSEE.refuse()
        others = [Seen(a.subject_id, (IDENTIFICATION,)) for a in addressees if a.kind != YOUTH]
        if others:
            self.log.record(by, command, "export", others, purpose, case=case)
        born = self.people.field(youth, "date_of_birth")
        facts = self.content.gather(
            youth, cases, on, date.fromisoformat(born) if born else None, cmd.personal
        )
        source = self.app.policies.sources["letters"]
        youth_person = self.people.person(youth)
        made = []
        for addressee in addressees:
            person = (
                youth_person
                if addressee.kind == YOUTH
                else self.people.person(self.people.subject_by_id(addressee.subject_id))
            )
            text = render_text(
                self.app.policies.letters,
                source,
                addressee.kind,
                facts,
                person,
                youth_person,
                cmd.format,
            )
            data = to_bytes(text, cmd.format, f"Informatieplicht {facts.reference}")
            name = f"informatieplicht-{youth.short}-{addressee.pseudonym}-{day}.{cmd.format}"
            made.append((addressee, name, data, text))
        letter = letter or Letter(subject_id=youth_id, by=by.record())
        personal = None
        if cmd.personal:
            label = f"letter:personal:{letter.rounds + 1}"
            category = self.app.policies.letters.personal_category
            personal = persons.sealer.seal(youth_id, label, category, cmd.personal)
        letter.generate(
            [(a.pseudonym, a.kind, cmd.format, sha256(data)) for a, _, data, _ in made],
            day,
            by,
            policy_hash=self.app.policies.policy_hash,
            personal=personal,
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
