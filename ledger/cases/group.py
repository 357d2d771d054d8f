"""Who is in the group: memberships with their position, the agreed namenlijst, the
groepsscan the police deliver and police reports on members."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import Seen, gated
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case import Case
from ledger.domain.subject import IDENTIFICATION, YOUTH, Subject
from ledger.persons.service import CASE_DATA, Persons
from ledger.projections import tables as t
from ledger.sharing.group_disclosures import POLICE_INFORMATION

MEMBERSHIP_CATEGORY = "groepspositie"
"""The data category of a member's position in the group."""

GROEPSSCAN_BY = tuple(
    f"{what}_{part}"
    for what in ("requested", "received")
    for part in ("org", "actor", "role", "at")
)
"""Who sent and who recorded each groepsscan: for the register, not for `groepsscan show`."""


class AddToNamenlijst(c.Command):
    """One member added to the agreed namenlijst: a new version the partners agreed."""

    case: c.CaseRef
    subject: c.SubjectRef
    motivation: c.Text
    agreed_by: list[c.Key] = Field(min_length=1)
    agreed_on: date | None = None


class Group:
    """The group's composition, decided by the case's partners; names only through
    :class:`~ledger.persons.service.Persons`, after an access is logged."""

    def __init__(self, persons: Persons) -> None:
        self.persons = persons
        self.app = persons.app
        self.queries = persons.queries
        self.gate = persons.gate
        self.log = persons.log

    # -- membership -------------------------------------------------------------------

    def _youth_member(self, ref: str) -> Subject:
        subject = self.persons.subject(ref)
        if subject.erased:
            raise rules.SUBJECT_ERASED.refuse(f"subject {subject.short} was erased")
        if subject.kind != YOUTH:
            raise rules.MEMBER_YOUTH.refuse()
        return subject

    def _position(self, cmd: c.Membership) -> None:
        self.app.check_key("core position", cmd.core, self.app.policies.member_cores)
        self.app.check_key("influence", cmd.influence, self.app.policies.member_influences)

    def _commit(self, case: Case, by: Acting, command: str, action: str, subject: str) -> None:
        """The membership change and its access-log entry (NEN 7513: a change of personal
        data is an access too), in one transaction."""
        seen = [Seen(subject, (MEMBERSHIP_CATEGORY,))]
        self.app.commit(case, *self.log.entries(by, command, action, seen, "", case=case.ref))

    @gated("member.add")
    def add_member(self, cmd: c.Membership, by: Acting) -> None:
        self._position(cmd)
        subject = self._youth_member(cmd.subject)
        case = self.app.case(cmd.case)
        case.add_member(
            str(subject.id), cmd.core, cmd.influence, cmd.kopstuk, self.app.day(cmd.from_date), by
        )
        self._commit(case, by, "member.add", "create", str(subject.id))

    @gated("member.change")
    def change_member(self, cmd: c.Membership, by: Acting) -> None:
        self._position(cmd)
        subject_id = self.persons.resolve(cmd.subject)
        case = self.app.case(cmd.case)
        case.change_member(
            subject_id, cmd.core, cmd.influence, cmd.kopstuk, self.app.day(cmd.from_date), by
        )
        self._commit(case, by, "member.change", "update", subject_id)

    @gated("member.end")
    def end_member(self, cmd: c.EndMembership, by: Acting) -> None:
        subject_id = self.persons.resolve(cmd.subject)
        case = self.app.case(cmd.case)
        case.end_member(
            subject_id,
            self.app.day(cmd.to_date),
            self.app.sealed_record(case.id, "member-end-reason", cmd.reason),
            by,
        )
        self._commit(case, by, "member.end", "update", subject_id)

    @gated("member.list", case="ref")
    def members(
        self, ref: str, with_names: bool, by: Acting, purpose: str = DEFAULT_PURPOSE
    ) -> list[dict[str, Any]]:
        return self.member_rows(ref, with_names, by, purpose)

    def member_rows(
        self,
        ref: str,
        with_names: bool,
        by: Acting,
        purpose: str = DEFAULT_PURPOSE,
        command: str = "member.list",
    ) -> list[dict[str, Any]]:
        """Members with their position; with names only after logging one access each."""
        case = self.app.case(ref)
        case_key = str(case.id)
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(t.members, t.subjects.c.short)
                    .join(t.subjects, t.subjects.c.subject_id == t.members.c.subject_id)
                    .where(t.members.c.case_id == case_key)
                    .order_by(t.members.c.first_from, t.subjects.c.short)
                ).mappings()
            ]
        if with_names:
            seen = [Seen(row["subject_id"], (IDENTIFICATION,)) for row in rows]
            self.gate.personal_data(by, command, [case], seen)
            self.log.record(by, command, "read", seen, purpose, case=case.ref)
        out = []
        for row in rows:
            entry = {
                "subject": row["short"],
                "core": row["core"],
                "influence": row["influence"],
                "kopstuk": row["kopstuk"],
                "since": row["since"],
                "first_from": row["first_from"],
                "ended_on": row["ended_on"],
            }
            if with_names:
                subject = self.persons.subject(row["subject_id"])
                sealed = subject.fields.get("name")
                entry["name"] = self.persons.open_field(subject, "name", sealed) if sealed else None
            out.append(entry)
        return out

    # -- namenlijst and groepsscan ----------------------------------------------------

    @gated("namenlijst.agree")
    def agree_namenlijst(self, cmd: c.AgreeNamenlijst, by: Acting) -> int:
        for partner in cmd.partners:
            self.app.check_key("organisation", partner, self.app.policies.organisation_keys)
        subject_ids = [self.persons.resolve(s) for s in cmd.subjects]
        case = self.app.case(cmd.case)
        version = case.agree_namenlijst(
            subject_ids, list(cmd.partners), self.app.day(cmd.agreed_on), by
        )
        seen = [Seen(s, (IDENTIFICATION,)) for s in dict.fromkeys(subject_ids)]
        log = self.log.entries(by, "namenlijst.agree", "create", seen, "", case=case.ref)
        self.app.commit(case, *log)
        return version

    @gated("namenlijst.add")
    def add_to_namenlijst(self, cmd: AddToNamenlijst, by: Acting) -> int:
        """A motivated addition (000 L1018): provisions about the subject are judged
        against the new version from its date on."""
        for partner in cmd.agreed_by:
            self.app.check_key("organisation", partner, self.app.policies.organisation_keys)
        subject_id = self.persons.resolve(cmd.subject)
        case = self.app.case(cmd.case)
        version = case.add_to_namenlijst(
            subject_id,
            self.app.sealed_record(case.id, "namenlijst-motivation", cmd.motivation),
            list(cmd.agreed_by),
            self.app.day(cmd.agreed_on),
            by,
        )
        seen = [Seen(subject_id, (IDENTIFICATION,))]
        log = self.log.entries(by, "namenlijst.add", "create", seen, "", case=case.ref)
        self.app.commit(case, *log)
        return version

    @gated("groepsscan.request")
    def request_groepsscan(self, cmd: c.RequestGroepsscan, by: Acting) -> int:
        case = self.app.case(cmd.case)
        motivation = self.app.sealed_record(case.id, "motivation", cmd.motivation)
        number = case.request_groepsscan(
            cmd.requested_by, cmd.addressed_to, motivation, self.app.day(cmd.requested_on), by
        )
        self.app.commit(case)
        return number

    @gated("groepsscan.receive")
    def receive_groepsscan(self, cmd: c.ReceiveGroepsscan, by: Acting) -> int:
        case = self.app.case(cmd.case)
        number = case.groepsscans_received + 1
        # The summary can name people: it is sealed under a key of the case itself.
        sealer = self.persons.sealer
        summary = sealer.seal(str(case.id), f"groepsscan:{number}", CASE_DATA, cmd.summary)
        case.receive_groepsscan(
            self.app.day(cmd.received_on),
            list(cmd.recipients),
            cmd.unknown_names,
            cmd.informatiepositie,
            summary,
            by,
        )
        # The scan is police information about the youths on the list it was asked for.
        log = self.log.entries(
            by, "groepsscan.receive", "create", [], "", case=case.ref, reason=f"groepsscan {number}"
        )
        self.app.commit(case, *log)
        return number

    @gated("groepsscan.police-report")
    def note_police_report(self, cmd: c.NotePoliceReport, by: Acting) -> None:
        subject_id = self.persons.resolve(cmd.subject)
        case = self.app.case(cmd.case)
        case.note_police_report(subject_id, self.app.day(cmd.reported_on), by)
        seen = [Seen(subject_id, (POLICE_INFORMATION,))]
        log = self.log.entries(by, "groepsscan.police-report", "create", seen, "", case=case.ref)
        self.app.commit(case, *log)

    @gated("groepsscan.show", case="ref")
    def groepsscans(
        self,
        ref: str,
        by: Acting,
        purpose: str = DEFAULT_PURPOSE,
        command: str = "groepsscan.show",
    ) -> list[dict[str, Any]]:
        """The groepsscans with their (sealed) summaries, after logging the access."""
        case = self.app.case(ref)
        self.gate.personal_data(by, command, [case], [])
        self.log.record(
            by, command, "read", [], purpose, case=case.ref, reason="samenvatting groepsscan"
        )
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(t.groepsscans)
                    .where(t.groepsscans.c.case_id == str(case.id))
                    .order_by(t.groepsscans.c.number)
                ).mappings()
            ]
        summaries: dict[int, Any] = {}
        for e in self.app.repository.event_store.get(case.id):
            if isinstance(e, Case.GroepsscanReceived):
                summaries[e.number] = self.persons.sealer.open(
                    str(case.id), f"groepsscan:{e.number}", e.summary
                )
        for row in rows:
            row.pop("case_id")
            for recorded in GROEPSSCAN_BY:  # for the register of disclosures
                row.pop(recorded)
            row["summary"] = summaries.get(row["number"])
        return rows
