"""Actors: the professionals (and the automation) whose every act the ledger records."""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/actor")
HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")


def actor_id(handle: str) -> UUID:
    return uuid5(_NAMESPACE, handle.lower())


class Actor(Aggregate):
    class Registered(Aggregate.Created):
        class_version = 1

        handle: str
        display_name: str
        organisation: str
        roles: list[str]
        bootstrap: bool
        db_user: str
        by: dict[str, Any]

    @event(Registered)
    def __init__(
        self,
        handle: str,
        display_name: str,
        organisation: str,
        roles: list[str],
        bootstrap: bool,
        db_user: str,
        by: dict[str, Any],
    ) -> None:
        self.handle = handle
        self.display_name = display_name
        self.organisation = organisation
        self.roles = list(roles)
        self.db_user = db_user
        self.active = True

    @classmethod
    def create_id(cls, handle: str, **_: Any) -> UUID:
        return actor_id(handle)

    class Deactivated(Aggregate.Event):
        class_version = 1

        reason: str
        by: dict[str, Any]

        def apply(self, actor: Actor) -> None:
            actor.active = False

    def deactivate(self, reason: str, by: Acting) -> None:
        if not self.active:
            raise rules.ACTOR_ACTIVE.refuse(f"actor {self.handle} is already deactivated")
        self.trigger_event(self.Deactivated, reason=reason, by=by.record())

    def acting_as(self, role: str | None) -> Acting:
        """The identity for an event; the role defaults to the actor's first role."""
        chosen = role or self.roles[0]
        return Acting(actor=self.handle, role=chosen, organisation=self.organisation)
