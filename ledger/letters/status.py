"""Where the information duty towards each youth stands on a day: its deadline, who must
be informed, who was, and whether a deferral holds or awaits the privacy officer.

The deadline is the earlier of one month after the trigger (AVG art. 14(3)(a)) and the
first provision of the youth's data to another organisation (art. 14(3)(c)); both are
policy data in letters.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ledger.application import Regie
from ledger.domain.letter import HANDED, SENT
from ledger.domain.letter_state import LetterState
from ledger.domain.subject import Subject
from ledger.letters.people import LetterPeople
from ledger.letters.triggers import Trigger, first_disclosures, letter_of, triggers
from ledger.projections.queries import Queries

Row = dict[str, Any]
DUE, OVERDUE, GENERATED = "due", "overdue", "generated"
HANDED_OVER, SENT_STATUS, INFORMED = "handed over", "sent", "informed"
PENDING = "deferral awaiting the privacy officer"


class LetterStatus:
    def __init__(self, app: Regie, queries: Queries, people: LetterPeople) -> None:
        self.app = app
        self.queries = queries
        self.people = people

    def deadline(self, trigger: Trigger, disclosed: date | None) -> date:
        policy = self.app.policies.letters
        latest = policy.deadline_duration.after(trigger.on)
        if policy.deadline_at_first_disclosure and disclosed is not None:
            return min(latest, max(disclosed, trigger.on))
        return latest

    def rows(self, day: date, include: Callable[[str], bool] = lambda _s: True) -> list[Row]:
        """One row per youth whose duty began on or before ``day`` and ``include`` admits."""
        disclosed = first_disclosures(self.queries)
        out = []
        for subject_id, trigger in triggers(self.queries).items():
            if trigger.on > day or not include(subject_id):
                continue
            letter = letter_of(self.app, subject_id)
            state = letter.state(day) if letter is not None else LetterState()
            youth = self.people.subject_by_id(subject_id)
            out.append(self.row(youth, trigger, state, day, disclosed.get(subject_id)))
        return sorted(out, key=lambda r: (r["deadline"], r["subject"]))

    def row(
        self,
        youth: Subject,
        trigger: Trigger,
        state: LetterState,
        day: date,
        disclosed: date | None,
    ) -> Row:
        deadline = self.deadline(trigger, disclosed)
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
                {"subject": a.pseudonym, "kind": a.kind} for a in self.people.addressees(youth, day)
            ]
        informed = [
            {
                "addressee": a,
                "kind": x.get("addressee_kind"),
                "how": x["how"],
                "on": x["on"],
                "by": x["by"],
                "org": x.get("org"),
                "with_letter": x["kind"] == "delivered" or bool(x.get("letter_sha256")),
            }
            for a, x in sorted(state.informed.items())
        ]
        missing_rep = self.people.missing_representative(youth, day)
        done = not missing_rep and state.informed_all(a["subject"] for a in addressees)
        deferral, pending = state.deferral, state.pending
        review_due = False
        if deferral is not None:
            status = f"deferred until {deferral['review_date']}"
            review_due = deferral["review_date"] <= day.isoformat()
            open_ = review_due
        elif done:
            if all(x["how"] in (SENT, HANDED) for x in informed):
                status = SENT_STATUS if any(x["how"] == SENT for x in informed) else HANDED_OVER
            else:
                status = INFORMED
            open_ = False
        elif pending is not None:
            status, open_ = PENDING, True
        elif letters:
            status, open_ = GENERATED, True
        else:
            status, open_ = (OVERDUE if day > deadline else DUE), True
        if done:
            late = max(str(x["on"]) for x in informed) > deadline.isoformat()
        else:
            late = deferral is None and day > deadline
        return {
            "subject": youth.short,
            "case": trigger.case,
            "trigger": trigger.kind,
            "triggered_on": trigger.on.isoformat(),
            "first_disclosure": disclosed.isoformat() if disclosed else None,
            "deadline": deadline.isoformat(),
            "addressees": addressees,
            "missing_representative": missing_rep,
            "status": status,
            "open": open_,
            "late": late,
            "deferred_until": deferral["review_date"] if deferral else None,
            "ground": deferral["ground"] if deferral else None,
            "deferred_by": deferral["by"] if deferral else None,
            "review_due": review_due,
            "pending_deferral": (
                {
                    "ground": pending["ground"],
                    "by": pending["by"],
                    "on": pending["on"],
                    "review_date": pending["review_date"],
                }
                if pending
                else None
            ),
            "letters": letters,
            "informed": informed,
        }
