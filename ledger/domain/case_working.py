"""Working decisions of a case at any step: to wait and look again, or to share at another
level (decision 0028). Numbered with the step-4 decisions; they never prioritise."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case_state import CaseState

WAIT = "afwachten"
"""A working decision to wait and look again (000 L774)."""
LEVEL = "deelniveau"
"""A working decision to share at another level (000 L572-584)."""


class CaseWorking(CaseState):
    class WorkingDecisionRecorded(Aggregate.Event):
        """A decision of practice outside the step-4 prioritisation: to wait and look again
        on ``review_on`` (afwachten, 000 L774), or to share at another level (``level``,
        000 L572-584). Numbered with the step-4 decisions; it never prioritises."""

        class_version = 1

        number: int
        step: int
        kind: str
        motivation: str
        body: str
        decided_on: str
        review_on: str | None
        level: str | None
        policy_hash: str | None
        by: dict[str, Any]

        def apply(self, case: CaseState) -> None:
            case.decision_count = self.number

    def record_working_decision(
        self,
        kind: str,
        motivation: str,
        body: str,
        decided_on: str,
        by: Acting,
        *,
        review_on: str | None = None,
        level: str | None = None,
        policy_hash: str | None = None,
    ) -> int:
        self._require_active()
        if not motivation.strip():
            raise rules.WORKING_MOTIVATION.refuse()
        if kind == WAIT:
            if review_on is None or review_on <= decided_on:
                raise rules.WAIT_REVIEW.refuse(
                    "a decision to wait names a later day to look again (--review-on)"
                )
            level = None
        elif kind == LEVEL:
            if level is None:
                raise rules.LEVEL_NAMED.refuse()
            review_on = None
        else:
            raise rules.WORKING_KIND.refuse(f"'{kind}' is not a working decision")
        number = self.decision_count + 1
        self.trigger_event(
            self.WorkingDecisionRecorded,
            number=number,
            step=self.step,
            kind=kind,
            motivation=motivation.strip(),
            body=body,
            decided_on=decided_on,
            review_on=review_on,
            level=level,
            policy_hash=policy_hash,
            by=by.record(),
        )
        return number
