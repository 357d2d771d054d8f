"""Provisions used again within the case (issue 11, item 3; decision 0032): a plan action
that builds on a provision names it, for the plan's purpose. Another purpose (or another
case) than the provision was received for needs a compatibility assessment (AVG art.
6(4)), which the privacy officer reviews."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.case_state import CaseState


class CaseReuse(CaseState):
    reuse_count: int = 0
    reuses_to_review: frozenset[int] = frozenset()
    """Reuses on an assessment that the privacy officer has not reviewed yet."""

    class ProvisionReused(Aggregate.Event):
        """Action ``action`` builds on provision ``share_id``, for ``purpose``; the sealed
        ``compatibility`` assessment when that is another purpose than it was received for."""

        class_version = 1

        number: int
        share_id: str
        action: int
        purpose: str
        compatibility: str | None
        on: str
        by: dict[str, Any]

        def apply(self, case: CaseReuse) -> None:
            case.reuse_count = self.number
            if self.compatibility:
                case.reuses_to_review = case.reuses_to_review | {self.number}

    def reuse_provision(
        self,
        share_id: str,
        action: int,
        purpose: str,
        compatibility: str | None,
        on: str,
        by: Acting,
    ) -> int:
        self._require_active()
        if action not in self.actions:
            raise rules.REUSE_ACTION.refuse(f"case {self.ref} has no action {action}")
        number = self.reuse_count + 1
        self.trigger_event(
            self.ProvisionReused,
            number=number,
            share_id=share_id,
            action=action,
            purpose=purpose,
            compatibility=compatibility,
            on=on,
            by=by.record(),
        )
        return number

    class ReuseReviewed(Aggregate.Event):
        """The privacy officer's review of a reuse on an assessment (comment sealed)."""

        class_version = 1

        number: int
        comment: str
        by: dict[str, Any]

        def apply(self, case: CaseReuse) -> None:
            case.reuses_to_review = case.reuses_to_review - {self.number}

    def review_reuse(self, number: int, comment: str, by: Acting) -> None:
        if number not in self.reuses_to_review:
            raise rules.REUSE_REVIEW.refuse(
                f"reuse {number} of case {self.ref} awaits no review (none, or reviewed)"
            )
        self.trigger_event(self.ReuseReviewed, number=number, comment=comment, by=by.record())
