"""The information duty (AVG art. 13/14): which letters are due, generating them, and
recording how each addressee was informed, and deferral with its second decision.

The concepts live beside this module: who (people.py), where each duty stands
(status.py), making the letters (making.py), what they say (content.py). Here are the
gated entry points the CLI and the HTTP API call.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ledger.access.gate import AccessLog, Gate, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.domain import letter_rules, rules
from ledger.domain.acting import Acting
from ledger.domain.letter import HANDED, Letter
from ledger.domain.subject import short_id
from ledger.errors import BadInput
from ledger.letters.addressees import age_on as age_on
from ledger.letters.commands import (
    DecideDeferral,
    DeferLetters,
    DeliverLetter,
    GenerateLetters,
    InformSubject,
    ResumeLetters,
)
from ledger.letters.content import LetterContent
from ledger.letters.files import GeneratedLetter, RenderedLetter
from ledger.letters.informing import Informing
from ledger.letters.making import LetterMaker, sha256
from ledger.letters.people import LetterPeople
from ledger.letters.status import LetterStatus
from ledger.letters.triggers import letter_of, triggers
from ledger.persons.service import Persons
from ledger.projections.queries import Queries
from ledger.sharing.service import Sharing
from policies.letters import LettersFile

Row = dict[str, Any]


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
        self.people = LetterPeople(app, queries, persons, log)
        self.status = LetterStatus(app, queries, self.people)
        self.maker = LetterMaker(app, self.people, self.content, gate, log)
        self.informing = Informing(app, self.people)

    @property
    def policy(self) -> LettersFile:
        return self.app.policies.letters

    # -- due ------------------------------------------------------------------------------

    @gated("letters.due")
    def due(
        self,
        by: Acting,
        as_of: date | None = None,
        everything: bool = False,
        purpose: str = DEFAULT_PURPOSE,
    ) -> list[Row]:
        """Per youth: trigger, deadline, addressees, who was informed, status. Without
        ``everything`` only what needs action: due, overdue, generated, a deferral
        awaiting the privacy officer or past its review date, a missing representative."""
        day = as_of or self.app.clock()
        self.log.record(by, "letters.due", "search", [], purpose, reason="informatieplicht")
        permission = self.app.policies.permissions.for_role(by.role)
        scoped = permission is None or permission.cases != "all"
        participants: dict[str, set[str]] = {}

        def include(subject_id: str) -> bool:
            if not scoped:
                return True
            cases = self.persons.cases_of(subject_id)
            for case in cases:
                participants.setdefault(case.ref, case.participants)
            return any(by.actor in participants[c.ref] for c in cases)

        rows = self.status.rows(day, include)
        return [r for r in rows if everything or r["open"] or r["missing_representative"]]

    # -- generate -------------------------------------------------------------------------

    @gated("letters.generate")
    def generate(
        self,
        cmd: GenerateLetters,
        by: Acting,
        out_dir: Path,
        purpose: str = DEFAULT_PURPOSE,
        command: str = "letters.generate",
    ) -> list[GeneratedLetter]:
        """Render one letter per addressee into ``out_dir`` and record each with its hash."""
        made = self.maker.make(cmd, by, purpose, command, out_dir)
        return [
            GeneratedLetter(a.pseudonym, a.kind, out_dir / name, sha256(data), text)
            for a, name, data, text in made
        ]

    @gated("letters.generate")
    def render(
        self,
        cmd: GenerateLetters,
        by: Acting,
        purpose: str = DEFAULT_PURPOSE,
        command: str = "letters.generate",
    ) -> list[RenderedLetter]:
        """Render and record one letter per addressee (as ``generate`` does), answering
        with each file's name and bytes (base64) instead of writing them."""
        made = self.maker.make(cmd, by, purpose, command, None)
        return [
            RenderedLetter(a.pseudonym, a.kind, name, sha256(data), data)
            for a, name, data, _ in made
        ]

    # -- informing ------------------------------------------------------------------------

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
        youth = self.people.youth(cmd.subject)
        addressee = short_id(self.persons.resolve(cmd.addressee))
        self.people.participant(by, command, self.persons.cases_of(str(youth.id)))
        letter = letter_of(self.app, str(youth.id))
        if letter is None:
            raise rules.LETTER_GENERATE_FIRST.refuse()
        letter.deliver(addressee, self.app.day(cmd.delivered_on), cmd.how, by)
        self.app.commit(letter)
        return addressee

    @gated("letters.inform")
    def inform(self, cmd: InformSubject, by: Acting) -> Row:
        """Record that the youth or a representative was informed (by letter, at the home
        conversation, by phone or through a partner), with or without a generated
        letter; a partner contact records their own organisation's informing."""
        return self.informing.record(cmd, by)

    # -- deferral -------------------------------------------------------------------------

    @gated("letters.defer")
    def defer(self, cmd: DeferLetters, by: Acting) -> str:
        """Defer the information duty on a legal ground until a review date; on a ground
        of letters.toml [deferral] confirm_grounds it waits for the privacy officer."""
        youth = self.people.youth(cmd.subject)
        youth_id = str(youth.id)
        day = self.app.day(cmd.deferred_on)
        found = triggers(self.queries, youth_id).get(youth_id)
        if found is None or found.on > date.fromisoformat(day):
            raise rules.LETTER_TRIGGER.refuse()
        self.people.participant(by, "letters.defer", self.persons.cases_of(youth_id))
        letter = letter_of(self.app, youth_id) or Letter(subject_id=youth_id, by=by.record())
        sealed = self.persons.sealer.seal(
            youth_id, f"letter:{letter.deferrals + 1}", self.policy.deferral_category, cmd.reason
        )
        pending = cmd.ground in self.policy.deferral.confirm_grounds
        letter.defer(
            cmd.ground, sealed, cmd.review_date, day, self.policy.review_duration, by,
            pending=pending,
        )  # fmt: skip
        self.app.commit(letter)
        return cmd.review_date.isoformat()

    @gated("letters.decide-deferral")
    def decide_deferral(self, cmd: DecideDeferral, by: Acting) -> str:
        """The second decision on a pending deferral: the privacy officer confirms it (the
        deferral takes effect) or rejects it (the letter is due as before)."""
        if by.role != self.policy.deferral.confirmed_by:
            raise letter_rules.DEFERRAL_CONFIRMER.refuse(
                f"only the role '{self.policy.deferral.confirmed_by}' decides a pending "
                "deferral (letters.toml [deferral] confirmed_by)"
            )
        youth = self.people.youth(cmd.subject)
        youth_id = str(youth.id)
        letter = letter_of(self.app, youth_id)
        if letter is None:
            raise letter_rules.DEFERRAL_NOT_PENDING.refuse()
        sealed = self.persons.sealer.seal(
            youth_id, f"letter:{letter.deferrals + 1}", self.policy.deferral_category, cmd.reason
        )
        letter.decide_deferral(cmd.confirm, sealed, self.app.day(cmd.decided_on), by)
        self.app.commit(letter)
        return "confirmed" if cmd.confirm else "rejected"

    @gated("letters.resume")
    def resume(self, cmd: ResumeLetters, by: Acting) -> None:
        """Lift the deferral (or withdraw one awaiting confirmation): the letter is due
        again (its deadline has usually passed)."""
        youth = self.people.youth(cmd.subject)
        youth_id = str(youth.id)
        self.people.participant(by, "letters.resume", self.persons.cases_of(youth_id))
        letter = letter_of(self.app, youth_id)
        if letter is None:
            raise rules.LETTER_NOT_DEFERRED.refuse()
        sealed = self.persons.sealer.seal(
            youth_id, f"letter:{letter.deferrals + 1}", self.policy.deferral_category, cmd.reason
        )
        letter.resume(sealed, self.app.day(cmd.resumed_on), by)
        self.app.commit(letter)
