"""A data subject's rights request (AVG art. 15-21): received, due, perhaps extended, decided.

The deadline is computed when the request is opened (one month after receipt, AVG art.
12(3)) and stored with it, so a later change of policy does not move a running deadline.
While the request is pending a legal hold protects the subject; the hold's id is on the
request, and the decision lifts it. Free texts (a note, the reasons) arrive sealed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

OUTCOMES = ("toegewezen", "deels", "afgewezen")
PENDING, DECIDED = "lopend", "besloten"


def request_ref(request_id: UUID | str) -> str:
    """What users type: 'V-' and the first 8 hex digits of the random id."""
    return "V-" + UUID(str(request_id)).hex[:8]


class RightsRequest(Aggregate):
    class Opened(Aggregate.Created):
        class_version = 1

        request_id: str
        subject: str
        kind: str
        article: str
        received_on: str
        deadline: str
        note: dict[str, str] | None
        hold: str
        by: dict[str, Any]

    @event(Opened)
    def __init__(
        self,
        request_id: str,
        subject: str,
        kind: str,
        article: str,
        received_on: str,
        deadline: str,
        note: dict[str, str] | None,
        hold: str,
        by: dict[str, Any],
    ) -> None:
        self.subject = subject
        self.kind = kind
        self.received_on = received_on
        self.deadline = deadline
        self.hold = hold
        self.extended = False
        self.outcome: str | None = None
        self.texts: dict[str, dict[str, str]] = {"note": note} if note else {}
        """The sealed note and reasons, by what they are: note, extension, decision."""

    @classmethod
    def create_id(cls, request_id: str, **_: Any) -> UUID:
        return UUID(request_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    @property
    def ref(self) -> str:
        return request_ref(self.id)

    @property
    def pending(self) -> bool:
        return self.outcome is None

    def _require_pending(self) -> None:
        if not self.pending:
            raise rules.REQUEST_DECIDED.refuse(f"request {self.ref} was decided already")

    def _require_after_receipt(self, day: str) -> None:
        if day < self.received_on:
            raise rules.REQUEST_DATE_ORDER.refuse(
                f"{day} lies before the receipt of request {self.ref} ({self.received_on})"
            )

    class Extended(Aggregate.Event):
        class_version = 1

        reason: dict[str, str]
        extended_on: str
        deadline: str
        by: dict[str, Any]

        def apply(self, request: RightsRequest) -> None:
            request.extended = True
            request.deadline = self.deadline
            request.texts["extension"] = self.reason

    def extend(self, reason: dict[str, str], extended_on: str, deadline: str, by: Acting) -> None:
        """Once, and within the first deadline (the subject must be told in time)."""
        self._require_pending()
        self._require_after_receipt(extended_on)
        if self.extended:
            raise rules.REQUEST_EXTEND_ONCE.refuse(f"request {self.ref} was extended already")
        if extended_on > self.deadline:
            raise rules.REQUEST_EXTEND_IN_TIME.refuse(
                f"the deadline of request {self.ref} ({self.deadline}) has passed"
            )
        self.trigger_event(
            self.Extended,
            reason=reason,
            extended_on=extended_on,
            deadline=deadline,
            by=by.record(),
        )

    class Decided(Aggregate.Event):
        class_version = 1

        outcome: str
        reason: dict[str, str]
        decided_on: str
        by: dict[str, Any]

        def apply(self, request: RightsRequest) -> None:
            request.outcome = self.outcome
            request.texts["decision"] = self.reason

    def decide(self, outcome: str, reason: dict[str, str], decided_on: str, by: Acting) -> None:
        self._require_pending()
        self._require_after_receipt(decided_on)
        self.trigger_event(
            self.Decided, outcome=outcome, reason=reason, decided_on=decided_on, by=by.record()
        )

    class Resealed(Aggregate.Event):
        """The sealed texts again, under a new key generation: a rectification of the
        subject retires the key they were sealed under (decision 0031)."""

        class_version = 1

        texts: dict[str, dict[str, str]]
        by: dict[str, Any]

        def apply(self, request: RightsRequest) -> None:
            request.texts.update(self.texts)

    def reseal(self, texts: dict[str, dict[str, str]], by: Acting) -> None:
        self.trigger_event(self.Resealed, texts=texts, by=by.record())
