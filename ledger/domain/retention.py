"""Retention: legal holds, purges and runs, each an immutable record of what was destroyed.

A purge is recorded before its key is destroyed (as with erasure), under an id derived
from what it destroys, so the store itself refuses to record the same purge twice.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

_PURGE = uuid5(NAMESPACE_URL, "https://regie.invalid/purge")


def purge_id(owner: str, category: str) -> UUID:
    return uuid5(_PURGE, f"{owner}|{category}")


class LegalHold(Aggregate):
    """A hold on a subject or a case: nothing of it is purged while the hold lasts."""

    class Placed(Aggregate.Created):
        """Version 2 carries ``request``: the rights request a hold was placed for
        automatically (decision 0031); holds placed by hand, and before, carry None."""

        class_version = 2

        hold_id: str
        target_kind: str
        target: str
        reason: str
        placed_on: str
        request: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["request"] = None

    @event(Placed)
    def __init__(
        self,
        hold_id: str,
        target_kind: str,
        target: str,
        reason: str,
        placed_on: str,
        by: dict[str, Any],
        request: str | None = None,
    ) -> None:
        self.target_kind = target_kind
        self.target = target
        self.request = request
        self.active = True

    @classmethod
    def create_id(cls, hold_id: str, **_: Any) -> UUID:
        return UUID(hold_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    class Lifted(Aggregate.Event):
        class_version = 1

        reason: str
        lifted_on: str
        by: dict[str, Any]

        def apply(self, hold: LegalHold) -> None:
            hold.active = False

    def lift(self, reason: str, lifted_on: str, by: Acting, for_request: bool = False) -> None:
        """A hold placed for a rights request is lifted by deciding it (``for_request``)."""
        if not self.active:
            raise rules.HOLD_ACTIVE.refuse()
        if self.request is not None and not for_request:
            raise rules.HOLD_REQUEST.refuse()
        self.trigger_event(self.Lifted, reason=reason, lifted_on=lifted_on, by=by.record())


class Purge(Aggregate):
    """One destroyed key: what, under which class, from which start event, by which run."""

    class Purged(Aggregate.Created):
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        purges recorded before carry None."""

        class_version = 2

        owner: str
        owner_kind: str
        label: str
        category: str
        class_id: str
        start_event: str
        start_date: str
        due_date: str
        executed_on: str
        run_id: str
        policy_hash: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

    @event(Purged)
    def __init__(
        self,
        owner: str,
        owner_kind: str,
        label: str,
        category: str,
        class_id: str,
        start_event: str,
        start_date: str,
        due_date: str,
        executed_on: str,
        run_id: str,
        policy_hash: str | None,
        by: dict[str, Any],
    ) -> None:
        self.owner = owner
        self.category = category
        self.policy_hash = policy_hash

    @classmethod
    def create_id(cls, owner: str, category: str, **_: Any) -> UUID:
        return purge_id(owner, category)


class RetentionRun(Aggregate):
    """A run of the retention job; with four-eyes, a proposal that a second actor approves."""

    class Started(Aggregate.Created):
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        runs recorded before carry None."""

        class_version = 2

        run_id: str
        as_of: str
        items: list[dict[str, str]]
        proposal: bool
        policy_hash: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

    @event(Started)
    def __init__(
        self,
        run_id: str,
        as_of: str,
        items: list[dict[str, str]],
        proposal: bool,
        policy_hash: str | None,
        by: dict[str, Any],
    ) -> None:
        self.policy_hash = policy_hash
        self.as_of = as_of
        self.items = items
        self.proposal = proposal
        self.proposed_by = by["actor"]
        self.approved = not proposal
        self.completed = False

    @classmethod
    def create_id(cls, run_id: str, **_: Any) -> UUID:
        return UUID(run_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    class Approved(Aggregate.Event):
        class_version = 1

        comment: str
        by: dict[str, Any]

        def apply(self, run: RetentionRun) -> None:
            run.approved = True

    def approve(self, comment: str, by: Acting) -> None:
        if not self.proposal or self.approved:
            raise rules.FOUR_EYES.refuse("this run is not a proposal awaiting approval")
        if by.actor == self.proposed_by:
            raise rules.FOUR_EYES.refuse()
        self.trigger_event(self.Approved, comment=comment, by=by.record())

    class Completed(Aggregate.Event):
        class_version = 1

        purged: int
        by: dict[str, Any]

        def apply(self, run: RetentionRun) -> None:
            run.completed = True

    def complete(self, purged: int, by: Acting) -> None:
        self.trigger_event(self.Completed, purged=purged, by=by.record())
