"""Informing as practised: the information duty is vormvrij (000 L1553-1561). Parents
are phoned by Loket Jeugd (000 L280-282), the youth is told at the home conversation,
the jongerenwerker hands the letter over; each counts once it is recorded: who informed
whom, when, how, for which organisation, and with the letter or with what was told.
"""

from __future__ import annotations

from typing import Any

from ledger.application import Regie
from ledger.domain import letter_rules, rules
from ledger.domain.acting import Acting
from ledger.domain.letter import Letter
from ledger.domain.subject import REPRESENTATIVE, YOUTH, Subject, short_id
from ledger.errors import BadInput
from ledger.letters.commands import InformSubject
from ledger.letters.people import LetterPeople
from ledger.letters.triggers import letter_of, triggers

PARTNER_ROLE = "partner-contact"
"""A partner contact records only what their own organisation did."""


class Informing:
    def __init__(self, app: Regie, people: LetterPeople) -> None:
        self.app = app
        self.people = people

    def record(self, cmd: InformSubject, by: Acting) -> dict[str, Any]:
        people = self.people
        youth = people.youth(cmd.subject)
        youth_id = str(youth.id)
        people.participant(by, "letters.inform", people.persons.cases_of(youth_id))
        day = self.app.day(cmd.informed_on)
        found = triggers(people.queries, youth_id).get(youth_id)
        if found is None:
            raise rules.LETTER_TRIGGER.refuse()
        today = self.app.clock().isoformat()
        if not found.on.isoformat() <= day <= today:
            raise letter_rules.INFORMING_DATE.refuse(
                f"the information duty began on {found.on.isoformat()}; informing is "
                f"recorded from then until today"
            )
        pseudonym, kind = self._addressee(cmd, youth)
        org = self._organisation(cmd, by)
        if not cmd.with_letter and cmd.told is None:
            raise BadInput(
                "say what was told with --told, or link the generated letter with --with-letter"
            )
        letter = letter_of(self.app, youth_id) or Letter(subject_id=youth_id, by=by.record())
        told = None
        if cmd.told is not None:
            told = people.persons.sealer.seal(
                youth_id,
                f"letter:informed:{pseudonym}",
                self.app.policies.letters.personal_category,
                cmd.told,
            )
        digest = letter.inform((pseudonym, kind), cmd.how, day, org, cmd.with_letter, told, by)
        self.app.commit(letter)
        return {
            "subject": youth.short,
            "addressee": pseudonym,
            "kind": kind,
            "how": cmd.how,
            "on": day,
            "by": by.actor,
            "by_org": org,
            "letter_sha256": digest,
        }

    def _addressee(self, cmd: InformSubject, youth: Subject) -> tuple[str, str]:
        if cmd.to == "jongere":
            if cmd.addressee is not None and self.people.persons.resolve(cmd.addressee) != str(
                youth.id
            ):
                raise letter_rules.INFORMING_ADDRESSEE.refuse(
                    "--to jongere is the youth themself; leave out --addressee"
                )
            return youth.short, YOUTH
        reps = self.people.representatives(str(youth.id))
        if cmd.addressee is not None:
            chosen = self.people.persons.resolve(cmd.addressee)
            if chosen not in reps:
                raise letter_rules.INFORMING_ADDRESSEE.refuse(
                    f"{short_id(chosen)} is not a registered legal representative of {youth.short}"
                )
            return short_id(chosen), REPRESENTATIVE
        if not reps:
            raise letter_rules.INFORMING_ADDRESSEE.refuse(
                f"{youth.short} has no registered legal representative; register them with "
                "`regie subject add --kind wettelijk-vertegenwoordiger` first"
            )
        if len(reps) > 1:
            names = ", ".join(short_id(r) for r in reps)
            raise BadInput(f"name the representative with --addressee (one of {names})")
        return short_id(reps[0]), REPRESENTATIVE

    def _organisation(self, cmd: InformSubject, by: Acting) -> str:
        org = cmd.by_org or by.organisation
        if org not in self.app.policies.organisation_keys:
            raise BadInput(f"--by-org '{org}' is not an organisation of organisations.toml")
        if by.role == PARTNER_ROLE and org != by.organisation:
            raise letter_rules.INFORMING_OWN_ORG.refuse(
                f"'{by.actor}' acts for {by.organisation} and records no informing by {org}"
            )
        if cmd.how == "via-partner" and org == self.app.policies.letters.sender.organisation:
            raise letter_rules.INFORMING_PARTNER.refuse()
        return org
