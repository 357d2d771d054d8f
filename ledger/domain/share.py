"""Sharing decisions (verstrekkingen): recorded whether allowed or refused.

A refused decision is history too: it shows the rules worked. Ad-hoc shares outside any
convenant, and onward use for another purpose on a compatibility assessment, are flagged
for the privacy officer until reviewed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

PROVIDED, REFUSED = "verstrekt", "geweigerd"


class Share(Aggregate):
    class Decided(Aggregate.Created):
        """Version 2 records ``policy_hash``: the policy set (ledger/domain/policy.py) that
        judged the request; decisions recorded before carry None."""

        class_version = 2

        share_id: str
        case: str
        step: int
        request: dict[str, Any]
        outcome: str
        refusals: list[dict[str, str]]
        ad_hoc: bool
        policy_hash: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

    @event(Decided)
    def __init__(
        self,
        share_id: str,
        case: str,
        step: int,
        request: dict[str, Any],
        outcome: str,
        refusals: list[dict[str, str]],
        ad_hoc: bool,
        policy_hash: str | None,
        by: dict[str, Any],
    ) -> None:
        self.case = case
        self.policy_hash = policy_hash
        self.outcome = outcome
        self.ad_hoc = ad_hoc
        self.reviewed = False
        self.request = request
        # Another purpose than the data was received for, on a recorded assessment
        # (AVG art. 6(4)): the privacy officer reviews it as an ad-hoc share.
        self.assessed = bool(request.get("compatibility"))

    @classmethod
    def create_id(cls, share_id: str, **_: Any) -> UUID:
        return UUID(share_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    class Reviewed(Aggregate.Event):
        class_version = 1

        comment: str
        by: dict[str, Any]

        def apply(self, share: Share) -> None:
            share.reviewed = True

    def review(self, comment: str, by: Acting) -> None:
        if not (self.ad_hoc or self.assessed) or self.outcome != PROVIDED:
            raise rules.SHARE_REVIEW.refuse()
        if self.reviewed:
            raise rules.SHARE_REVIEW.refuse("this ad-hoc share was already reviewed")
        self.trigger_event(self.Reviewed, comment=comment, by=by.record())
