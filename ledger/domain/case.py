"""The groepsaanpak: one case walked through the 7-stappenmodel.

Public methods check the rules (raising :class:`~ledger.errors.Refused` with the rule's
id) and then trigger one event; event ``apply`` methods only assign, so replaying
history never re-runs a rule. Payloads hold plain JSON values (dates as ISO strings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

STEP_NAMES = {
    1: "Signalen over groepsgedrag delen",
    2: "Informatie verzamelen en verbinden",
    3: "Maken integraal beeld en concept plan van aanpak",
    4: "Adviseren en prioriteren",
    5: "Maken integraal plan van aanpak",
    6: "Uitvoeren en monitoren",
    7: "Afronden en evalueren",
}

PRIORITISED = "geprioriteerd"
NOT_PRIORITISED = "niet-geprioriteerd"
EXTRA_ANALYSIS = "extra-analyse"
DECISION_OUTCOMES = (PRIORITISED, NOT_PRIORITISED, EXTRA_ANALYSIS)

OPEN, DONE, WITHDRAWN, HANDED_OVER = "open", "afgerond", "vervallen", "overgedragen"
ACTIVE, ENDED, CLOSED = "lopend", "beeindigd", "afgesloten"

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/case")


def case_id(ref: str) -> UUID:
    """Case ids derive from the reference, so a duplicate reference cannot be stored."""
    return uuid5(_NAMESPACE, ref.upper())


class Case(Aggregate):
    """A groepsaanpak. Working names are non-identifying ("Groep Stationsplein")."""

    # -- opening ------------------------------------------------------------------

    class Opened(Aggregate.Created):
        class_version = 1

        ref: str
        working_name: str
        municipality: str
        area: str
        opened_on: str
        by: dict[str, Any]

    @event(Opened)
    def __init__(
        self,
        ref: str,
        working_name: str,
        municipality: str,
        area: str,
        opened_on: str,
        by: dict[str, Any],
    ) -> None:
        self.ref = ref
        self.working_name = working_name
        self.municipality = municipality
        self.area = area
        self.opened_on = opened_on
        self.opened_by: str = by["actor"]
        self.added_participants: dict[str, str] = {}
        self.step = 1
        self.status = ACTIVE
        self.merged_4_5 = False
        self.coordinator: str | None = None
        self.signal_count = 0
        self.decision_count = 0
        self.last_decision: str | None = None
        self.plan_version = 0
        self.actions: dict[int, str] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.former_members: set[str] = set()
        self.namenlijst_version = 0
        self.groepsscans_requested = 0
        self.groepsscans_received = 0

    @classmethod
    def create_id(cls, ref: str, **_: Any) -> UUID:
        return case_id(ref)

    @classmethod
    def open(
        cls, ref: str, working_name: str, municipality: str, area: str, opened_on: str, by: Acting
    ) -> Case:
        return cls(
            ref=ref,
            working_name=working_name,
            municipality=municipality,
            area=area,
            opened_on=opened_on,
            by=by.record(),
        )

    # -- helpers ------------------------------------------------------------------

    def _require_active(self) -> None:
        if self.status != ACTIVE:
            raise rules.CASE_CLOSED.refuse(
                f"case {self.ref} is {self.status}; it accepts no changes"
            )

    @property
    def open_actions(self) -> list[int]:
        return sorted(n for n, status in self.actions.items() if status == OPEN)

    # -- signals ------------------------------------------------------------------

    class SignalRecorded(Aggregate.Event):
        class_version = 1

        number: int
        observed_on: str
        kind: str
        location: str
        source_org: str
        source_role: str
        text: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.signal_count = self.number

    def record_signal(
        self,
        observed_on: str,
        kind: str,
        location: str,
        source_org: str,
        source_role: str,
        text: str,
        by: Acting,
    ) -> int:
        self._require_active()
        number = self.signal_count + 1
        self.trigger_event(
            self.SignalRecorded,
            number=number,
            observed_on=observed_on,
            kind=kind,
            location=location,
            source_org=source_org,
            source_role=source_role,
            text=text,
            by=by.record(),
        )
        return number

    # -- coordinator ----------------------------------------------------------------

    class CoordinatorDesignated(Aggregate.Event):
        class_version = 1

        coordinator: str
        decided_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.coordinator = self.coordinator

    def designate_coordinator(self, coordinator: str, decided_on: str, by: Acting) -> None:
        self._require_active()
        self.trigger_event(
            self.CoordinatorDesignated,
            coordinator=coordinator,
            decided_on=decided_on,
            by=by.record(),
        )

    # -- step transitions -------------------------------------------------------------

    class StepAdvanced(Aggregate.Event):
        class_version = 1

        from_step: int
        to_step: int
        body: str
        reason: str
        decided_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.step = self.to_step

    class StepsMerged(Aggregate.Event):
        """Steps 4 and 5 taken together under time pressure (versnelling)."""

        class_version = 1

        from_step: int
        to_step: int
        body: str
        reason: str
        decided_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.step = self.to_step
            case.merged_4_5 = True

    class SteppedBack(Aggregate.Event):
        class_version = 1

        from_step: int
        to_step: int
        body: str
        reason: str
        decided_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.step = self.to_step
            case.merged_4_5 = False

    class EndedEarly(Aggregate.Event):
        class_version = 1

        at_step: int
        outcome: str
        body: str
        reason: str
        decided_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.status = ENDED

    def _check_entry(self, target: int) -> None:
        if target == 2 and self.signal_count == 0:
            raise rules.SIGNAL_FIRST.refuse()
        if target >= 3 and self.coordinator is None:
            raise rules.UC_BEFORE_3.refuse()
        if target in (5, 6) and self.last_decision != PRIORITISED:
            raise rules.DECISION_BEFORE_5.refuse(
                f"step {target} needs a step-4 decision that prioritises the group "
                "(`regie decision record`)"
            )
        if target == 6 and (self.plan_version == 0 or not self.open_actions):
            raise rules.PLAN_BEFORE_6.refuse()

    def advance(self, body: str, reason: str, decided_on: str, by: Acting) -> int:
        self._require_active()
        if self.step == 7:
            raise rules.AT_7_USE_CLOSE.refuse()
        target = self.step + 1
        self._check_entry(target)
        self.trigger_event(
            self.StepAdvanced,
            from_step=self.step,
            to_step=target,
            body=body,
            reason=reason,
            decided_on=decided_on,
            by=by.record(),
        )
        return target

    def merge_4_5(self, body: str, reason: str, decided_on: str, by: Acting) -> int:
        self._require_active()
        if self.step != 3 or not reason.strip():
            raise rules.MERGE_FROM_3.refuse(
                f"steps 4 and 5 can only be merged from step 3 "
                f"(case {self.ref} is at step {self.step})"
                if self.step != 3
                else None
            )
        self._check_entry(4)
        self.trigger_event(
            self.StepsMerged,
            from_step=3,
            to_step=5,
            body=body,
            reason=reason,
            decided_on=decided_on,
            by=by.record(),
        )
        return 5

    def step_back(self, to_step: int, body: str, reason: str, decided_on: str, by: Acting) -> int:
        self._require_active()
        if self.step != 6 or to_step not in (3, 5):
            raise rules.BACK_FROM_6.refuse(
                f"a case only goes back from step 6 to step 3 or 5 (case {self.ref} is at "
                f"step {self.step}, asked for step {to_step})"
            )
        self.trigger_event(
            self.SteppedBack,
            from_step=6,
            to_step=to_step,
            body=body,
            reason=reason,
            decided_on=decided_on,
            by=by.record(),
        )
        return to_step

    def end_early(
        self,
        outcome: str,
        allowed_after: Iterable[int],
        body: str,
        reason: str,
        decided_on: str,
        by: Acting,
    ) -> None:
        self._require_active()
        if self.step not in set(allowed_after):
            raise rules.EARLY_END.refuse(
                f"outcome '{outcome}' cannot end a case at step {self.step}"
            )
        if self.step == 4 and self.last_decision != NOT_PRIORITISED:
            raise rules.END_AT_4.refuse()
        self.trigger_event(
            self.EndedEarly,
            at_step=self.step,
            outcome=outcome,
            body=body,
            reason=reason,
            decided_on=decided_on,
            by=by.record(),
        )

    # -- step 4 decision --------------------------------------------------------------

    class DecisionRecorded(Aggregate.Event):
        class_version = 1

        number: int
        step: int
        outcome: str
        items: dict[str, str]
        motivation: str
        body: str
        decided_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.decision_count = self.number
            case.last_decision = self.outcome

    def record_decision(
        self,
        outcome: str,
        items: Mapping[str, str],
        required_items: Iterable[str],
        motivation: str,
        body: str,
        decided_on: str,
        by: Acting,
    ) -> int:
        self._require_active()
        if not (self.step == 4 or (self.step == 5 and self.merged_4_5)):
            raise rules.DECISION_AT_4.refuse(
                f"the prioritisation decision is taken at step 4 (case {self.ref} is at step "
                f"{self.step})"
            )
        given = {k: v.strip() for k, v in items.items() if v and v.strip()}
        if outcome == PRIORITISED:
            missing = [k for k in required_items if k not in given]
            if missing:
                raise rules.DECISION_ITEMS.refuse(
                    "a decision to prioritise must name: " + ", ".join(missing)
                )
        elif not motivation.strip():
            raise rules.DECISION_MOTIVATION.refuse()
        number = self.decision_count + 1
        self.trigger_event(
            self.DecisionRecorded,
            number=number,
            step=self.step,
            outcome=outcome,
            items=given if outcome == PRIORITISED else {},
            motivation=motivation.strip(),
            body=body,
            decided_on=decided_on,
            by=by.record(),
        )
        return number

    # -- plan van aanpak ----------------------------------------------------------------

    class PlanVersionSet(Aggregate.Event):
        class_version = 1

        version: int
        goals: list[str]
        tracks: list[dict[str, str]]
        actions: list[dict[str, Any]]
        withdrawn: list[int]
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.plan_version = self.version
            for action in self.actions:
                case.actions[action["number"]] = OPEN
            for number in self.withdrawn:
                case.actions[number] = WITHDRAWN

    def set_plan(
        self,
        goals: list[str],
        tracks: list[dict[str, str]],
        actions: list[dict[str, Any]],
        by: Acting,
    ) -> int:
        """A new version of the whole plan; open actions it leaves out are withdrawn."""
        self._require_active()
        if self.step not in (3, 5):
            raise rules.PLAN_STEP.refuse(
                f"the plan is drafted at step 3 and set at step 5 (case {self.ref} is at step "
                f"{self.step})"
            )
        next_number = max(self.actions, default=0) + 1
        numbered: list[dict[str, Any]] = []
        kept: set[int] = set()
        for action in actions:
            number = action.get("number")
            if number is None:
                number = next_number
                next_number += 1
            elif self.actions.get(number) != OPEN:
                raise rules.PLAN_ACTION_UNKNOWN.refuse(
                    f"action A{number} is not an open action of case {self.ref}"
                )
            kept.add(number)
            numbered.append({**action, "number": number})
        withdrawn = [n for n in self.open_actions if n not in kept]
        version = self.plan_version + 1
        self.trigger_event(
            self.PlanVersionSet,
            version=version,
            goals=goals,
            tracks=tracks,
            actions=numbered,
            withdrawn=withdrawn,
            by=by.record(),
        )
        return version

    # -- actions --------------------------------------------------------------------------

    class ActionAdded(Aggregate.Event):
        class_version = 1

        number: int
        description: str
        track: str
        organisation: str
        person: str
        due: str
        plan_version: int
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.actions[self.number] = OPEN

    class ActionCompleted(Aggregate.Event):
        class_version = 1

        number: int
        completed_on: str
        note: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.actions[self.number] = DONE

    class ActionEscalated(Aggregate.Event):
        class_version = 1

        number: int
        escalated_to: str
        reason: str
        escalated_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            pass  # escalation leaves the action open; the read model counts it

    def add_action(
        self, description: str, track: str, organisation: str, person: str, due: str, by: Acting
    ) -> int:
        self._require_active()
        if self.step not in (5, 6) or self.plan_version == 0:
            raise rules.ACTION_STEP.refuse(
                f"actions are added at step 5 or 6 once a plan exists (case {self.ref} is at "
                f"step {self.step}, plan version {self.plan_version})"
            )
        number = max(self.actions, default=0) + 1
        self.trigger_event(
            self.ActionAdded,
            number=number,
            description=description,
            track=track,
            organisation=organisation,
            person=person,
            due=due,
            plan_version=self.plan_version,
            by=by.record(),
        )
        return number

    def _require_open_action(self, number: int) -> None:
        status = self.actions.get(number)
        if status is None:
            raise rules.PLAN_ACTION_UNKNOWN.refuse(f"case {self.ref} has no action A{number}")
        if status != OPEN:
            raise rules.ACTION_OPEN.refuse(f"action A{number} is {status}, not open")

    def complete_action(self, number: int, completed_on: str, note: str, by: Acting) -> None:
        self._require_active()
        self._require_open_action(number)
        self.trigger_event(
            self.ActionCompleted,
            number=number,
            completed_on=completed_on,
            note=note,
            by=by.record(),
        )

    def escalate_action(
        self, number: int, escalated_to: str, reason: str, escalated_on: str, by: Acting
    ) -> None:
        self._require_active()
        self._require_open_action(number)
        if self.step != 6:
            raise rules.ESCALATE_STEP.refuse(
                f"an agreement is escalated during execution, step 6 (case {self.ref} is at "
                f"step {self.step})"
            )
        self.trigger_event(
            self.ActionEscalated,
            number=number,
            escalated_to=escalated_to,
            reason=reason,
            escalated_on=escalated_on,
            by=by.record(),
        )

    # -- closure ---------------------------------------------------------------------------

    class Closed(Aggregate.Event):
        class_version = 1

        goals_reached: str
        goals_assessment: str
        handover: dict[str, dict[str, str]]
        bewaartermijn: str
        evaluation: dict[str, str]
        closed_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.status = CLOSED
            for number in self.handover:
                case.actions[int(number)] = HANDED_OVER

    def close(
        self,
        goals_reached: str,
        goals_assessment: str,
        handover: Mapping[int, Mapping[str, str]],
        bewaartermijn: str,
        evaluation: Mapping[str, str],
        criteria: Iterable[str],
        closed_on: str,
        by: Acting,
    ) -> None:
        self._require_active()
        if self.step != 7:
            raise rules.CLOSE_AT_7.refuse(
                f"a case is closed at step 7 (case {self.ref} is at step {self.step})"
            )
        open_now = set(self.open_actions)
        not_open = sorted(set(handover) - open_now)
        if not_open:
            raise rules.CLOSE_HANDOVER.refuse(
                f"action A{not_open[0]} is not an open action and cannot be handed over"
            )
        missing = sorted(open_now - set(handover))
        if missing:
            raise rules.CLOSE_HANDOVER.refuse(
                "hand over the open action(s) "
                + ", ".join(f"A{n}" for n in missing)
                + " with --handover A<n>=<organisation>"
            )
        answered = {k: v.strip() for k, v in evaluation.items() if v and v.strip()}
        missing_criteria = [c for c in criteria if c not in answered]
        if missing_criteria:
            raise rules.CLOSE_EVALUATION.refuse(
                "the evaluation lacks: " + ", ".join(missing_criteria)
            )
        self.trigger_event(
            self.Closed,
            goals_reached=goals_reached,
            goals_assessment=goals_assessment,
            handover={str(n): dict(v) for n, v in sorted(handover.items())},
            bewaartermijn=bewaartermijn,
            evaluation=answered,
            closed_on=closed_on,
            by=by.record(),
        )

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

        def apply(self, case: Case) -> None:
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

        def apply(self, case: Case) -> None:
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

        def apply(self, case: Case) -> None:
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
        class_version = 1

        version: int
        subjects: list[str]
        partners: list[str]
        agreed_on: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.namenlijst_version = self.version

    def agree_namenlijst(
        self, subjects: list[str], partners: list[str], agreed_on: str, by: Acting
    ) -> int:
        self._require_active()
        if self.step < 2 or self.coordinator is None:
            raise rules.NAMENLIJST_STEP.refuse()
        strangers = [s for s in subjects if s not in self.members]
        if strangers:
            raise rules.MEMBER_KNOWN.refuse(
                "every subject on the namenlijst must be a current member of the case"
            )
        version = self.namenlijst_version + 1
        self.trigger_event(
            self.NamenlijstAgreed,
            version=version,
            subjects=sorted(set(subjects)),
            partners=sorted(set(partners)),
            agreed_on=agreed_on,
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

        def apply(self, case: Case) -> None:
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

        def apply(self, case: Case) -> None:
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

        def apply(self, case: Case) -> None:
            pass

    def note_police_report(self, subject: str, reported_on: str, by: Acting) -> None:
        self._require_active()
        if subject not in self.members and subject not in self.former_members:
            raise rules.MEMBER_KNOWN.refuse()
        self.trigger_event(
            self.PoliceReportExists, subject=subject, reported_on=reported_on, by=by.record()
        )

    # -- participants: who takes part, and so may see the case's personal data ------------

    @property
    def participants(self) -> set[str]:
        people = {self.opened_by, *self.added_participants}
        if self.coordinator is not None:
            people.add(self.coordinator)
        return people

    class ParticipantAdded(Aggregate.Event):
        class_version = 1

        actor: str
        reason: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
            case.added_participants[self.actor] = self.reason

    class ParticipantRemoved(Aggregate.Event):
        class_version = 1

        actor: str
        reason: str
        by: dict[str, Any]

        def apply(self, case: Case) -> None:
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
