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
        automatically (decision 0031); holds placed by hand, and before, carry None.
        Version 3 carries ``review_on``: the day the hold is looked at again (decision
        0050); holds placed before, and those of a rights request (its deadline is their
        review), carry None."""

        class_version = 3

        hold_id: str
        target_kind: str
        target: str
        reason: str
        placed_on: str
        request: str | None
        review_on: str | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["request"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["review_on"] = None

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
        review_on: str | None = None,
    ) -> None:
        self.target_kind = target_kind
        self.target = target
        self.request = request
        self.review_on = review_on
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

    class Reviewed(Aggregate.Event):
        """The hold was looked at and stays, until it is looked at again (decision 0050)."""

        class_version = 1

        reason: str
        reviewed_on: str
        review_on: str
        by: dict[str, Any]

        def apply(self, hold: LegalHold) -> None:
            hold.review_on = self.review_on

    def review(self, reason: str, reviewed_on: str, review_on: str, by: Acting) -> None:
        """Keep the hold, with why, and the next day it is looked at."""
        if not self.active:
            raise rules.HOLD_ACTIVE.refuse()
        self.trigger_event(
            self.Reviewed,
            reason=reason,
            reviewed_on=reviewed_on,
            review_on=review_on,
            by=by.record(),
        )

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
    """A run of the retention job. With four-eyes (the default) it is a destruction list:
    each reviewer role approves it, excluding items with a reason, before it is executed
    (decision 0033). Proposals from before that needed one second actor (``Approved``)."""

    class Started(Aggregate.Created):
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        runs recorded before carry None. Version 3 records ``reviewers``, the roles that
        must each approve the destruction list; earlier proposals carry [] (one second
        actor approves them)."""

        class_version = 3

        run_id: str
        as_of: str
        items: list[dict[str, str]]
        proposal: bool
        policy_hash: str | None
        reviewers: list[str]
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["reviewers"] = []

    @event(Started)
    def __init__(
        self,
        run_id: str,
        as_of: str,
        items: list[dict[str, str]],
        proposal: bool,
        policy_hash: str | None,
        reviewers: list[str],
        by: dict[str, Any],
    ) -> None:
        self.policy_hash = policy_hash
        self.as_of = as_of
        self.items = items
        self.proposal = proposal
        self.proposed_by = by["actor"]
        self.approved = not proposal
        self.completed = False
        self.reviewers = list(reviewers)
        self.reviews: dict[str, dict[str, Any]] = {}
        """Per reviewer role: who reviewed, when, the comment and the items excluded."""
        self.kept: list[dict[str, str]] = []

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
        if self.reviewers:
            raise rules.LIST_REVIEWER.refuse(
                "this destruction list is reviewed by role: "
                f"`regie retention list approve RUN --as {self.reviewers[0]}`"
            )
        if not self.proposal or self.approved:
            raise rules.FOUR_EYES.refuse("this run is not a proposal awaiting approval")
        if by.actor == self.proposed_by:
            raise rules.FOUR_EYES.refuse()
        self.trigger_event(self.Approved, comment=comment, by=by.record())

    class Reviewed(Aggregate.Event):
        """One reviewer role approved the destruction list, except the ``excluded`` items
        (owner, category, label, reason): those are kept."""

        class_version = 1

        role: str
        comment: str
        excluded: list[dict[str, str]]
        reviewed_on: str
        by: dict[str, Any]

        def apply(self, run: RetentionRun) -> None:
            run.reviews[self.role] = {
                "actor": self.by["actor"],
                "comment": self.comment,
                "excluded": list(self.excluded),
                "reviewed_on": self.reviewed_on,
            }
            run.approved = all(r in run.reviews for r in run.reviewers)

    def review(
        self,
        role: str,
        comment: str,
        excluded: list[dict[str, str]],
        reviewed_on: str,
        by: Acting,
    ) -> None:
        """Approve the list in ``role`` (held by ``by``, checked by the caller)."""
        if not self.reviewers:
            raise rules.LIST_REVIEWER.refuse(
                "this run is not a destruction list awaiting review by role"
            )
        if self.completed:
            raise rules.LIST_REVIEWER.refuse("this destruction list was executed already")
        if role not in self.reviewers:
            raise rules.LIST_REVIEWER.refuse(
                f"role '{role}' does not review destruction lists; reviewers: "
                + ", ".join(self.reviewers)
            )
        if role in self.reviews:
            raise rules.LIST_REVIEWER.refuse(f"the {role} reviewed this list already")
        if by.actor == self.proposed_by:
            raise rules.FOUR_EYES.refuse()
        if any(r["actor"] == by.actor for r in self.reviews.values()):
            raise rules.LIST_REVIEWER.refuse(
                "each reviewer role is a different actor: you reviewed this list already"
            )
        self.trigger_event(
            self.Reviewed,
            role=role,
            comment=comment,
            excluded=excluded,
            reviewed_on=reviewed_on,
            by=by.record(),
        )

    def excluded(self) -> dict[tuple[str, str], str]:
        """(owner, category) of each item a reviewer excluded, with role and reason."""
        out: dict[tuple[str, str], str] = {}
        for role, review in sorted(self.reviews.items()):
            for item in review["excluded"]:
                key = (item["owner"], item["category"])
                out[key] = "; ".join(filter(None, [out.get(key), f"{role}: {item['reason']}"]))
        return out

    def require_executable(self) -> None:
        if self.completed:
            raise rules.LIST_APPROVED.refuse("this destruction list was executed already")
        missing = [r for r in self.reviewers if r not in self.reviews]
        if missing:
            raise rules.LIST_APPROVED.refuse(
                "this destruction list still awaits the approval of: " + ", ".join(missing)
            )

    class Completed(Aggregate.Event):
        """Version 2 records ``kept``: the items of the list that were not destroyed and
        why (excluded by a reviewer, held or no longer due since): with the purges of the
        run it is the verklaring van vernietiging. Earlier runs carry []."""

        class_version = 2

        purged: int
        kept: list[dict[str, str]]
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["kept"] = []

        def apply(self, run: RetentionRun) -> None:
            run.completed = True
            run.kept = list(self.kept)

    def complete(self, purged: int, by: Acting, kept: list[dict[str, str]] | None = None) -> None:
        self.trigger_event(self.Completed, purged=purged, kept=kept or [], by=by.record())
