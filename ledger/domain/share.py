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
LAWFUL, UNLAWFUL = "rechtmatig", "onrechtmatig"
VERDICTS = (LAWFUL, UNLAWFUL)
NO_VERDICT = "geen-oordeel"
"""A review recorded before verdicts (``Reviewed`` version 1): a comment only."""


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
        self.decided_on: str = request["on"]
        self.reviewed = False
        self.request = request
        # Another purpose than the data was received for, on a recorded assessment
        # (AVG art. 6(4)): the privacy officer reviews it as an ad-hoc share.
        self.assessed = bool(request.get("compatibility"))
        self.verdict: str | None = None
        self.finding_open = False

    @classmethod
    def create_id(cls, share_id: str, **_: Any) -> UUID:
        return UUID(share_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    class Reviewed(Aggregate.Event):
        """The privacy officer's review; ``comment`` is the sealed reason. Version 2 records
        the ``verdict`` (rechtmatig, onrechtmatig); earlier reviews were a comment only."""

        class_version = 2

        comment: str
        verdict: str
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["verdict"] = NO_VERDICT

        def apply(self, share: Share) -> None:
            share.reviewed = True
            share.verdict = self.verdict
            share.finding_open = self.verdict == UNLAWFUL

    def review(self, comment: str, verdict: str, by: Acting) -> None:
        if not (self.ad_hoc or self.assessed) or self.outcome != PROVIDED:
            raise rules.SHARE_REVIEW.refuse()
        if self.reviewed:
            raise rules.SHARE_REVIEW.refuse("this ad-hoc share was already reviewed")
        self.trigger_event(self.Reviewed, comment=comment, verdict=verdict, by=by.record())

    class FindingClosed(Aggregate.Event):
        """The finding an unlawful verdict opened, closed: what was done, and why it is
        enough. ``reason`` is sealed; the dates are ISO strings. ``breach_notified_on`` None:
        the officer decided no notification to the Autoriteit Persoonsgegevens was due."""

        class_version = 1

        reason: str
        closed_on: str
        recipients_asked_on: str | None
        breach_notified_on: str | None
        by: dict[str, Any]

        def apply(self, share: Share) -> None:
            share.finding_open = False

    def close_finding(
        self,
        reason: str,
        closed_on: str,
        recipients_asked_on: str | None,
        breach_notified_on: str | None,
        by: Acting,
    ) -> None:
        if not self.finding_open:
            raise rules.SHARE_FINDING_OPEN.refuse()
        self.trigger_event(
            self.FindingClosed,
            reason=reason,
            closed_on=closed_on,
            recipients_asked_on=recipients_asked_on,
            breach_notified_on=breach_notified_on,
            by=by.record(),
        )
