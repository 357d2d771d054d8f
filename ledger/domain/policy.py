"""Which rules were in force: every activation of a policy set, with the hash of each file.

The ledger records a new activation before the first write of a process whose policy
files differ from the last one recorded, so that the audit can tell, for each decision
(which records the set's hash), exactly which rules judged it.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

POLICY_SET_ID = uuid5(NAMESPACE_URL, "https://regie.invalid/policy-set")
SYSTEM = {"actor": "regie", "role": "system", "org": "-"}
"""Who records an activation: the ledger itself, on start, not a person."""
UNRECORDED = "-"
"""What a report prints for a decision recorded before decisions named their policy set."""


def short_hash(policy_hash: str | None) -> str:
    """A policy set's hash as a report prints it: the first 12 hex digits, enough to find
    the activation (`PolicySet.Activated`) that recorded it in full."""
    return policy_hash[:12] if policy_hash else UNRECORDED


class PolicySet(Aggregate):
    class Started(Aggregate.Created):
        """The first activation: the policy set in force when the ledger first wrote."""

        class_version = 1

        policy_hash: str
        files: dict[str, str]
        by: dict[str, Any]

    @event(Started)
    def __init__(self, policy_hash: str, files: dict[str, str], by: dict[str, Any]) -> None:
        self.active: str | None = policy_hash

    @classmethod
    def create_id(cls, **_: Any) -> UUID:
        return POLICY_SET_ID

    class Activated(Aggregate.Event):
        class_version = 1

        policy_hash: str
        files: dict[str, str]
        by: dict[str, Any]

        def apply(self, policy_set: PolicySet) -> None:
            policy_set.active = self.policy_hash

    def activate(self, policy_hash: str, files: dict[str, str]) -> bool:
        """Record the set, unless it is the one in force already."""
        if policy_hash == self.active:
            return False
        self.trigger_event(self.Activated, policy_hash=policy_hash, files=files, by=SYSTEM)
        return True
