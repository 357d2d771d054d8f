"""Who is in the group (members, namenlijst, groepsscan, police reports) and who takes
part in the case."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case_state import (
    CaseState,
)


class CaseGroup(CaseState):
    # -- persons: membership, namenlijst, groepsscan (step 2 onwards) -----------------------

    def _require_person_level(self) -> None:
        self._require_active()
        if self.step == 1:
            raise rules.PERSON_NOT_IN_STEP_1.refuse()
        if self.coordinator is None:
            raise rules.PERSON_NEEDS_COORDINATOR.refuse()

    class MemberAdded(Aggregate.Event):
        class_version = 1

        subject: str
        core: str
        influence: str
        kopstuk: bool
        from_date: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.members[self.subject] = {
                "core": self.core,
                "influence": self.influence,
                "kopstuk": self.kopstuk,
                "from": self.from_date,
            }
            case.former_members.discard(self.subject)

    class MemberPositionChanged(Aggregate.Event):
        class_version = 1

        subject: str
        core: str
        influence: str
        kopstuk: bool
        from_date: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.members[self.subject] = {
                "core": self.core,
                "influence": self.influence,
                "kopstuk": self.kopstuk,
                "from": self.from_date,
            }

    class MemberEnded(Aggregate.Event):
        class_version = 1

        subject: str
        to_date: str
        reason: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.members.pop(self.subject, None)
            case.former_members.add(self.subject)

    def add_member(
        self, subject: str, core: str, influence: str, kopstuk: bool, from_date: str, by: Acting
    ) -> None:
        self._require_person_level()
        if subject in self.members:
            raise rules.MEMBER_KNOWN.refuse("the subject is already a member; change the position")
        self.trigger_event(
            self.MemberAdded,
            subject=subject,
            core=core,
            influence=influence,
            kopstuk=kopstuk,
            from_date=from_date,
            by=by.record(),
        )

    def change_member(
        self, subject: str, core: str, influence: str, kopstuk: bool, from_date: str, by: Acting
    ) -> None:
        self._require_person_level()
        current = self.members.get(subject)
        if current is None:
            raise rules.MEMBER_KNOWN.refuse()
        if from_date < current["from"]:
            raise rules.MEMBER_KNOWN.refuse(
                f"a new position cannot start before the current one ({current['from']})"
            )
        self.trigger_event(
            self.MemberPositionChanged,
            subject=subject,
            core=core,
            influence=influence,
            kopstuk=kopstuk,
            from_date=from_date,
            by=by.record(),
        )

    def end_member(self, subject: str, to_date: str, reason: str, by: Acting) -> None:
        self._require_active()
        current = self.members.get(subject)
        if current is None:
            raise rules.MEMBER_KNOWN.refuse()
        if to_date < current["from"]:
            raise rules.MEMBER_KNOWN.refuse(
                f"membership cannot end before its position started ({current['from']})"
            )
        self.trigger_event(
            self.MemberEnded, subject=subject, to_date=to_date, reason=reason, by=by.record()
        )

    class NamenlijstAgreed(Aggregate.Event):
        """A version of the namenlijst: all its subjects, the partners who agreed it.

        Version 2 records ``additions``: the subjects this version adds to the one before,
        each with its (sealed) motivation (``regie namenlijst add``); a version agreed as a
        whole, and every version recorded before, carries none."""

        class_version = 2

        version: int
        subjects: list[str]
        partners: list[str]
        agreed_on: str
        additions: list[dict[str, str]]
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["additions"] = []

        def apply(self, case: CaseState) -> None:
            case.namenlijst_version = self.version
            case.namenlijst_subjects = list(self.subjects)
            case.namenlijst_agreed_on = self.agreed_on

    def _next_namenlijst(self, agreed_on: str) -> int:
        self._require_active()
        if self.step < 2 or self.coordinator is None:
            raise rules.NAMENLIJST_STEP.refuse()
        previous = self.namenlijst_agreed_on
        if previous is not None and agreed_on < previous:
            raise rules.NAMENLIJST_DATE.refuse(
                f"version {self.namenlijst_version} was agreed on {previous}"
            )
        return self.namenlijst_version + 1

    def agree_namenlijst(
        self, subjects: list[str], partners: list[str], agreed_on: str, by: Acting
    ) -> int:
        version = self._next_namenlijst(agreed_on)
        strangers = [s for s in subjects if s not in self.members]
        if strangers:
            raise rules.MEMBER_KNOWN.refuse(
                "every subject on the namenlijst must be a current member of the case"
            )
        self.trigger_event(
            self.NamenlijstAgreed,
            version=version,
            subjects=sorted(set(subjects)),
            partners=sorted(set(partners)),
            agreed_on=agreed_on,
            additions=[],
            by=by.record(),
        )
        return version

    def add_to_namenlijst(
        self, subject: str, motivation: str, partners: list[str], agreed_on: str, by: Acting
    ) -> int:
        """A new version: the agreed namenlijst and one more member, with why (000 L1018:
        a youth first identified during the execution)."""
        version = self._next_namenlijst(agreed_on)
        if self.namenlijst_version == 0:
            raise rules.NAMENLIJST_ADDITION.refuse(
                "there is no agreed namenlijst yet; agree one with `regie namenlijst agree`"
            )
        if subject not in self.members:
            raise rules.MEMBER_KNOWN.refuse(
                "only a current member is added to the namenlijst; `regie member add` first"
            )
        if subject in self.namenlijst_subjects:
            raise rules.NAMENLIJST_ADDITION.refuse(
                f"the subject is on the namenlijst already (version {self.namenlijst_version})"
            )
        self.trigger_event(
            self.NamenlijstAgreed,
            version=version,
            subjects=sorted({*self.namenlijst_subjects, subject}),
            partners=sorted(set(partners)),
            agreed_on=agreed_on,
            additions=[{"subject": subject, "motivation": motivation}],
            by=by.record(),
        )
        return version

    class GroepsscanRequested(Aggregate.Event):
        class_version = 1

        number: int
        requested_by: str
        addressed_to: str
        motivation: str
        requested_on: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.groepsscans_requested = self.number

    def request_groepsscan(
        self, requested_by: str, addressed_to: str, motivation: str, requested_on: str, by: Acting
    ) -> int:
        self._require_active()
        if self.namenlijst_version == 0:
            raise rules.GROEPSSCAN_AFTER_NAMENLIJST.refuse()
        number = self.groepsscans_requested + 1
        self.trigger_event(
            self.GroepsscanRequested,
            number=number,
            requested_by=requested_by,
            addressed_to=addressed_to,
            motivation=motivation,
            requested_on=requested_on,
            by=by.record(),
        )
        return number

    class GroepsscanReceived(Aggregate.Event):
        class_version = 1

        number: int
        received_on: str
        recipients: list[str]
        unknown_names: int
        informatiepositie: str
        summary: dict[str, str]
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.groepsscans_received = self.number

    def receive_groepsscan(
        self,
        received_on: str,
        recipients: list[str],
        unknown_names: int,
        informatiepositie: str,
        summary: dict[str, str],
        by: Acting,
    ) -> int:
        self._require_active()
        if self.groepsscans_received >= self.groepsscans_requested:
            raise rules.GROEPSSCAN_REQUESTED.refuse()
        number = self.groepsscans_received + 1
        self.trigger_event(
            self.GroepsscanReceived,
            number=number,
            received_on=received_on,
            recipients=sorted(set(recipients)),
            unknown_names=unknown_names,
            informatiepositie=informatiepositie,
            summary=summary,
            by=by.record(),
        )
        return number

    class PoliceReportExists(Aggregate.Event):
        """A police-internal person-level report exists; it was not received or stored."""

        class_version = 1

        subject: str
        reported_on: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            pass

    def note_police_report(self, subject: str, reported_on: str, by: Acting) -> None:
        self._require_active()
        if subject not in self.members and subject not in self.former_members:
            raise rules.MEMBER_KNOWN.refuse()
        self.trigger_event(
            self.PoliceReportExists, subject=subject, reported_on=reported_on, by=by.record()
        )

    class ParticipantAdded(Aggregate.Event):
        class_version = 1

        actor: str
        reason: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.added_participants[self.actor] = self.reason

    class ParticipantRemoved(Aggregate.Event):
        class_version = 1

        actor: str
        reason: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.added_participants.pop(self.actor, None)

    def add_participant(self, actor: str, reason: str, by: Acting) -> None:
        self._require_active()
        if actor in self.participants:
            raise rules.PARTICIPANT.refuse(f"'{actor}' already takes part in case {self.ref}")
        self.trigger_event(self.ParticipantAdded, actor=actor, reason=reason, by=by.record())

    def remove_participant(self, actor: str, reason: str, by: Acting) -> None:
        if actor not in self.added_participants:
            raise rules.PARTICIPANT.refuse(
                f"'{actor}' was not added as participant of case {self.ref}"
            )
        self.trigger_event(self.ParticipantRemoved, actor=actor, reason=reason, by=by.record())
