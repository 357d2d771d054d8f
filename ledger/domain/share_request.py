"""Verzoeken tot verstrekking: the regisseur asks, the providing organisation answers.

A partner decides on its own legal basis whether it provides (000 L2044-2046), so a
provision "from politie" recorded by someone else is only a request until an actor of
the police confirms it (then a Share is decided, by that actor) or refuses it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

OPEN, CONFIRMED, DECLINED = "open", "bevestigd", "afgewezen"


class Verzoek(Aggregate):
    class Requested(Aggregate.Created):
        """``command`` is the share as requested (necessity sealed, subjects resolved);
        ``om_conditions`` the keys of the OM's conditions the regisseur recorded."""

        class_version = 1

        request_id: str
        case: str
        step: int
        command: dict[str, Any]
        om_conditions: list[str]
        by: dict[str, Any]

    @event(Requested)
    def __init__(
        self,
        request_id: str,
        case: str,
        step: int,
        command: dict[str, Any],
        om_conditions: list[str],
        by: dict[str, Any],
    ) -> None:
        self.case = case
        self.command = command
        self.om_conditions = om_conditions
        self.requested_by = by
        self.status = OPEN

    @classmethod
    def create_id(cls, request_id: str, **_: Any) -> UUID:
        return UUID(request_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())

    @property
    def provider(self) -> str:
        return str(self.command["from_org"])

    def check_answerable(self, by: Acting) -> None:
        if self.status != OPEN:
            raise rules.SHARE_REQUEST_OPEN.refuse()
        if by.organisation != self.provider:
            raise rules.SHARE_PROVIDER.refuse(
                f"only an actor of '{self.provider}' answers this request"
            )

    class Confirmed(Aggregate.Event):
        class_version = 1

        share_id: str
        by: dict[str, Any]

        def apply(self, verzoek: Verzoek) -> None:
            verzoek.status = CONFIRMED

    def confirm(self, share_id: str, by: Acting) -> None:
        self.check_answerable(by)
        self.trigger_event(self.Confirmed, share_id=share_id, by=by.record())

    class Declined(Aggregate.Event):
        """``reason`` is sealed under the case's records key."""

        class_version = 1

        reason: str
        by: dict[str, Any]

        def apply(self, verzoek: Verzoek) -> None:
            verzoek.status = DECLINED

    def decline(self, reason: str, by: Acting) -> None:
        self.check_answerable(by)
        self.trigger_event(self.Declined, reason=reason, by=by.record())
