"""A case along the steps: signals, the coordinator, step transitions, the step-4 decision."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case_state import (
    ENDED,
    NOT_PRIORITISED,
    PRIORITISED,
    CaseState,
)


class CaseSteps(CaseState):
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

        def apply(self, case: CaseState) -> None:
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

        def apply(self, case: CaseState) -> None:
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

        def apply(self, case: CaseState) -> None:
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

        def apply(self, case: CaseState) -> None:
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

        def apply(self, case: CaseState) -> None:
            case.step = self.to_step
            case.merged_4_5 = False

    class EndedEarly(Aggregate.Event):
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        early ends recorded before carry None."""

        class_version = 2

        at_step: int
        outcome: str
        body: str
        reason: str
        decided_on: str
        policy_hash: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

        def apply(self, case: CaseState) -> None:
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
        *,
        policy_hash: str | None = None,
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
            policy_hash=policy_hash,
            by=by.record(),
        )

    # -- step 4 decision --------------------------------------------------------------

    class DecisionRecorded(Aggregate.Event):
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        decisions recorded before carry None."""

        class_version = 2

        number: int
        step: int
        outcome: str
        items: dict[str, str]
        motivation: str
        body: str
        decided_on: str
        policy_hash: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

        def apply(self, case: CaseState) -> None:
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
        *,
        policy_hash: str | None = None,
        ratify: Iterable[int] = (),
    ) -> int:
        """The step-4 decision; ``ratify``: the urgent measures it ratifies (recorded by
        the caller with :meth:`CasePlan.ratify` in the same commit)."""
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
        ratified = sorted(set(ratify))
        unknown = [n for n in ratified if n not in self.unratified]
        if unknown:
            raise rules.RATIFY_UNKNOWN.refuse(
                "not an urgent measure awaiting ratification: "
                + ", ".join(f"A{n}" for n in unknown)
            )
        waiting = sorted(self.unratified - set(ratified))
        if outcome == PRIORITISED and waiting:
            raise rules.RATIFY_URGENT.refuse(
                "a decision to prioritise ratifies the urgent measures taken before it: "
                + " ".join(f"--ratify A{n}" for n in waiting)
            )
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
            policy_hash=policy_hash,
            by=by.record(),
        )
        return number
