"""Access events: who saw (or was refused) what, NEN 7513 style, written before showing.

Each access is its own one-event aggregate, so logging never contends with case writes
and a million entries append in batches. The data subject is referenced *sealed* under
a key per month of access, so that access-log references can expire under their own
retention class by destroying that month's key.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

ACTIONS = ("create", "read", "update", "delete", "export", "search")
GRANTED, DENIED = "granted", "denied"


def period_owner(day: str) -> str:
    """The key-store owner of the access-log key for the month of ``day`` (ISO date)."""
    return f"toegangslog:{day[:7]}"


ACCESS_CATEGORY = "toegangslog"


class Access(Aggregate):
    class Recorded(Aggregate.Created):
        """Version 2 adds the Logboek Dataverwerkingen fields (decision 0044): the trace,
        the operation and its parent, the processing activity of the verwerkingsregister,
        the entry's retention term and the application that wrote it."""

        class_version = 2

        access_id: str
        action: str
        command: str
        subject: dict[str, str] | None
        case: str | None
        categories: list[str]
        purpose: str
        outcome: str
        reason: str
        on: str
        by: dict[str, Any]
        trace_id: str
        operation_id: str
        parent_operation_id: str | None
        activity: str
        retention: str
        application: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Before the register: the entry is its own trace and operation (derived from
            its id, so every replay derives the same), and its activity and retention are
            unknown here (empty): the LDV export takes them from the register in force."""
            hex_id = UUID(state["access_id"]).hex
            state["trace_id"] = hex_id
            state["operation_id"] = hex_id[:16]
            state["parent_operation_id"] = None
            state["activity"] = ""
            state["retention"] = ""
            state["application"] = "regie"

    @event(Recorded)
    def __init__(
        self,
        access_id: str,
        action: str,
        command: str,
        subject: dict[str, str] | None,
        case: str | None,
        categories: list[str],
        purpose: str,
        outcome: str,
        reason: str,
        on: str,
        by: dict[str, Any],
        trace_id: str,
        operation_id: str,
        parent_operation_id: str | None,
        activity: str,
        retention: str,
        application: str,
    ) -> None:
        self.action = action
        self.outcome = outcome

    @classmethod
    def create_id(cls, access_id: str, **_: Any) -> UUID:
        return UUID(access_id)

    @staticmethod
    def new_id() -> str:
        return str(uuid4())
