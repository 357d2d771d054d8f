"""A case's plan van aanpak, its actions, and closure at step 7."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case_state import (
    CLOSED,
    DONE,
    HANDED_OVER,
    OPEN,
    WITHDRAWN,
    CaseState,
)


class CasePlan(CaseState):
    # -- plan van aanpak ----------------------------------------------------------------

    class PlanVersionSet(Aggregate.Event):
        class_version = 1

        version: int
        goals: list[str]
        tracks: list[dict[str, str]]
        actions: list[dict[str, Any]]
        withdrawn: list[int]
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
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

        def apply(self, case: CaseState) -> None:
            case.actions[self.number] = OPEN

    class UrgentMeasureTaken(Aggregate.Event):
        """An action taken before the formal step-4/5 decision because it could not wait
        (000 L1472-1476): why, and who authorised it; it awaits ratification."""

        class_version = 1

        number: int
        description: str
        track: str
        organisation: str
        person: str
        due: str
        reason: str
        authorised_by: str
        step: int
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.actions[self.number] = OPEN
            case.unratified.add(self.number)

    class UrgentMeasureRatified(Aggregate.Event):
        """The decision that ratified an urgent measure (recorded with that decision)."""

        class_version = 1

        number: int
        decision: int
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.unratified.discard(self.number)

    class ActionCompleted(Aggregate.Event):
        class_version = 1

        number: int
        completed_on: str
        note: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.actions[self.number] = DONE

    class ActionEscalated(Aggregate.Event):
        class_version = 1

        number: int
        escalated_to: str
        reason: str
        escalated_on: str
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
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

    def take_urgent_measure(
        self,
        description: str,
        track: str,
        organisation: str,
        person: str,
        due: str,
        reason: str,
        authorised_by: str,
        by: Acting,
    ) -> int:
        """An action at any step before the plan allows one, marked urgent."""
        self._require_active()
        if not reason.strip() or not authorised_by.strip():
            raise rules.URGENT_REASON.refuse()
        number = max(self.actions, default=0) + 1
        self.trigger_event(
            self.UrgentMeasureTaken,
            number=number,
            description=description,
            track=track,
            organisation=organisation,
            person=person,
            due=due,
            reason=reason,
            authorised_by=authorised_by,
            step=self.step,
            by=by.record(),
        )
        return number

    def ratify(self, numbers: list[int], decision: int, by: Acting) -> None:
        for number in numbers:
            self.trigger_event(
                self.UrgentMeasureRatified, number=number, decision=decision, by=by.record()
            )

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
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        closures recorded before carry None."""

        class_version = 2

        goals_reached: str
        goals_assessment: str
        handover: dict[str, dict[str, str]]
        bewaartermijn: str
        evaluation: dict[str, str]
        closed_on: str
        policy_hash: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

        def apply(self, case: CaseState) -> None:
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
        *,
        policy_hash: str | None = None,
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
            policy_hash=policy_hash,
            by=by.record(),
        )
